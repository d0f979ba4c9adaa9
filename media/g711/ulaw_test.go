package g711

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	zaf "github.com/zaf/g711"
)

func TestDecodeUlawMatchesReference(t *testing.T) {
	src := allCodes()
	dst := make([]int16, len(src))
	require.Equal(t, 256, DecodeUlaw(dst, src))
	for i, c := range src {
		require.Equalf(t, zaf.DecodeUlawFrame(c), dst[i], "code %#02x", c)
	}
}

func TestEncodeUlawMatchesReferenceForEveryInt16(t *testing.T) {
	src := allSamples()
	dst := make([]byte, len(src))
	require.Equal(t, len(src), EncodeUlaw(dst, src))
	for i, s := range src {
		require.Equalf(t, zaf.EncodeUlawFrame(s), dst[i], "sample %d", s)
	}
}

func TestUlawKnownValues(t *testing.T) {
	tests := []struct {
		name   string
		sample int16
		code   byte
	}{
		{name: "zero is silence", sample: 0, code: UlawSilence},
		{name: "minus one is negative zero", sample: -1, code: 0x7F},
		{name: "max positive clips", sample: math.MaxInt16, code: 0x80},
		{name: "min negative clips", sample: math.MinInt16, code: 0x00},
		{name: "top of range", sample: 32124, code: 0x80},
		{name: "small positive", sample: 8, code: 0xFE},
		{name: "small negative", sample: -9, code: 0x7E},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out [1]byte
			require.Equal(t, 1, EncodeUlaw(out[:], []int16{tc.sample}))
			assert.Equal(t, tc.code, out[0])
		})
	}
}

func TestUlawRoundTripIsIdentityOnCodes(t *testing.T) {
	codes := allCodes()
	lin := make([]int16, len(codes))
	back := make([]byte, len(codes))
	DecodeUlaw(lin, codes)
	EncodeUlaw(back, lin)
	for i, c := range codes {
		want := c
		if c == 0x7F { // negative zero decodes to 0, which encodes as positive zero
			want = UlawSilence
		}
		assert.Equalf(t, want, back[i], "code %#02x", c)
	}
}

func TestUlawLengths(t *testing.T) {
	tests := []struct {
		name   string
		dstLen int
		srcLen int
		want   int
	}{
		{name: "equal", dstLen: 160, srcLen: 160, want: 160},
		{name: "short dst", dstLen: 10, srcLen: 160, want: 10},
		{name: "short src", dstLen: 160, srcLen: 7, want: 7},
		{name: "empty dst", dstLen: 0, srcLen: 5, want: 0},
		{name: "empty src", dstLen: 5, srcLen: 0, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			enc := make([]byte, tc.dstLen)
			assert.Equal(t, tc.want, EncodeUlaw(enc, make([]int16, tc.srcLen)))
			dec := make([]int16, tc.dstLen)
			assert.Equal(t, tc.want, DecodeUlaw(dec, make([]byte, tc.srcLen)))
		})
	}
}

func TestUlawLeavesTailOfDstUntouched(t *testing.T) {
	dst := []byte{1, 2, 3, 4}
	require.Equal(t, 2, EncodeUlaw(dst, []int16{0, 0}))
	assert.Equal(t, []byte{UlawSilence, UlawSilence, 3, 4}, dst)
}

// allCodes returns the 256 possible G.711 codes in order.
func allCodes() []byte {
	codes := make([]byte, 256)
	for i := range codes {
		codes[i] = byte(i)
	}
	return codes
}

// allSamples returns every int16 value from MinInt16 to MaxInt16.
func allSamples() []int16 {
	samples := make([]int16, 0, 1<<16)
	for s := math.MinInt16; s <= math.MaxInt16; s++ {
		samples = append(samples, int16(s))
	}
	return samples
}
