package prompt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/callgate/callgate/media/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeAccepts(t *testing.T) {
	pcm := sine(800)
	ulaw := make([]byte, len(pcm))
	g711.EncodeUlaw(ulaw, pcm)
	alaw := make([]byte, len(pcm))
	g711.EncodeAlaw(alaw, pcm)
	list := chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00sox!\x00\x00"))

	tests := []struct {
		name     string
		wav      []byte
		wantPCM  []int16
		wantUlaw []byte
	}{
		{name: "canonical PCM", wav: riff(pcm8k().chunk(), chunk("data", pcmBytes(pcm))), wantPCM: pcm},
		{name: "LIST chunk before fmt", wav: riff(list, pcm8k().chunk(), chunk("data", pcmBytes(pcm))), wantPCM: pcm},
		{
			name:    "odd-sized unknown chunk with pad byte",
			wav:     riff(pcm8k().chunk(), chunk("junk", []byte{1, 2, 3}), chunk("data", pcmBytes(pcm))),
			wantPCM: pcm,
		},
		{
			name:    "fact chunk and trailing LIST after data",
			wav:     riff(pcm8k().chunk(), chunk("fact", []byte{0x20, 3, 0, 0}), chunk("data", pcmBytes(pcm)), list),
			wantPCM: pcm,
		},
		{name: "fmt chunk with cbSize 0", wav: riff(chunk("fmt ", append(pcm8k().body(), 0, 0)), chunk("data", pcmBytes(pcm))), wantPCM: pcm},
		{name: "extensible PCM", wav: riff(extensibleFmt(formatPCM, 16), chunk("data", pcmBytes(pcm))), wantPCM: pcm},
		{name: "mu-law", wav: riff(fmtSpec{tag: formatMuLaw, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", ulaw)), wantUlaw: ulaw},
		{name: "extensible mu-law", wav: riff(extensibleFmt(formatMuLaw, 8), chunk("data", ulaw)), wantUlaw: ulaw},
		{name: "A-law", wav: riff(fmtSpec{tag: formatALaw, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", alaw))},
		{name: "odd sample count mu-law with pad", wav: riff(fmtSpec{tag: formatMuLaw, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", ulaw[:799]))},
		{name: "one byte reads", wav: validWAV(t, pcm), wantPCM: pcm},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(tc.wav)
			if tc.name == "one byte reads" {
				r = iotest.OneByteReader(r)
			}
			p, err := Decode("test", r)
			require.NoError(t, err)
			assert.Equal(t, "test", p.Name)
			require.NotEmpty(t, p.PCM)
			assert.Len(t, p.Ulaw, len(p.PCM))
			assert.Len(t, p.Alaw, len(p.PCM))
			if tc.wantPCM != nil {
				assert.Equal(t, tc.wantPCM, p.PCM)
			}
			if tc.wantUlaw != nil {
				assert.Equal(t, tc.wantUlaw, p.Ulaw)
			}
			assertCompanded(t, p)
		})
	}
}

func TestDecodeRejects(t *testing.T) {
	pcm := pcmBytes(sine(160))
	stereo := fmtSpec{tag: formatPCM, channels: 2, rate: SampleRate, bits: 16}
	wav := riff(pcm8k().chunk(), chunk("data", pcm))
	badGUID := extensibleFmt(formatPCM, 16)
	badGUID[8+24+5] ^= 0xFF

	tests := []struct {
		name    string
		wav     []byte
		wantErr error
		wantMsg string
	}{
		{name: "16 kHz", wav: riff(fmtSpec{tag: formatPCM, channels: 1, rate: 16000, bits: 16}.chunk(), chunk("data", pcm)),
			wantErr: ErrSampleRate, wantMsg: `prompt "bad": unsupported sample rate 16000 Hz, want 8000 Hz`},
		{name: "stereo", wav: riff(stereo.chunk(), chunk("data", pcm)), wantErr: ErrChannels, wantMsg: "unsupported channel count 2, want 1 (mono)"},
		{name: "8-bit PCM", wav: riff(fmtSpec{tag: formatPCM, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "8-bit PCM, want 16-bit"},
		{name: "24-bit PCM", wav: riff(fmtSpec{tag: formatPCM, channels: 1, rate: SampleRate, bits: 24}.chunk(), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "24-bit PCM"},
		{name: "IEEE float", wav: riff(fmtSpec{tag: formatIEEEFloat, channels: 1, rate: SampleRate, bits: 32}.chunk(), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "format tag 0x0003 (IEEE float)"},
		{name: "16-bit mu-law", wav: riff(fmtSpec{tag: formatMuLaw, channels: 1, rate: SampleRate, bits: 16}.chunk(), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "16-bit μ-law, want 8-bit"},
		{name: "wrong block align", wav: riff(fmtSpec{tag: formatPCM, channels: 1, rate: SampleRate, bits: 16, blockAlign: 4}.chunk(), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "block align 4 bytes, want 2"},
		{name: "extensible float subformat", wav: riff(extensibleFmt(formatIEEEFloat, 32), chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "(IEEE float)"},
		{name: "extensible non-standard GUID", wav: riff(badGUID, chunk("data", pcm)),
			wantErr: ErrUnsupportedFormat, wantMsg: "subformat GUID"},
		{name: "extensible fmt too short", wav: riff(chunk("fmt ", fmtSpec{tag: formatExtensible, channels: 1, rate: SampleRate, bits: 16}.body()), chunk("data", pcm)),
			wantErr: ErrNotWAV, wantMsg: "WAVE_FORMAT_EXTENSIBLE fmt chunk is 16 bytes, want 40"},
		{name: "fmt too short", wav: riff(chunk("fmt ", pcm8k().body()[:14]), chunk("data", pcm)),
			wantErr: ErrNotWAV, wantMsg: "fmt chunk is 14 bytes, want at least 16"},
		{name: "missing fmt", wav: riff(chunk("data", pcm)), wantErr: ErrNotWAV, wantMsg: "data chunk before fmt chunk"},
		{name: "no chunks at all", wav: riff(), wantErr: ErrNotWAV, wantMsg: "no fmt chunk"},
		{name: "missing data", wav: riff(pcm8k().chunk(), chunk("LIST", []byte("INFO"))), wantErr: ErrNotWAV, wantMsg: "no data chunk"},
		{name: "duplicate fmt", wav: riff(pcm8k().chunk(), pcm8k().chunk(), chunk("data", pcm)), wantErr: ErrNotWAV, wantMsg: "duplicate fmt chunk"},
		{name: "not RIFF", wav: append([]byte("RIFX"), wav[4:]...), wantErr: ErrNotWAV, wantMsg: `starts with "RIFX", want "RIFF"`},
		{name: "not WAVE", wav: append(append([]byte{}, wav[:8]...), append([]byte("AVI "), wav[12:]...)...),
			wantErr: ErrNotWAV, wantMsg: `RIFF form type "AVI ", want "WAVE"`},
		{name: "empty input", wav: nil, wantErr: ErrNotWAV, wantMsg: "input is 0 bytes"},
		{name: "text file", wav: []byte("hello"), wantErr: ErrNotWAV},
		{name: "empty data", wav: riff(pcm8k().chunk(), chunk("data", nil)), wantErr: ErrEmpty, wantMsg: "data chunk is empty"},
		{name: "truncated data chunk", wav: wav[:len(wav)-10], wantErr: ErrTruncated, wantMsg: "data chunk has 310 of 320 bytes"},
		{name: "odd PCM data size", wav: riff(pcm8k().chunk(), chunk("data", pcm[:5])), wantErr: ErrTruncated, wantMsg: "not a whole number of 2-byte samples"},
		{name: "truncated RIFF header", wav: wav[:9], wantErr: ErrTruncated, wantMsg: "RIFF header is 9 bytes"},
		{name: "truncated chunk header", wav: wav[:12+3], wantErr: ErrTruncated, wantMsg: "chunk header has 3 of 8 bytes"},
		{name: "truncated fmt chunk", wav: wav[:12+8+10], wantErr: ErrTruncated, wantMsg: "fmt chunk has 10 of 16 bytes"},
		{name: "truncated unknown chunk", wav: riff(pcm8k().chunk(), chunk("LIST", make([]byte, 100)))[:12+24+8+50],
			wantErr: ErrTruncated, wantMsg: `"LIST" chunk has 50 of 100 bytes`},
		{name: "too long", wav: riff(pcm8k().chunk(), sizedChunk("data", uint32(2*maxSamples+2))), wantErr: ErrTooLong, wantMsg: "max 10m0s"},
		{name: "huge data size", wav: riff(pcm8k().chunk(), sizedChunk("data", 0xFFFFFFFF)), wantErr: ErrTooLong},
		{name: "huge metadata chunk", wav: riff(pcm8k().chunk(), sizedChunk("LIST", 0xFFFFFFF0)), wantErr: ErrTooLong, wantMsg: `"LIST" chunk of 4294967280 bytes`},
		{name: "huge fmt chunk", wav: riff(sizedChunk("fmt ", 5000)), wantErr: ErrNotWAV, wantMsg: "fmt chunk is 5000 bytes, max 1024"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Decode("bad", bytes.NewReader(tc.wav))
			require.Error(t, err)
			assert.Nil(t, p)
			require.ErrorIs(t, err, tc.wantErr)
			assert.Contains(t, err.Error(), `prompt "bad": `)
			assert.Contains(t, err.Error(), tc.wantMsg)
		})
	}
}

func TestDecodeReaderError(t *testing.T) {
	boom := errors.New("disk on fire")
	wav := validWAV(t, sine(400))
	tests := []struct {
		name  string
		after int
	}{
		{name: "in RIFF header", after: 4},
		{name: "in chunk header", after: 14},
		{name: "in fmt chunk", after: 24},
		{name: "in data chunk", after: 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := io.MultiReader(bytes.NewReader(wav[:tc.after]), iotest.ErrReader(boom))
			_, err := Decode("io", r)
			require.ErrorIs(t, err, boom)
			assert.Contains(t, err.Error(), `prompt "io": read`)
		})
	}
}

func TestDecodeDoesNotReadPastData(t *testing.T) {
	wav := validWAV(t, sine(160))
	r := io.MultiReader(bytes.NewReader(wav), iotest.ErrReader(errors.New("read past data chunk")))
	_, err := Decode("exact", r)
	require.NoError(t, err)
}

// sizedChunk returns just a chunk header claiming size bytes, with no body.
func sizedChunk(id string, size uint32) []byte {
	return append([]byte(id), binary.LittleEndian.AppendUint32(nil, size)...)
}

// assertCompanded checks that the μ-law and A-law copies agree with PCM.
func assertCompanded(t *testing.T, p *Prompt) {
	t.Helper()
	ulawPCM := make([]int16, len(p.Ulaw))
	g711.DecodeUlaw(ulawPCM, p.Ulaw)
	alawPCM := make([]int16, len(p.Alaw))
	g711.DecodeAlaw(alawPCM, p.Alaw)
	for i, s := range p.PCM {
		require.InDeltaf(t, s, ulawPCM[i], 1024, "μ-law sample %d", i)
		require.InDeltaf(t, s, alawPCM[i], 1024, "A-law sample %d", i)
	}
}

func TestDecodeAcceptsExactlyMaxDuration(t *testing.T) {
	p, err := Decode("long", bytes.NewReader(validWAV(t, make([]int16, maxSamples))))
	require.NoError(t, err)
	assert.Equal(t, MaxDuration, p.Duration())
}

func BenchmarkDecode(b *testing.B) {
	wav := validWAV(b, sine(5*SampleRate))
	b.ReportAllocs()
	b.SetBytes(int64(len(wav)))
	for b.Loop() {
		if _, err := Decode("bench", bytes.NewReader(wav)); err != nil {
			b.Fatal(err)
		}
	}
}
