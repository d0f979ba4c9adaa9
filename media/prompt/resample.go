package prompt

import "math"

// Sample rates Convert accepts for 16-bit PCM.
const (
	MinConvertRate = 8000
	MaxConvertRate = 48000
)

// downmix averages interleaved stereo samples into mono.
func downmix(st []int16) []int16 {
	out := make([]int16, len(st)/2)
	for i := range out {
		out[i] = int16((int32(st[2*i]) + int32(st[2*i+1])) / 2)
	}
	return out
}

// lowpassTaps is the length of the anti-aliasing filter (odd).
const lowpassTaps = 63

// resample converts pcm at rate Hz to SampleRate: a windowed-sinc
// (Blackman) low-pass at 3.6 kHz, below the new Nyquist frequency of
// 4 kHz, then linear interpolation at the new sample instants. Telephone
// audio is band-limited to 3.4 kHz anyway.
func resample(pcm []int16, rate int) []int16 {
	if rate == SampleRate || len(pcm) == 0 {
		return pcm
	}
	filtered := pcm
	if rate > SampleRate {
		filtered = lowpass(pcm, 3600/float64(rate))
	}
	n := int(int64(len(pcm)) * SampleRate / int64(rate))
	out := make([]int16, n)
	step := float64(rate) / SampleRate
	for i := range out {
		pos := float64(i) * step
		j := int(pos)
		frac := pos - float64(j)
		a := float64(filtered[j])
		b := a
		if j+1 < len(filtered) {
			b = float64(filtered[j+1])
		}
		out[i] = clamp16(a + (b-a)*frac)
	}
	return out
}

// lowpass filters pcm with a Blackman-windowed sinc whose cut-off is fc
// cycles per sample (0 < fc < 0.5), unity gain at DC.
func lowpass(pcm []int16, fc float64) []int16 {
	var taps [lowpassTaps]float64
	const m = lowpassTaps - 1
	sum := 0.0
	for i := range taps {
		x := float64(i) - m/2
		sinc := 2 * fc
		if x != 0 {
			sinc = math.Sin(2*math.Pi*fc*x) / (math.Pi * x)
		}
		w := 0.42 - 0.5*math.Cos(2*math.Pi*float64(i)/m) + 0.08*math.Cos(4*math.Pi*float64(i)/m)
		taps[i] = sinc * w
		sum += taps[i]
	}
	out := make([]int16, len(pcm))
	for i := range pcm {
		acc := 0.0
		for k, t := range taps {
			j := i + k - m/2
			if j >= 0 && j < len(pcm) {
				acc += t * float64(pcm[j])
			}
		}
		out[i] = clamp16(acc / sum)
	}
	return out
}

func clamp16(v float64) int16 {
	switch {
	case v > math.MaxInt16:
		return math.MaxInt16
	case v < math.MinInt16:
		return math.MinInt16
	}
	return int16(math.Round(v))
}
