package dtmf

import (
	"math"
	"strconv"
	"time"
)

// Test signal helpers. All randomness comes from a fixed-seed xorshift so
// every run sees the same samples.

// samplesOf converts a duration to a sample count at 8 kHz.
func samplesOf(d time.Duration) int { return int(d / samplePeriod) }

// toneSpec describes one dual tone for the generator.
type toneSpec struct {
	rowHz, colHz   float64 // component frequencies
	rowDB, colDB   float64 // component levels in dBm0
	phaseR, phaseC float64 // start phases in radians
}

// specFor returns the nominal tone of key at level dB (both components),
// with frequencies scaled by (1+dev).
func specFor(key byte, dB, dev float64) toneSpec {
	r, c, ok := keyFreqs(key)
	if !ok {
		panic("bad key")
	}
	return toneSpec{rowHz: r * (1 + dev), colHz: c * (1 + dev), rowDB: dB, colDB: dB}
}

// appendSpec appends n samples of the tone described by s.
func appendSpec(dst []int16, s toneSpec, n int) []int16 {
	ar, ac := dBm0ToAmplitude(s.rowDB), dBm0ToAmplitude(s.colDB)
	wr, wc := 2*math.Pi*s.rowHz/sampleRate, 2*math.Pi*s.colHz/sampleRate
	for i := range n {
		t := float64(i)
		dst = append(dst, saturate(ar*math.Sin(wr*t+s.phaseR)+ac*math.Sin(wc*t+s.phaseC)))
	}
	return dst
}

// appendSilence appends n zero samples.
func appendSilence(dst []int16, n int) []int16 {
	return append(dst, make([]int16, n)...)
}

// rng is a deterministic xorshift64* generator.
type rng struct{ s uint64 }

func newRNG(seed uint64) *rng { return &rng{s: seed*0x9E3779B97F4A7C15 + 1} }

func (r *rng) next() uint64 {
	r.s ^= r.s >> 12
	r.s ^= r.s << 25
	r.s ^= r.s >> 27
	return r.s * 2685821657736338717
}

// float returns a uniform value in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// gauss returns a standard normal value (Box-Muller).
func (r *rng) gauss() float64 {
	u := r.float()
	if u < 1e-300 {
		u = 1e-300
	}
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*r.float())
}

// addNoise adds white Gaussian noise of RMS rms to s in place.
func addNoise(s []int16, rms float64, r *rng) {
	for i := range s {
		s[i] = saturate(float64(s[i]) + rms*r.gauss())
	}
}

// rms returns the RMS value of s.
func rmsOf(s []int16) float64 {
	var e float64
	for _, v := range s {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(s)))
}

// detectAll runs a fresh detector over s in frames of frame samples and
// returns the digits found.
func detectAll(s []int16, frame int) string {
	d := NewDetector()
	var out []byte
	for len(s) > 0 {
		k := min(frame, len(s))
		out = d.Process(out, s[:k])
		s = s[k:]
	}
	// flush: a little silence so nothing depends on the tail
	out = d.Process(out, make([]int16, 400))
	return string(out)
}

// dbToRatio converts decibels to an amplitude ratio.
func dbToRatio(db float64) float64 { return math.Pow(10, db/20) }

// ftoa formats a level for subtest names.
func ftoa(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
