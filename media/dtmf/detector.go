package dtmf

// Digit timing, in windows (one window every hop = 4.25 ms).
const (
	// hitsToBegin consecutive windows must show the same key before it is
	// reported. Six windows fully inside a tone span 102 + 5*34 = 272
	// samples (34 ms), and any tone of 305 samples (38.125 ms) or more
	// contains six whatever its alignment: Q.24's 40 ms is always
	// detected. A window only partly covered by a tone hits when the tone
	// explains energyRatio of it, i.e. covers roughly 72 of its 102
	// samples, so a tone of L samples hits in at most about
	// (L+102-2*72)/34+1 windows: five up to L ~ 200 samples. Measured over
	// all keys, levels, phases and alignments: never a digit for 25 ms or
	// less (Q.24: must reject <= 23 ms), some at 25.5-32 ms, always from
	// 33 ms.
	hitsToBegin = 6
	// missesToEnd windows without the key end it. A gap of G samples
	// leaves about (G+102-2*30)/34 consecutive windows without enough tone:
	// 13 for a 50 ms gap (Q.24's shortest pause), 7 for 25 ms, while a
	// dropout of 10 ms misses at most 4 windows and is bridged.
	missesToEnd = 6
)

// Detector finds in-band DTMF digits in 8 kHz 16-bit linear PCM.
//
// Every 34 samples (4.25 ms) it fits the eight DTMF tones to the last 102
// samples (12.75 ms, the Goertzel block of Asterisk's dsp.c) by least
// squares over their DFT values, and the window shows a key when
//
//   - the tone pair reaches -30 dBm0 together (two tones of -33 dBm0;
//     Q.24 requires -25 dBm0 per tone);
//   - twist is at most 8 dB normal (row stronger) and 4 dB reverse;
//   - each chosen tone is 8 dB above the other tones of its group;
//   - the pair explains at least 70% of the window energy (talk-off:
//     speech, music, noise and prompt echo spread their energy);
//   - each tone's frequency, measured from its phase advance between
//     windows, is within 2.5% of nominal (Q.24: accept 1.5%, reject 3.5%).
//
// A key is reported once six consecutive windows show it: every tone of
// 38.125 ms or more (in practice from 33 ms) and none of 25 ms or less.
// It ends after six windows without it: a 25 ms gap separates two presses
// of one key, a 10 ms dropout does not. State is kept across Process
// calls, so frames may have any length. The zero value is ready to use.
//
// A window whose energy is far below the quietest pair it accepts (about
// -53 dBm0 mean power, 31 dB below Q.24's quietest pair; see
// kernels.gate) is a miss without any tone analysis: silence and comfort
// noise cost one multiply-add per sample. The gate never turns away a
// window the analysis would accept, so digits are found exactly as
// without it.
type Detector struct {
	// sub-block being filled: its samples go to samp[head]. Its energy is
	// summed exactly in integers (at most 34 * 2^30).
	n      int
	energy int64

	// ring of the last three sub-blocks: their samples, energies and DFTs.
	// A sub-block's DFT is computed only when a window that holds it
	// passes the energy gate (dftOK), so silence costs one multiply-add
	// per sample instead of sixteen.
	samp   [subBlocks][hop]int16
	sub    [subBlocks][numTones]complex128
	subE   [subBlocks]float64
	dftOK  [subBlocks]bool
	head   int // slot being filled, also the oldest finished one
	filled int

	// last two windows (for the frequency check)
	win, prev window
	havePrev  bool

	// gated counts windows the energy gate decided without a fit.
	gated uint64

	// digit state machine
	cur    byte // key being held, 0 if none
	cand   byte // key of the latest run of hits
	hits   int  // length of that run
	misses int  // windows without cur
}

// NewDetector returns a detector in its initial state.
func NewDetector() *Detector {
	return &Detector{}
}

// Reset returns the detector to its initial state (call it when the audio
// is discontinuous, e.g. a new stream).
func (d *Detector) Reset() {
	*d = Detector{}
}

// Process consumes samples and appends to dst every digit that began in
// them and returns it; pass dst[:0] of a reusable slice to avoid
// allocation. A digit is reported when it is confirmed, about 35-45 ms after
// the tone starts, which may be in the frame after the one holding its
// onset. Process does not allocate unless dst must grow.
func (d *Detector) Process(dst []byte, samples []int16) []byte {
	for len(samples) > 0 {
		k := min(hop-d.n, len(samples))
		in := samples[:k]
		copy(d.samp[d.head][d.n:], in)
		e := d.energy
		for _, v := range in {
			e += int64(v) * int64(v)
		}
		d.n, d.energy = d.n+k, e
		samples = samples[k:]
		if d.n < hop {
			break
		}
		if key, ok := d.endSubBlock(); ok {
			dst = append(dst, key)
		}
	}
	return dst
}

// dft computes the DFT of sub-block i at the eight tone frequencies.
func (d *Detector) dft(i int) {
	var re, im [numTones]float64
	for n, v := range &d.samp[i] {
		x := float64(v)
		c, sn := &kern.cos[n], &kern.sin[n]
		for f := range numTones {
			re[f] += x * c[f]
			im[f] -= x * sn[f]
		}
	}
	for f := range numTones {
		d.sub[i][f] = complex(re[f], im[f])
	}
	d.dftOK[i] = true
}

// endSubBlock closes the sub-block being filled, evaluates the window that
// ends with it and runs the state machine.
func (d *Detector) endSubBlock() (byte, bool) {
	d.subE[d.head] = float64(d.energy)
	d.dftOK[d.head] = false
	d.head = (d.head + 1) % subBlocks
	d.n, d.energy = 0, 0
	if d.filled < subBlocks {
		d.filled++
		if d.filled < subBlocks {
			return 0, false
		}
	}

	d.prev = d.win
	w := &d.win
	w.energy = d.subE[0] + d.subE[1] + d.subE[2]
	if w.energy < kern.gate {
		// Energy gate: no tone pair the fit could accept fits in this
		// little energy (see kernels.gate), so this is a miss, decided
		// without the DFT and the fit. The zero amplitudes make the next
		// window skip its frequency check, as the fitted ones would.
		*w = window{energy: w.energy}
		d.havePrev = true
		d.gated++
		return d.step(0)
	}
	for i := range subBlocks {
		if !d.dftOK[i] {
			d.dft(i)
		}
	}
	oldest, mid, newest := d.head, (d.head+1)%subBlocks, (d.head+2)%subBlocks
	var x [numTones]complex128
	for f := range numTones {
		x[f] = d.sub[oldest][f] + d.sub[mid][f]*kern.rot1[f] + d.sub[newest][f]*kern.rot2[f]
	}
	w.fit(&x)
	var prev *window
	if d.havePrev {
		prev = &d.prev
	}
	d.havePrev = true
	return d.step(w.decide(prev))
}

// step advances the digit state machine with the key of one window (0 for
// none) and reports a newly begun digit.
func (d *Detector) step(hit byte) (byte, bool) {
	if hit != 0 && hit == d.cand {
		d.hits = min(d.hits+1, hitsToBegin)
	} else {
		d.cand, d.hits = hit, 1
	}
	if d.cur != 0 {
		if hit == d.cur {
			d.misses = 0
		} else if d.misses++; d.misses >= missesToEnd {
			d.cur, d.misses = 0, 0
		}
	}
	if hit != 0 && hit != d.cur && d.hits >= hitsToBegin {
		d.cur, d.misses = hit, 0
		return hit, true
	}
	return 0, false
}
