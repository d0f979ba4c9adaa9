package prompt

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		pcm  []int16
	}{
		{name: "one sample", pcm: []int16{42}},
		{name: "extremes", pcm: []int16{math.MinInt16, -1, 0, 1, math.MaxInt16}},
		{name: "one frame", pcm: sine(160)},
		{name: "spans several writes", pcm: sine(3*encodeBufSize + 7)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, Encode(&buf, tc.pcm))
			assert.Equal(t, wavHeaderSize+2*len(tc.pcm), buf.Len())

			p, err := Decode("rt", &buf)
			require.NoError(t, err)
			assert.Equal(t, tc.pcm, p.PCM)
		})
	}
}

func TestEncodeCanonicalHeader(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, []int16{0x0102, -2}))
	want := "52494646" + "28000000" + "57415645" + // RIFF, 36+4 bytes, WAVE
		"666d7420" + "10000000" + "0100" + "0100" + // fmt , 16, PCM, mono
		"401f0000" + "803e0000" + "0200" + "1000" + // 8000 Hz, 16000 B/s, align 2, 16 bits
		"64617461" + "04000000" + "0201" + "feff" // data, 4 bytes, samples
	assert.Equal(t, want, hex.EncodeToString(buf.Bytes()))
}

func TestEncodeEmpty(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, nil))
	assert.Equal(t, wavHeaderSize, buf.Len())

	_, err := Decode("empty", &buf)
	require.ErrorIs(t, err, ErrEmpty)
}

func TestEncodeWriteError(t *testing.T) {
	tests := []struct {
		name    string
		samples int
		okBytes int
	}{
		{name: "on final write", samples: 10, okBytes: 0},
		{name: "on intermediate write", samples: 2 * encodeBufSize, okBytes: 0},
		{name: "after first write", samples: 2 * encodeBufSize, okBytes: encodeBufSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := &failingWriter{okBytes: tc.okBytes, err: errors.New("pipe closed")}
			err := Encode(w, sine(tc.samples))
			require.ErrorIs(t, err, w.err)
			assert.Contains(t, err.Error(), "write WAV")
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	pcm := sine(5 * SampleRate)
	var buf bytes.Buffer
	buf.Grow(wavHeaderSize + 2*len(pcm))
	b.ReportAllocs()
	b.SetBytes(int64(2 * len(pcm)))
	for b.Loop() {
		buf.Reset()
		if err := Encode(&buf, pcm); err != nil {
			b.Fatal(err)
		}
	}
}

// failingWriter accepts okBytes bytes and then fails every write with err.
type failingWriter struct {
	okBytes int
	err     error
}

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.okBytes {
		return 0, w.err
	}
	w.okBytes -= len(p)
	return len(p), nil
}
