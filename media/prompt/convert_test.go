package prompt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wavOf returns a 16-bit PCM WAV of the interleaved samples.
func wavOf(rate, channels int, samples []int16) []byte {
	var b bytes.Buffer
	data := len(samples) * 2
	b.WriteString("RIFF")
	_ = binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(channels), uint32(rate),
		uint32(rate * channels * 2), uint16(channels * 2), uint16(16)} {
		_ = binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	_ = binary.Write(&b, binary.LittleEndian, uint32(data))
	_ = binary.Write(&b, binary.LittleEndian, samples)
	return b.Bytes()
}

// tones returns d of the sum of sines at freqs (Hz), at rate, in channels.
func tones(rate, channels int, d time.Duration, freqs ...float64) []int16 {
	n := int(d.Seconds() * float64(rate))
	out := make([]int16, 0, n*channels)
	for i := range n {
		v := 0.0
		for _, f := range freqs {
			v += 8000 * math.Sin(2*math.Pi*f*float64(i)/float64(rate))
		}
		for range channels {
			out = append(out, int16(v))
		}
	}
	return out
}

// power is the Goertzel power of f (Hz) in 8 kHz pcm, per sample.
func power(pcm []int16, f float64) float64 {
	k := 2 * math.Cos(2*math.Pi*f/SampleRate)
	var s1, s2 float64
	for _, x := range pcm {
		s1, s2 = float64(x)+k*s1-s2, s1
	}
	return (s1*s1 + s2*s2 - k*s1*s2) / float64(len(pcm)*len(pcm))
}

func TestConvert(t *testing.T) {
	for _, tc := range []struct {
		rate, channels int
	}{{16000, 2}, {44100, 1}, {48000, 2}, {22050, 1}, {8000, 2}, {11025, 1}} {
		// 1 kHz stays; 6 kHz is above the new Nyquist frequency and would
		// alias to 2 kHz without the low-pass filter (when it exists at
		// the source rate).
		src := tones(tc.rate, tc.channels, time.Second, 1000, 6000)
		if tc.rate <= 12000 {
			src = tones(tc.rate, tc.channels, time.Second, 1000)
		}
		p, err := Convert("upload", bytes.NewReader(wavOf(tc.rate, tc.channels, src)))
		require.NoError(t, err, "%d Hz x%d", tc.rate, tc.channels)
		assert.InDelta(t, time.Second, p.Duration(), float64(5*time.Millisecond), "%d Hz: duration kept", tc.rate)
		assert.Len(t, p.Ulaw, len(p.PCM))
		kept, alias := power(p.PCM, 1000), power(p.PCM, 2000)
		assert.Greater(t, kept, 1000*alias, "%d Hz x%d: 1 kHz kept, nothing aliased to 2 kHz (%.0f vs %.0f)", tc.rate, tc.channels, kept, alias)
	}
}

func TestConvertRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		wav  []byte
		want error
	}{
		"96 kHz":     {wavOf(96000, 1, tones(96000, 1, 100*time.Millisecond, 1000)), ErrSampleRate},
		"6 kHz":      {wavOf(6000, 1, tones(6000, 1, 100*time.Millisecond, 1000)), ErrSampleRate},
		"3 channels": {wavOf(16000, 3, tones(16000, 3, 100*time.Millisecond, 1000)), ErrChannels},
		"not a WAV":  {[]byte("ID3\x03 an mp3 file................"), ErrNotWAV},
		"empty":      {wavOf(16000, 1, nil), ErrEmpty},
		"too long":   {wavOf(8000, 1, make([]int16, int(MaxDuration/time.Second)*SampleRate+8)), ErrTooLong},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Convert("upload", bytes.NewReader(tc.wav))
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "%v", err)
			assert.Contains(t, err.Error(), `prompt "upload"`)
		})
	}
	_, err := Decode("strict", bytes.NewReader(wavOf(16000, 1, tones(16000, 1, 100*time.Millisecond, 1000))))
	assert.ErrorIs(t, err, ErrSampleRate, "Decode (bundled prompts) still takes 8 kHz only")
}
