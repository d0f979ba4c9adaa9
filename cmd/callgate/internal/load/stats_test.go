package load

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func msDurations(v ...float64) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x * float64(time.Millisecond))
	}
	return out
}

func TestPercentilesOf(t *testing.T) {
	tests := []struct {
		name string
		in   []time.Duration
		want Percentiles
	}{
		{name: "empty", in: nil, want: Percentiles{}},
		{name: "one", in: msDurations(7), want: Percentiles{N: 1, Mean: 7, P50: 7, P95: 7, P99: 7, Max: 7}},
		{name: "two: nearest rank takes the lower for p50", in: msDurations(9, 1), want: Percentiles{N: 2, Mean: 5, P50: 1, P95: 9, P99: 9, Max: 9}},
		{name: "negative values sort first", in: msDurations(-5, 5, 0), want: Percentiles{N: 3, Mean: 0, P50: 0, P95: 5, P99: 5, Max: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, PercentilesOf(tc.in))
		})
	}
	t.Run("1..100", func(t *testing.T) {
		v := make([]float64, 100)
		for i := range v {
			v[i] = float64(100 - i) // unsorted on purpose
		}
		p := PercentilesOf(msDurations(v...))
		assert.Equal(t, Percentiles{N: 100, Mean: 50.5, P50: 50, P95: 95, P99: 99, Max: 100}, p)
	})
}

func TestRank(t *testing.T) {
	tests := []struct {
		q    float64
		n    int
		want int
	}{
		{0.5, 1, 0}, {0.5, 2, 0}, {0.5, 3, 1}, {0.99, 100, 98}, {0.99, 1000, 989}, {1, 10, 9}, {0, 10, 0},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, rank(tc.q, tc.n), "rank(%g, %d)", tc.q, tc.n)
	}
}

func TestHistogram(t *testing.T) {
	t.Run("matches exact percentiles within half a bucket", func(t *testing.T) {
		h := NewHistogram(10*time.Microsecond, 20_000)
		var exact []time.Duration
		for i := range 10_000 {
			// A 20 ms cadence with a deterministic ±3 ms wobble.
			d := 20*time.Millisecond + time.Duration((i*7919)%6000-3000)*time.Microsecond
			h.Add(d)
			exact = append(exact, d)
		}
		got, want := h.Percentiles(), PercentilesOf(exact)
		assert.Equal(t, want.N, got.N)
		assert.InDelta(t, want.Mean, got.Mean, 1e-9)
		for _, pair := range [][2]float64{{want.P50, got.P50}, {want.P95, got.P95}, {want.P99, got.P99}} {
			assert.InDelta(t, pair[0], pair[1], 0.005+1e-9)
		}
		assert.InDelta(t, want.Max, got.Max, 1e-9, "max is exact")
		assert.InDelta(t, 2.0/6, h.Spread(20*time.Millisecond, 2*time.Millisecond), 0.01)
	})
	t.Run("overflow reports max", func(t *testing.T) {
		h := NewHistogram(time.Millisecond, 10)
		h.Add(time.Millisecond)
		h.Add(time.Second)
		p := h.Percentiles()
		assert.Equal(t, 2, p.N)
		assert.InDelta(t, 1.5, p.P50, 1e-9)
		assert.InDelta(t, 1000.0, p.P99, 1e-9)
		assert.InDelta(t, 1000.0, p.Max, 1e-9)
	})
	t.Run("negative counts as zero, empty is zero", func(t *testing.T) {
		h := NewHistogram(time.Millisecond, 10)
		assert.Equal(t, Percentiles{}, h.Percentiles())
		assert.Zero(t, h.Spread(0, time.Millisecond))
		h.Add(-time.Second)
		assert.InDelta(t, 0.0, h.Percentiles().P50, 1e-9, "a bucket midpoint never exceeds the max")
		assert.Equal(t, uint64(1), h.Count())
	})
	t.Run("Add does not allocate", func(t *testing.T) {
		h := NewHistogram(10*time.Microsecond, 20_000)
		assert.Zero(t, testing.AllocsPerRun(100, func() { h.Add(20 * time.Millisecond) }))
	})
}

func TestFrameLoud(t *testing.T) {
	frame := make([]int16, 160)
	assert.False(t, frameLoud(frame, DefaultAudioFloor), "digital silence")
	for i := range frame {
		frame[i] = int16(1000 * math.Sin(2*math.Pi*float64(i)/8)) // RMS ~707
	}
	assert.True(t, frameLoud(frame, DefaultAudioFloor))
	assert.False(t, frameLoud(frame, 708))
	assert.True(t, frameLoud(frame, 707))
}

func TestSteadyWindow(t *testing.T) {
	t0 := time.Unix(1000, 0)
	mk := func(active ...int) []runSample {
		out := make([]runSample, len(active))
		for i, a := range active {
			out[i] = runSample{at: t0.Add(time.Duration(i) * time.Second), active: a}
		}
		return out
	}
	t.Run("ramp, plateau, tail", func(t *testing.T) {
		i0, i1, cs, ok := steadyWindow(mk(0, 50, 100, 100, 96, 100, 40, 0))
		require.True(t, ok)
		assert.Equal(t, 2, i0)
		assert.Equal(t, 5, i1)
		assert.InDelta(t, 100+98+98, cs, 1e-9)
	})
	t.Run("a dip below 95% inside stays in the window", func(t *testing.T) {
		i0, i1, _, ok := steadyWindow(mk(100, 10, 100))
		require.True(t, ok)
		assert.Equal(t, 0, i0)
		assert.Equal(t, 2, i1)
	})
	t.Run("no calls or one sample at the peak", func(t *testing.T) {
		_, _, _, ok := steadyWindow(mk(0, 0))
		assert.False(t, ok)
		_, _, _, ok = steadyWindow(mk(1, 100, 1))
		assert.False(t, ok)
	})
}
