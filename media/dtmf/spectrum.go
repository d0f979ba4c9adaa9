package dtmf

import "math"

// Analysis geometry. The detector evaluates a 102-sample (12.75 ms) window
// at the eight DTMF frequencies every 34 samples (4.25 ms). 102 samples is
// the Goertzel block of Asterisk main/dsp.c and spandsp: its 78 Hz main
// lobe separates the closest row tones (697/770 Hz, 73 Hz apart). Each
// window's DFT is assembled from three 34-sample sub-block DFTs, so the
// overlapping windows cost no more than one DFT pass over the audio.
const (
	sampleRate = 8000 // Hz
	hop        = 34   // samples per sub-block and between windows
	subBlocks  = 3    // sub-blocks per window
	windowLen  = hop * subBlocks
	numTones   = 8 // 4 row tones then 4 column tones
	numBasis   = 2 * numTones
)

// Acceptance thresholds of one window; the Detector documentation sums
// them up and the tests pin each one from both sides.
const (
	// minPairLevel is the smallest accepted level of the tone pair, in
	// dBm0: the mean power of both components together must reach that of
	// a single sine at -30 dBm0, i.e. two equal tones of -33 dBm0 each.
	// Q.24 / AT&T require acceptance down to -25 dBm0 per tone, which
	// leaves 8 dB of margin (5 dB at 8 dB twist) for line loss and noise.
	minPairLevel = -30.0
	// energyRatio is the share of the window energy the fitted tone pair
	// must explain (talk-off protection). A clean pair explains 1.0, a
	// pair 1.5% off frequency at least 0.78; the rendered speech fixture
	// peaks at 0.58 and an equal-level three-tone chord explains 0.67.
	energyRatio = 0.7
	// normalTwist is row power / column power allowed (8 dB).
	normalTwist = 6.309573444801933
	// reverseTwist is column power / row power allowed (4 dB).
	reverseTwist = 2.51188643150958
	// relativePeak is how far (8 dB) the chosen tone of a group must stand
	// above the other three of its group.
	relativePeak = 6.309573444801933
	// maxDeviation is the relative frequency error accepted per tone, half
	// way between Q.24's must-accept 1.5% and must-reject 3.5%.
	maxDeviation = 0.025
	// fullScaleDBm0 is the level of a full-scale sine: the G.711 digital
	// milliwatt convention puts a sine of amplitude 32768 at +3.14 dBm0.
	fullScaleDBm0 = 3.14
)

// dBm0ToAmplitude returns the 16-bit peak amplitude of a sine at level l.
func dBm0ToAmplitude(l float64) float64 {
	return 32768 * math.Pow(10, (l-fullScaleDBm0)/20)
}

// toneFreq returns the frequency of tone index f (rows 0-3, columns 4-7).
func toneFreq(f int) float64 {
	if f < 4 {
		return rowFreqs[f]
	}
	return colFreqs[f-4]
}

// kernels holds the precomputed analysis constants.
type kernels struct {
	cos, sin [hop][numTones]float64 // cos(w*n), sin(w*n) for n in a sub-block
	rot1     [numTones]complex128   // e^{-i*w*hop}
	rot2     [numTones]complex128   // e^{-i*w*2*hop}
	maxAngle [numTones]float64      // allowed phase advance per hop
	minPair  float64                // A_row^2+A_col^2 at minPairLevel
	gate     float64                // window energy below which no key can show
	// gram is the Gram matrix of the 16 basis functions cos(w_f*n) (index
	// f) and sin(w_f*n) (index f+8), n = 0..windowLen-1, and inv its
	// inverse; see window.fit.
	gram, inv [numBasis][numBasis]float64
}

var kern = newKernels()

func newKernels() *kernels {
	k := &kernels{}
	for f := range numTones {
		hz := toneFreq(f)
		w := 2 * math.Pi * hz / sampleRate
		for n := range hop {
			k.cos[n][f] = math.Cos(w * float64(n))
			k.sin[n][f] = math.Sin(w * float64(n))
		}
		k.rot1[f] = complex(math.Cos(w*hop), -math.Sin(w*hop))
		k.rot2[f] = complex(math.Cos(2*w*hop), -math.Sin(2*w*hop))
		k.maxAngle[f] = 2 * math.Pi * maxDeviation * hz * hop / sampleRate
	}
	// The pair's mean power (A_r^2+A_c^2)/2 must reach that of one sine of
	// amplitude a, a^2/2.
	a := dBm0ToAmplitude(minPairLevel)
	k.minPair = a * a
	k.gram = gramMatrix()
	k.inv = invert(k.gram)
	k.gate = gateEnergy(&k.inv, k.minPair)
	return k
}

// gateMargin is how far (20 dB) the energy gate sits below the energy the
// quietest acceptable tone pair must bring into a window.
const gateMargin = 0.01

// gateEnergy returns the window energy (sum of squared samples over
// windowLen) below which a window is a miss without analysis.
//
// The fit is a least-squares projection, so a window of energy E has
// coef^T*gram*coef <= E, hence every tone's power p_f <= E/lambda, where
// lambda is the smallest eigenvalue of gram; lambda >= 1/||inv||_inf
// (the largest row sum of |inv| bounds its spectral radius). A key needs
// p_row+p_col >= minPair, so no window with E < minPair/||inv||_inf can
// show one. The gate is gateMargin (20 dB) below that bound, which also
// keeps the frequency check unchanged: a window after a gated one skips
// it, since the gated window's p_f < minPair/100 is below a quarter of
// the weakest tone of an accepted pair (minPair/(1+normalTwist)/4).
//
// In levels: minPair is a pair of -30 dBm0 mean power, the gate works out
// at about -53 dBm0 mean power over the window (an RMS of 37 in 16-bit
// samples). Q.24 (the AT&T limits this package follows) requires a
// receiver to accept tones down to -25 dBm0 each, a pair of -22 dBm0
// mean power: the gate is 31 dB below the quietest tone Q.24 requires,
// and above digital silence and comfort noise at -60 dBm0 or less.
func gateEnergy(inv *[numBasis][numBasis]float64, minPair float64) float64 {
	var norm float64
	for i := range inv {
		var row float64
		for _, v := range inv[i] {
			row += math.Abs(v)
		}
		norm = max(norm, row)
	}
	return gateMargin * minPair / norm
}
