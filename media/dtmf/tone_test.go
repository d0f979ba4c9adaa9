package dtmf

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppendTone(t *testing.T) {
	t.Run("length and append", func(t *testing.T) {
		prefix := []int16{1, 2, 3}
		s, err := AppendTone(prefix, '5', 100*time.Millisecond, -10)
		require.NoError(t, err)
		assert.Len(t, s, 3+800)
		assert.Equal(t, []int16{1, 2, 3}, s[:3])
	})
	t.Run("partial sample rounds down", func(t *testing.T) {
		s, err := AppendTone(nil, '5', 250*time.Microsecond+time.Microsecond, -10)
		require.NoError(t, err)
		assert.Len(t, s, 2)
	})
	t.Run("zero duration", func(t *testing.T) {
		s, err := AppendTone(nil, '#', 0, -10)
		require.NoError(t, err)
		assert.Empty(t, s)
	})
	levels := []struct {
		name  string
		dBm0  float64
		ampli float64 // expected peak amplitude per component
	}{
		{"0 dBm0 is 22827", 0, 22827},
		{"-10 dBm0", -10, 7218.6},
		{"-25 dBm0", -25, 1283.6},
	}
	for _, tc := range levels {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.ampli, dBm0ToAmplitude(tc.dBm0), 0.5)
			if tc.dBm0 > -3 {
				return // the sum clips
			}
			s, err := AppendTone(nil, '1', time.Second, tc.dBm0)
			require.NoError(t, err)
			// Two sines of amplitude A have RMS A.
			assert.InEpsilon(t, tc.ampli, rmsOf(s), 0.01)
		})
	}
	t.Run("components at the key's frequencies", func(t *testing.T) {
		s, err := AppendTone(nil, '9', time.Second, -10)
		require.NoError(t, err)
		// Correlate against each DTMF frequency over the whole second.
		for f := range numTones {
			hz := toneFreq(f)
			var re, im float64
			for i, v := range s {
				w := 2 * math.Pi * hz * float64(i) / sampleRate
				re += float64(v) * math.Cos(w)
				im += float64(v) * math.Sin(w)
			}
			amp := 2 * math.Hypot(re, im) / float64(len(s))
			if hz == 852 || hz == 1477 {
				assert.InEpsilon(t, dBm0ToAmplitude(-10), amp, 0.01, "%v Hz", hz)
			} else {
				assert.Less(t, amp, 20.0, "%v Hz", hz)
			}
		}
	})
	t.Run("saturates instead of wrapping", func(t *testing.T) {
		s, err := AppendTone(nil, 'D', 50*time.Millisecond, fullScaleDBm0)
		require.NoError(t, err)
		var hi, lo int16
		for _, v := range s {
			hi, lo = max(hi, v), min(lo, v)
		}
		assert.Equal(t, int16(math.MaxInt16), hi)
		assert.Equal(t, int16(math.MinInt16), lo)
	})
}

func TestAppendToneErrors(t *testing.T) {
	cases := []struct {
		name string
		key  byte
		dur  time.Duration
		dBm0 float64
		want error
	}{
		{"lower-case key", 'a', time.Second, -10, ErrInvalidKey},
		{"not a key", 'x', time.Second, -10, ErrInvalidKey},
		{"negative duration", '1', -time.Millisecond, -10, ErrInvalidDuration},
		{"too long", '1', MaxToneDuration + time.Millisecond, -10, ErrInvalidDuration},
		{"above full scale", '1', time.Second, 3.2, ErrInvalidLevel},
		{"NaN level", '1', time.Second, math.NaN(), ErrInvalidLevel},
		{"-Inf level", '1', time.Second, math.Inf(-1), ErrInvalidLevel},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dst := []int16{7}
			got, err := AppendTone(dst, tc.key, tc.dur, tc.dBm0)
			require.ErrorIs(t, err, tc.want)
			assert.Equal(t, dst, got, "dst returned unchanged")
		})
	}
}
