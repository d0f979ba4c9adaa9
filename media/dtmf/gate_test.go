package dtmf

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The energy gate (kernels.gate): quiet windows are misses without
// analysis, tones Q.24 requires a receiver to accept are never gated, and
// decisions are exactly those of the detector without the gate.

// levelDBm0 is the mean power of s in dBm0 (a sine of amplitude a has
// mean power a^2/2; 0 dBm0 is dBm0ToAmplitude(0)).
func levelDBm0(meanSquare float64) float64 {
	a0 := dBm0ToAmplitude(0)
	return 10 * math.Log10(meanSquare/(a0*a0/2))
}

func TestGateLevel(t *testing.T) {
	// The documented figure: about -53 dBm0 mean power over a window, far
	// below the quietest pair Q.24 requires (-25 dBm0 per tone, -22 dBm0
	// together) and above comfort noise.
	l := levelDBm0(kern.gate / windowLen)
	assert.InDelta(t, -53, l, 1, "gate level %.2f dBm0", l)
	q24 := levelDBm0(2 * dBm0ToAmplitude(-25) * dBm0ToAmplitude(-25) / 2)
	assert.InDelta(t, -22, q24, 0.1)
	assert.Greater(t, q24-l, 30.0, "margin below Q.24's quietest pair")
}

func TestGateQuietestToneDetected(t *testing.T) {
	// -25 dBm0 per tone is Q.24's quietest must-accept level, -30 the
	// detector's own floor (TestDetectorLevel pins it from both sides); at
	// 8 dB twist the weaker tone of a Q.24 pair is at -33. None of the
	// windows inside the tone may be gated.
	cases := []struct {
		name         string
		rowDB, colDB float64
	}{
		{"Q.24 -25dBm0 each", -25, -25},
		{"detector floor -30dBm0 each", -30, -30},
		{"Q.24 -25dBm0 row, 7dB normal twist", -25, -32},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range []byte(Keys) {
				for _, off := range offsets {
					sp := specFor(key, 0, 0)
					sp.rowDB, sp.colDB = tc.rowDB, tc.colDB
					tone := appendSpec(nil, sp, samplesOf(40*time.Millisecond))
					d := NewDetector()
					got := d.Process(nil, appendSilence(nil, 400+off))
					before := d.gated
					got = d.Process(got, tone)
					assert.Equal(t, before, d.gated, "key %c offset %d: a window inside the tone was gated", key, off)
					got = d.Process(got, appendSilence(nil, 400))
					assert.Equal(t, string(key), string(got), "key %c offset %d", key, off)
				}
			}
		})
	}
}

func TestGateQuietFramesGated(t *testing.T) {
	// Digital silence and comfort noise: every window gated, no digit.
	// Noise well above the gate is analysed.
	cases := []struct {
		name      string
		noiseDBm0 float64 // mean power; -inf: digital silence
		gated     bool
	}{
		{"digital silence", math.Inf(-1), true},
		{"comfort noise -70dBm0", -70, true},
		{"comfort noise -60dBm0", -60, true},
		{"noise -40dBm0 is analysed", -40, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := make([]int16, sampleRate) // one second
			if !math.IsInf(tc.noiseDBm0, -1) {
				addNoise(s, dBm0ToAmplitude(tc.noiseDBm0)/math.Sqrt2, newRNG(7))
			}
			d := NewDetector()
			var got []byte
			for i := 0; i+160 <= len(s); i += 160 {
				got = d.Process(got, s[i:i+160])
			}
			assert.Empty(t, got)
			windows := uint64(len(s)/hop - (subBlocks - 1))
			if tc.gated {
				assert.Equal(t, windows, d.gated, "every window gated")
				for i := range d.dftOK {
					assert.False(t, d.dftOK[i], "no DFT computed")
				}
			} else {
				assert.Less(t, d.gated, windows/100, "analysed, not gated")
			}
		})
	}
}

// detectTrace runs s through d in frames, returning per frame the digits
// found and the state machine afterwards.
func detectTrace(s []int16, frame int) []string {
	d := NewDetector()
	var out []string
	for len(s) > 0 {
		k := min(frame, len(s))
		got := d.Process(nil, s[:k])
		s = s[k:]
		out = append(out, string(got)+"|"+string([]byte{d.cur + '0', d.cand + '0', byte(d.hits) + '0', byte(d.misses) + '0'}))
	}
	return out
}

func TestGateSameDecisions(t *testing.T) {
	// The gate only saves work: with it disabled (gate 0) every frame
	// yields the same digits and the same state machine, on signals that
	// cross the gate often: tones fading in and out through noise near
	// the gate level, quiet speech, tone tails and starts.
	speech := speechFixture(t)
	r := newRNG(11)
	var mix []int16
	for i, level := range []float64{-45, -40, -36, -33, -30, -25} {
		for _, key := range []byte("159#") {
			mix = appendSilence(mix, 97+i*13)
			sp := specFor(key, level, 0)
			sp.phaseR = float64(i)
			mix = appendSpec(mix, sp, samplesOf(time.Duration(35+5*i)*time.Millisecond))
		}
	}
	noisy := append([]int16(nil), mix...)
	addNoise(noisy, dBm0ToAmplitude(-54)/math.Sqrt2, r) // -54 dBm0: windows either side of the gate
	signals := map[string][]int16{
		"tones at falling levels":    mix,
		"tones with noise near gate": noisy,
		"speech -30dB":               gain(speech, -30),
		"speech -10dB":               gain(speech, -10),
		"speech":                     speech,
	}
	saved := kern.gate
	t.Cleanup(func() { kern.gate = saved })
	for name, s := range signals {
		t.Run(name, func(t *testing.T) {
			for _, frame := range []int{160, 33} {
				kern.gate = saved
				gated := detectTrace(s, frame)
				kern.gate = 0
				plain := detectTrace(s, frame)
				kern.gate = saved
				require.Equal(t, plain, gated, "frame %d", frame)
			}
		})
	}
	// The comparison means something only if the gate fired, and not on
	// every window.
	for _, s := range [][]int16{mix, noisy} {
		d := NewDetector()
		d.Process(nil, s)
		windows := uint64(len(s)/hop - (subBlocks - 1))
		assert.Positive(t, d.gated)
		assert.Less(t, d.gated, windows*9/10)
		t.Logf("gated %d of %d windows", d.gated, windows)
	}
}
