package dtmf

import (
	"fmt"
	"math"
	"slices"
	"time"
)

// MaxToneDuration bounds AppendTone so a bad argument cannot allocate
// without limit.
const MaxToneDuration = time.Minute

// samplePeriod is the duration of one sample at 8 kHz.
const samplePeriod = time.Second / sampleRate

// AppendTone appends dur of the DTMF dual tone of key, sampled at 8 kHz, to
// dst and returns the extended slice. Each of the two components is a sine
// at level dBm0, starting at phase 0; a component's peak amplitude is
// 32768 * 10^((dBm0-3.14)/20), the G.711 convention of a full-scale sine
// at +3.14 dBm0 (0 dBm0 is amplitude 22827). The sum saturates at the int16
// range, so above about -2.9 dBm0 per component the peaks clip. dur is
// rounded down to whole samples (125 µs).
func AppendTone(dst []int16, key byte, dur time.Duration, dBm0 float64) ([]int16, error) {
	fr, fc, ok := keyFreqs(key)
	if !ok {
		return dst, fmt.Errorf("%w: %q", ErrInvalidKey, key)
	}
	if dur < 0 || dur > MaxToneDuration {
		return dst, fmt.Errorf("%w: %v, want 0 to %v", ErrInvalidDuration, dur, MaxToneDuration)
	}
	if math.IsNaN(dBm0) || math.IsInf(dBm0, 0) || dBm0 > fullScaleDBm0 {
		return dst, fmt.Errorf("%w: %v dBm0, want at most %v", ErrInvalidLevel, dBm0, fullScaleDBm0)
	}
	n := int(dur / samplePeriod)
	a := dBm0ToAmplitude(dBm0)
	wr, wc := 2*math.Pi*fr/sampleRate, 2*math.Pi*fc/sampleRate
	dst = slices.Grow(dst, n)
	for i := range n {
		t := float64(i)
		dst = append(dst, saturate(a*(math.Sin(wr*t)+math.Sin(wc*t))))
	}
	return dst, nil
}

// saturate rounds v to the nearest int16, clipping at the range ends.
func saturate(v float64) int16 {
	v = math.Round(v)
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	default:
		return int16(v)
	}
}
