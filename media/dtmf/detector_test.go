package dtmf

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Alignment offsets (silence before the tone, in samples) so tones start at
// every phase of the 34-sample analysis hop.
var offsets = []int{0, 5, 11, 17, 23, 29, 33}

// toneWithKey renders silence(off) + AppendTone(key, dur, level) + 60 ms
// silence.
func toneWithKey(t *testing.T, off int, key byte, dur time.Duration, level float64) []int16 {
	t.Helper()
	s := appendSilence(nil, off)
	s, err := AppendTone(s, key, dur, level)
	require.NoError(t, err)
	return appendSilence(s, samplesOf(60*time.Millisecond))
}

func TestDetectorEveryKey(t *testing.T) {
	levels := []float64{-25, -20, -15, -10, -5, 0}
	for _, dur := range []time.Duration{40 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond} {
		for _, level := range levels {
			t.Run(dur.String()+"/"+strings.TrimSuffix(ftoa(level), ".0")+"dBm0", func(t *testing.T) {
				for _, key := range []byte(Keys) {
					for _, off := range offsets {
						s := toneWithKey(t, off, key, dur, level)
						assert.Equal(t, string(key), detectAll(s, 160), "key %c offset %d", key, off)
					}
				}
			})
		}
	}
}

func TestDetectorDurationThreshold(t *testing.T) {
	// The implemented limits (see hitsToBegin): a clean tone of 25 ms or
	// less is never reported, six consecutive full windows need 34 ms and
	// are present for any alignment from 38.125 ms (305 samples) on; the
	// range between is alignment-dependent (always detected from 33 ms in
	// practice). Q.24: must accept >= 40 ms, must reject <= 23 ms.
	cases := []struct {
		name string
		dur  time.Duration
		want bool
	}{
		{name: "10ms rejected", dur: 10 * time.Millisecond},
		{name: "Q.24 23ms rejected", dur: 23 * time.Millisecond},
		{name: "25ms rejected", dur: 25 * time.Millisecond},
		{name: "33ms detected", dur: 33 * time.Millisecond, want: true},
		{name: "38.125ms detected", dur: 38125 * time.Microsecond, want: true},
		{name: "Q.24 40ms detected", dur: 40 * time.Millisecond, want: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, level := range []float64{-25, -10, 0} {
				for _, key := range []byte(Keys) {
					for off := 0; off < hop; off += 2 {
						for ph := range 3 {
							sp := specFor(key, level, 0)
							sp.phaseR, sp.phaseC = float64(ph)*2.1, float64(off+ph)*0.7
							s := appendSpec(appendSilence(nil, off), sp, samplesOf(tc.dur))
							want := ""
							if tc.want {
								want = string(key)
							}
							assert.Equal(t, want, detectAll(s, 160), "key %c level %v offset %d phase %d", key, level, off, ph)
						}
					}
				}
			}
		})
	}
}

func TestDetectorSequences(t *testing.T) {
	tone := func(s []int16, key byte, ms int) []int16 {
		s, err := AppendTone(s, key, time.Duration(ms)*time.Millisecond, -10)
		require.NoError(t, err)
		return s
	}
	gap := func(s []int16, ms int) []int16 { return appendSilence(s, ms*8) }
	cases := []struct {
		name  string
		build func() []int16
		want  string
	}{
		{"same key twice with 50ms gap", func() []int16 {
			return tone(gap(tone(gap(nil, 20), '5', 50), 50), '5', 50)
		}, "55"},
		{"same key twice 40ms tone 50ms gap (Q.24 minimum)", func() []int16 {
			return tone(gap(tone(gap(nil, 7), '#', 40), 50), '#', 40)
		}, "##"},
		{"1122 at 40/50", func() []int16 {
			s := gap(nil, 3)
			for _, k := range []byte("1122") {
				s = gap(tone(s, k, 40), 50)
			}
			return s
		}, "1122"},
		{"all keys at 40/50", func() []int16 {
			s := gap(nil, 13)
			for _, k := range []byte(Keys) {
				s = gap(tone(s, k, 40), 50)
			}
			return s
		}, Keys},
		{"key change without gap", func() []int16 {
			return tone(tone(gap(nil, 10), '1', 60), '9', 60)
		}, "19"},
		{"10ms dropout inside one press is bridged", func() []int16 {
			return tone(gap(tone(gap(nil, 10), '7', 60), 10), '7', 60)
		}, "7"},
		{"long press 2s is one digit", func() []int16 {
			return tone(gap(nil, 10), '0', 2000)
		}, "0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.build()
			for _, frame := range []int{1, 33, 80, 160, 1000} {
				assert.Equal(t, tc.want, detectAll(s, frame), "frame %d", frame)
			}
		})
	}
}

