package load

import (
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// Percentiles summarises a distribution of durations, in milliseconds.
type Percentiles struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean_ms"`
	P50  float64 `json:"p50_ms"`
	P95  float64 `json:"p95_ms"`
	P99  float64 `json:"p99_ms"`
	Max  float64 `json:"max_ms"`
}

// ms converts a duration to float milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// rank is the nearest-rank index of quantile q in n sorted values: the
// smallest value with at least q·n values at or below it.
func rank(q float64, n int) int {
	return min(n-1, max(0, int(math.Ceil(q*float64(n)))-1))
}

// PercentilesOf summarises v exactly (nearest rank). It sorts v in place.
func PercentilesOf(v []time.Duration) Percentiles {
	if len(v) == 0 {
		return Percentiles{}
	}
	slices.Sort(v)
	var sum time.Duration
	for _, d := range v {
		sum += d
	}
	n := len(v)
	return Percentiles{
		N:    n,
		Mean: ms(sum) / float64(n),
		P50:  ms(v[rank(0.50, n)]),
		P95:  ms(v[rank(0.95, n)]),
		P99:  ms(v[rank(0.99, n)]),
		Max:  ms(v[n-1]),
	}
}

// Histogram counts durations in fixed-width buckets from 0 to
// width·buckets; longer ones land in an overflow count and still set Max.
// Add is lock-free and allocation-free, for the per-packet path shared by
// every call's read goroutine.
type Histogram struct {
	width  time.Duration
	counts []atomic.Uint64
	over   atomic.Uint64
	n      atomic.Uint64
	sum    atomic.Int64 // nanoseconds
	max    atomic.Int64 // nanoseconds
}

// NewHistogram returns a histogram of buckets buckets of width each.
func NewHistogram(width time.Duration, buckets int) *Histogram {
	return &Histogram{width: width, counts: make([]atomic.Uint64, buckets)}
}

// Add counts d; negative durations count as zero.
func (h *Histogram) Add(d time.Duration) {
	d = max(d, 0)
	if i := int(d / h.width); i < len(h.counts) {
		h.counts[i].Add(1)
	} else {
		h.over.Add(1)
	}
	h.n.Add(1)
	h.sum.Add(int64(d))
	for {
		m := h.max.Load()
		if int64(d) <= m || h.max.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

// Count is the number of values added.
func (h *Histogram) Count() uint64 { return h.n.Load() }

// Percentiles reads the distribution. A quantile is reported as the
// middle of its bucket (so it is within width/2 of the true value), or as
// Max when it falls in the overflow.
func (h *Histogram) Percentiles() Percentiles {
	n := int(h.n.Load())
	if n == 0 {
		return Percentiles{}
	}
	mx := time.Duration(h.max.Load())
	counts := make([]uint64, len(h.counts))
	for i := range h.counts {
		counts[i] = h.counts[i].Load()
	}
	at := func(q float64) float64 {
		want := uint64(rank(q, n)) + 1 // 1-based rank
		var seen uint64
		for i, c := range counts {
			if seen += c; seen >= want {
				mid := time.Duration(i)*h.width + h.width/2
				return ms(min(mid, mx))
			}
		}
		return ms(mx)
	}
	return Percentiles{
		N:    n,
		Mean: ms(time.Duration(h.sum.Load())) / float64(n),
		P50:  at(0.50),
		P95:  at(0.95),
		P99:  at(0.99),
		Max:  ms(mx),
	}
}

// Spread is the share of values farther than tol from center, for "within
// ±2 ms of 20 ms" style targets. Bucket resolution applies.
func (h *Histogram) Spread(center, tol time.Duration) float64 {
	n := h.n.Load()
	if n == 0 {
		return 0
	}
	var in uint64
	for i := range h.counts {
		mid := time.Duration(i)*h.width + h.width/2
		if mid >= center-tol && mid <= center+tol {
			in += h.counts[i].Load()
		}
	}
	return float64(n-in) / float64(n)
}

// frameLoud reports whether a frame's RMS reaches floor (in 16-bit sample
// units), without a square root: Σs² ≥ floor²·n.
func frameLoud(pcm []int16, floor int) bool {
	var sum int64
	for _, s := range pcm {
		sum += int64(s) * int64(s)
	}
	return sum >= int64(floor)*int64(floor)*int64(len(pcm))
}
