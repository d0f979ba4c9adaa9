package g711

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	zaf "github.com/zaf/g711"
)

func TestDecodeAlawMatchesReference(t *testing.T) {
	src := allCodes()
	dst := make([]int16, len(src))
	require.Equal(t, 256, DecodeAlaw(dst, src))
	for i, c := range src {
		require.Equalf(t, zaf.DecodeAlawFrame(c), dst[i], "code %#02x", c)
	}
}

func TestEncodeAlawMatchesReferenceForEveryInt16(t *testing.T) {
	src := allSamples()
	dst := make([]byte, len(src))
	require.Equal(t, len(src), EncodeAlaw(dst, src))
	for i, s := range src {
		require.Equalf(t, zaf.EncodeAlawFrame(s), dst[i], "sample %d", s)
	}
}

func TestAlawKnownValues(t *testing.T) {
	tests := []struct {
		name   string
		sample int16
		code   byte
	}{
		{name: "zero is silence", sample: 0, code: AlawSilence},
		{name: "minus one is negative zero", sample: -1, code: 0x55},
		{name: "max positive clips", sample: math.MaxInt16, code: 0xAA},
		{name: "min negative clips", sample: math.MinInt16, code: 0x2A},
		{name: "top of range", sample: 32256, code: 0xAA},
		{name: "first segment boundary", sample: 256, code: 0xC5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out [1]byte
			require.Equal(t, 1, EncodeAlaw(out[:], []int16{tc.sample}))
			assert.Equal(t, tc.code, out[0])
		})
	}
}

func TestAlawRoundTripIsIdentityOnCodes(t *testing.T) {
	codes := allCodes()
	lin := make([]int16, len(codes))
	back := make([]byte, len(codes))
	DecodeAlaw(lin, codes)
	EncodeAlaw(back, lin)
	assert.Equal(t, codes, back)
}

func TestAlawLengths(t *testing.T) {
	tests := []struct {
		name   string
		dstLen int
		srcLen int
		want   int
	}{
		{name: "equal", dstLen: 160, srcLen: 160, want: 160},
		{name: "short dst", dstLen: 10, srcLen: 160, want: 10},
		{name: "short src", dstLen: 160, srcLen: 7, want: 7},
		{name: "nil dst", dstLen: 0, srcLen: 5, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := make([]byte, tc.dstLen)
			assert.Equal(t, tc.want, EncodeAlaw(enc, make([]int16, tc.srcLen)))
			dec := make([]int16, tc.dstLen)
			assert.Equal(t, tc.want, DecodeAlaw(dec, make([]byte, tc.srcLen)))
		})
	}
}
