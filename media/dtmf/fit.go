package dtmf

import "math"

// window is the analysis of one 102-sample window: the least-squares fit
// of the eight DTMF tones to the samples.
//
// A plain DFT bin also picks up the other tones through the side lobes of
// the rectangular window (the 941 Hz row tone leaks into the 1209 Hz bin
// at -21 dB), which made measured twist wander by +-2 dB with the phase.
// Fitting all sixteen basis functions jointly removes that leakage: for a
// signal made of DTMF tones the fit is exact, so twist and the explained
// energy are measured exactly whatever the phases.
type window struct {
	coef   [numBasis]float64    // alpha_f (cos) then beta_f (sin)
	a      [numTones]complex128 // complex amplitude A*e^{i*phi} of each tone
	p      [numTones]float64    // squared amplitude A^2
	energy float64              // sum of squared samples
}

// fit sets the tone amplitudes from the window DFT x. With
// b = (Re x, -Im x) = (sum s[n]cos(w n), sum s[n]sin(w n)), the fit
// s[n] ~ sum alpha_f cos(w_f n) + beta_f sin(w_f n) is inv*b, and each
// tone is A*cos(w n + phi) with A*e^{i*phi} = alpha - i*beta.
func (w *window) fit(x *[numTones]complex128) {
	var b [numBasis]float64
	for f := range numTones {
		b[f], b[f+numTones] = real(x[f]), -imag(x[f])
	}
	for i := range numBasis {
		var c float64
		row := &kern.inv[i]
		for j := range b {
			c += row[j] * b[j]
		}
		w.coef[i] = c
	}
	for f := range numTones {
		alpha, beta := w.coef[f], w.coef[f+numTones]
		w.a[f] = complex(alpha, -beta)
		w.p[f] = alpha*alpha + beta*beta
	}
}

// explained returns the energy, over the window, of the fitted signal made
// of tones r and c only: coef^T * gram * coef restricted to their four
// basis functions.
func (w *window) explained(r, c int) float64 {
	idx := [4]int{r, c, r + numTones, c + numTones}
	var e float64
	for _, i := range idx {
		for _, j := range idx {
			e += w.coef[i] * kern.gram[i][j] * w.coef[j]
		}
	}
	return e
}

// gramMatrix returns the Gram matrix of the basis cos(w_0 n)..cos(w_7 n),
// sin(w_0 n)..sin(w_7 n) over one window.
func gramMatrix() [numBasis][numBasis]float64 {
	var basis [numBasis][windowLen]float64
	for f := range numTones {
		w := 2 * math.Pi * toneFreq(f) / sampleRate
		for n := range windowLen {
			basis[f][n] = math.Cos(w * float64(n))
			basis[f+numTones][n] = math.Sin(w * float64(n))
		}
	}
	var g [numBasis][numBasis]float64
	for i := range g {
		for j := range g[i] {
			var s float64
			for n := range windowLen {
				s += basis[i][n] * basis[j][n]
			}
			g[i][j] = s
		}
	}
	return g
}

// invert returns the inverse of m by Gauss-Jordan elimination with partial
// pivoting. m is a Gram matrix of nearly orthogonal functions (condition
// number 1.84), so no pivot comes near zero.
func invert(m [numBasis][numBasis]float64) [numBasis][numBasis]float64 {
	var inv [numBasis][numBasis]float64
	for i := range numBasis {
		inv[i][i] = 1
	}
	for col := range numBasis {
		p := col
		for r := col + 1; r < numBasis; r++ {
			if math.Abs(m[r][col]) > math.Abs(m[p][col]) {
				p = r
			}
		}
		m[col], m[p] = m[p], m[col]
		inv[col], inv[p] = inv[p], inv[col]
		d := m[col][col]
		for j := range numBasis {
			m[col][j] /= d
			inv[col][j] /= d
		}
		for r := range numBasis {
			if r == col || m[r][col] == 0 {
				continue
			}
			f := m[r][col]
			for j := range numBasis {
				m[r][j] -= f * m[col][j]
				inv[r][j] -= f * inv[col][j]
			}
		}
	}
	return inv
}