func TestDetectorAcceptance(t *testing.T) {
	type mod func(s *toneSpec)
	twist := func(db float64) mod { // positive: high group weaker
		return func(s *toneSpec) {
			if db >= 0 {
				s.colDB -= db
			} else {
				s.rowDB += db
			}
		}
	}
	dev := func(row, col float64) mod {
		return func(s *toneSpec) { s.rowHz *= 1 + row; s.colHz *= 1 + col }
	}
	cases := []struct {
		name string
		mod  mod
		want bool
	}{
		{"no twist", twist(0), true},
		{"normal twist +7dB accepted", twist(7), true},
		{"reverse twist -3dB accepted", twist(-3), true},
		{"normal twist +10dB rejected", twist(10), false},
		{"reverse twist -6dB rejected", twist(-6), false},
		{"frequency +1.5% accepted", dev(0.015, 0.015), true},
		{"frequency -1.5% accepted", dev(-0.015, -0.015), true},
		{"frequency +1.5%/-1.5% accepted", dev(0.015, -0.015), true},
		{"frequency +3.5% rejected", dev(0.035, 0.035), false},
		{"frequency -3.5% rejected", dev(-0.035, -0.035), false},
		{"row only +3.5% rejected", dev(0.035, 0), false},
		{"column only -3.5% rejected", dev(0, -0.035), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range []byte(Keys) {
				for i, off := range offsets {
					sp := specFor(key, -10, 0)
					sp.phaseR, sp.phaseC = float64(i)*0.9, float64(i)*2.3
					tc.mod(&sp)
					s := appendSpec(appendSilence(nil, off), sp, samplesOf(50*time.Millisecond))
					want := ""
					if tc.want {
						want = string(key)
					}
					assert.Equal(t, want, detectAll(s, 160), "key %c offset %d", key, off)
				}
			}
		})
	}
}

func TestDetectorLevel(t *testing.T) {
	cases := []struct {
		name  string
		level float64
		want  bool
	}{
		{"-40dBm0 rejected", -40, false},
		{"-36dBm0 rejected", -36, false},
		{"-30dBm0 accepted", -30, true},
		{"Q.24 -25dBm0 accepted", -25, true},
		{"+3dBm0 clipped accepted", 3, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, key := range []byte(Keys) {
				s := appendSpec(appendSilence(nil, 9), specFor(key, tc.level, 0), samplesOf(60*time.Millisecond))
				want := ""
				if tc.want {
					want = string(key)
				}
				assert.Equal(t, want, detectAll(s, 160), "key %c", key)
			}
		})
	}
}

func TestDetectorNoise(t *testing.T) {
	t.Run("tone plus white noise at 15dB SNR", func(t *testing.T) {
		r := newRNG(15)
		for _, dur := range []time.Duration{40 * time.Millisecond, 100 * time.Millisecond} {
			for _, level := range []float64{-25, -15, -5} {
				a := dBm0ToAmplitude(level)
				noiseRMS := a / dbToRatio(15/2.0) // pair power a^2 over noise 15 dB
				for _, key := range []byte(Keys) {
					for i, off := range offsets {
						sp := specFor(key, level, 0)
						sp.phaseR, sp.phaseC = float64(i), float64(2*i)
						s := appendSpec(appendSilence(nil, 200+off), sp, samplesOf(dur))
						s = appendSilence(s, 400)
						addNoise(s, noiseRMS, r)
						assert.Equal(t, string(key), detectAll(s, 160), "%v %v key %c offset %d", dur, level, key, off)
					}
				}
			}
		}
	})
}

func TestDetectorReset(t *testing.T) {
	d := NewDetector()
	s, err := AppendTone(nil, '8', 100*time.Millisecond, -10)
	require.NoError(t, err)
	got := d.Process(nil, s[:len(s)/2])
	require.Equal(t, "8", string(got))
	d.Reset()
	// Without Reset the rest of the same press would not repeat the digit.
	got = d.Process(got[:0], s[len(s)/2:])
	assert.Equal(t, "8", string(got), "after Reset the held tone is a new digit")
	assert.Equal(t, *NewDetector(), Detector{}, "NewDetector is the zero value")
}

func TestDetectorProcessDoesNotAllocate(t *testing.T) {
	d := NewDetector()
	s, err := AppendTone(nil, '3', 100*time.Millisecond, -10)
	require.NoError(t, err)
	dst := make([]byte, 0, 8)
	allocs := testing.AllocsPerRun(100, func() {
		for i := 0; i+160 <= len(s); i += 160 {
			dst = d.Process(dst[:0], s[i:i+160])
		}
	})
	assert.Zero(t, allocs)
}
