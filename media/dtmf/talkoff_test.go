package dtmf

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Talk-off: audio that is not DTMF must yield no digit at all.

// speechFixture is testdata/speech_8k.wav; see testdata/README.md for the
// command that rendered it.
func speechFixture(t testing.TB) []int16 {
	t.Helper()
	s, err := parseWAV(mustRead(t, "testdata/speech_8k.wav"))
	require.NoError(t, err)
	require.Greater(t, len(s), 3*sampleRate)
	require.Less(t, len(s), 6*sampleRate)
	return s
}

// gain returns a copy of s scaled by db, saturating.
func gain(s []int16, db float64) []int16 {
	out := make([]int16, len(s))
	f := dbToRatio(db)
	for i, v := range s {
		out[i] = saturate(float64(v) * f)
	}
	return out
}

func TestTalkOffSpeech(t *testing.T) {
	speech := speechFixture(t)
	for _, db := range []float64{-20, -10, -6, 0, 6, 10} {
		t.Run("gain "+ftoa(db)+"dB", func(t *testing.T) {
			s := gain(speech, db)
			for _, off := range []int{0, 7, 13, 19, 29} {
				assert.Empty(t, detectAll(s[off:], 160), "offset %d", off)
			}
		})
	}
	t.Run("speech over low noise", func(t *testing.T) {
		s := gain(speech, 0)
		addNoise(s, dBm0ToAmplitude(-45), newRNG(3))
		assert.Empty(t, detectAll(s, 160))
	})
}

// synth renders dur of sum_i amp_i*sin(phase_i(t)) where freqs(t) gives the
// instantaneous frequencies and amps(t) their amplitudes (relative; the sum
// of amplitudes is scaled to peak).
func synth(dur time.Duration, peak float64, n int, freqs func(t float64, f []float64), amps func(t float64, a []float64)) []int16 {
	total := samplesOf(dur)
	out := make([]int16, total)
	ph := make([]float64, n)
	f, a := make([]float64, n), make([]float64, n)
	for i := range out {
		t := float64(i) / sampleRate
		freqs(t, f)
		amps(t, a)
		var v, sum float64
		for k := range n {
			ph[k] += 2 * math.Pi * f[k] / sampleRate
			v += a[k] * math.Sin(ph[k])
			sum += a[k]
		}
		if sum > 0 {
			out[i] = saturate(peak * v / sum)
		}
	}
	return out
}

// formant is the gain of a resonance at fc with bandwidth bw at f.
func formant(f, fc, bw float64) float64 {
	return 1 / math.Sqrt(1+math.Pow((f-fc)/(bw/2), 2))
}

func TestTalkOffSynthetic(t *testing.T) {
	const peak = 20000
	constFreqs := func(hz ...float64) func(float64, []float64) {
		return func(_ float64, f []float64) { copy(f, hz) }
	}
	flat := func(_ float64, a []float64) {
		for i := range a {
			a[i] = 1
		}
	}
	// chord: notes (Hz) each with 4 harmonics of decreasing amplitude.
	chord := func(notes ...float64) []int16 {
		var hz, amp []float64
		for _, n := range notes {
			for h, a := range []float64{1, 0.6, 0.4, 0.3} {
				hz = append(hz, n*float64(h+1))
				amp = append(amp, a)
			}
		}
		return synth(500*time.Millisecond, peak, len(hz), constFreqs(hz...), func(_ float64, a []float64) { copy(a, amp) })
	}
	// vowel: a harmonic series with f0 sweeping lo->hi, shaped by formants
	// F1/F2 placed on DTMF row/column frequencies (worst case).
	vowel := func(lo, hi, f1, f2 float64) []int16 {
		const n = 40
		f0 := func(t float64) float64 { return lo + (hi-lo)*t/2 }
		return synth(2*time.Second, peak, n,
			func(t float64, f []float64) {
				for k := range f {
					f[k] = f0(t) * float64(k+1)
				}
			},
			func(t float64, a []float64) {
				for k := range a {
					hz := f0(t) * float64(k+1)
					if hz > 3400 {
						a[k] = 0
						continue
					}
					a[k] = (formant(hz, f1, 90) + 0.7*formant(hz, f2, 110) + 0.05) / float64(k+1)
				}
			})
	}
	note := func(semitonesFromA4 float64) float64 { return 440 * math.Pow(2, semitonesFromA4/12) }
	cases := []struct {
		name string
		s    []int16
	}{
		{"vowel f0 80-250Hz formants 697/1209", vowel(80, 250, 697, 1209)},
		{"vowel f0 100-300Hz formants 770/1336", vowel(100, 300, 770, 1336)},
		{"vowel f0 180-400Hz formants 941/1633", vowel(180, 400, 941, 1633)},
		{"vowel f0 250-90Hz formants 852/1477", vowel(250, 90, 852, 1477)},
		{"chirp 300-3400Hz", synth(2*time.Second, peak, 1,
			func(t float64, f []float64) { f[0] = 300 + 1550*t }, flat)},
		{"C major triad", chord(note(3), note(7), note(10))},
		{"F5 C6 F#6 triad (two notes on DTMF tones)", chord(note(8), note(15), note(21))},
		{"F5 F#6 dyad with harmonics", chord(note(8), note(21))},
		{"A minor seventh", chord(note(0), note(3), note(7), note(10))},
		{"non-DTMF pair 697+1100Hz", synth(300*time.Millisecond, peak, 2, constFreqs(697, 1100), flat)},
		{"non-DTMF pair 600+1209Hz", synth(300*time.Millisecond, peak, 2, constFreqs(600, 1209), flat)},
		{"two row tones 697+770Hz", synth(300*time.Millisecond, peak, 2, constFreqs(697, 770), flat)},
		{"two column tones 1209+1477Hz", synth(300*time.Millisecond, peak, 2, constFreqs(1209, 1477), flat)},
		{"DTMF pair plus strong third tone", synth(300*time.Millisecond, peak, 3, constFreqs(697, 1209, 500), flat)},
		{"dial tone 350+440Hz", synth(time.Second, peak, 2, constFreqs(350, 440), flat)},
		{"ringback 440+480Hz", synth(time.Second, peak, 2, constFreqs(440, 480), flat)},
	}
	for f := range numTones {
		hz := toneFreq(f)
		cases = append(cases, struct {
			name string
			s    []int16
		}{"single tone " + ftoa(hz) + "Hz", synth(time.Second, peak/2, 1, constFreqs(hz), flat)})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, db := range []float64{-20, 0} {
				assert.Empty(t, detectAll(gain(tc.s, db), 160), "gain %v dB", db)
			}
		})
	}
}

func TestTalkOffWhiteNoise(t *testing.T) {
	for _, level := range []float64{-40, -30, -20, -10, -3} {
		t.Run(ftoa(level)+"dBm0", func(t *testing.T) {
			// RMS of a sine at level is A/sqrt2.
			s := make([]int16, 5*sampleRate)
			addNoise(s, dBm0ToAmplitude(level)/math.Sqrt2, newRNG(uint64(-level)))
			assert.Empty(t, detectAll(s, 160))
		})
	}
}
