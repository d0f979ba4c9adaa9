package dtmf

import "math"

// decide returns the key the window shows, or 0. prev is the window one hop
// earlier, nil if there is none.
func (w *window) decide(prev *window) byte {
	r := argmax4(w.p[0:4])
	c := 4 + argmax4(w.p[4:8])
	pr, pc := w.p[r], w.p[c]
	switch {
	case pr+pc < kern.minPair:
		return 0 // too weak
	case pr > pc*normalTwist, pc > pr*reverseTwist:
		return 0 // twist
	}
	for i := range 4 {
		if (i != r && w.p[i]*relativePeak > pr) || (i+4 != c && w.p[i+4]*relativePeak > pc) {
			return 0 // a second tone in a group
		}
	}
	if w.explained(r, c) < energyRatio*w.energy {
		return 0 // the pair does not dominate: speech, music, noise
	}
	if prev != nil && (!w.onFrequency(prev, r) || !w.onFrequency(prev, c)) {
		return 0 // off frequency
	}
	return keypad[r][c-4]
}

// onFrequency checks tone f against maxDeviation. Between two windows one
// hop apart the phase of the fitted tone at its nominal frequency advances
// by 2*pi*deviation_Hz*hop/8000, so the phase advance measures the error of
// the received frequency. The check is skipped when the previous window
// held much less of the tone (the onset), where its phase means little.
func (w *window) onFrequency(prev *window, f int) bool {
	if prev.p[f] < 0.25*w.p[f] {
		return true
	}
	z := kern.rot1[f] * w.a[f] * complex(real(prev.a[f]), -imag(prev.a[f]))
	return math.Abs(math.Atan2(imag(z), real(z))) <= kern.maxAngle[f]
}

// argmax4 returns the index of the largest of p.
func argmax4(p []float64) int {
	best := 0
	for i := 1; i < len(p); i++ {
		if p[i] > p[best] {
			best = i
		}
	}
	return best
}
