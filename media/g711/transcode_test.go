package g711

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	zaf "github.com/zaf/g711"
)

func TestTranscodeAgreesWithDecodeEncode(t *testing.T) {
	tests := []struct {
		name      string
		transcode func(dst, src []byte) int
		decode    func(dst []int16, src []byte) int
		encode    func(dst []byte, src []int16) int
	}{
		{name: "ulaw to alaw", transcode: UlawToAlaw, decode: DecodeUlaw, encode: EncodeAlaw},
		{name: "alaw to ulaw", transcode: AlawToUlaw, decode: DecodeAlaw, encode: EncodeUlaw},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			codes := allCodes()
			lin := make([]int16, len(codes))
			want := make([]byte, len(codes))
			tc.decode(lin, codes)
			tc.encode(want, lin)

			got := make([]byte, len(codes))
			require.Equal(t, len(codes), tc.transcode(got, codes))
			assert.Equal(t, want, got)
		})
	}
}

func TestTranscodeMatchesReferenceTables(t *testing.T) {
	tests := []struct {
		name      string
		transcode func(dst, src []byte) int
		reference func(uint8) uint8
	}{
		{name: "ulaw to alaw", transcode: UlawToAlaw, reference: zaf.Ulaw2AlawFrame},
		{name: "alaw to ulaw", transcode: AlawToUlaw, reference: zaf.Alaw2UlawFrame},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			codes := allCodes()
			got := make([]byte, len(codes))
			tc.transcode(got, codes)
			for i, c := range codes {
				assert.Equalf(t, tc.reference(c), got[i], "code %#02x", c)
			}
		})
	}
}

func TestTranscodeSilenceAndInPlace(t *testing.T) {
	tests := []struct {
		name      string
		transcode func(dst, src []byte) int
		in, want  byte
	}{
		{name: "ulaw silence to alaw silence", transcode: UlawToAlaw, in: UlawSilence, want: AlawSilence},
		// A-law has no zero code: its silence decodes to +8, μ-law code 0xFE.
		{name: "alaw silence to smallest positive ulaw", transcode: AlawToUlaw, in: AlawSilence, want: 0xFE},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			buf := []byte{tc.in, tc.in, tc.in}
			require.Equal(t, 3, tc.transcode(buf, buf))
			assert.Equal(t, []byte{tc.want, tc.want, tc.want}, buf)
		})
	}
}

func TestTranscodeLengths(t *testing.T) {
	tests := []struct {
		name   string
		dstLen int
		srcLen int
		want   int
	}{
		{name: "equal", dstLen: 160, srcLen: 160, want: 160},
		{name: "short dst", dstLen: 3, srcLen: 160, want: 3},
		{name: "short src", dstLen: 160, srcLen: 0, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, UlawToAlaw(make([]byte, tc.dstLen), make([]byte, tc.srcLen)))
			assert.Equal(t, tc.want, AlawToUlaw(make([]byte, tc.dstLen), make([]byte, tc.srcLen)))
		})
	}
}
