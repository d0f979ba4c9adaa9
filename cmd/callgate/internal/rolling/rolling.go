// Package rolling counts events in a sliding time window, in fixed-size
// buckets, for figures like "lockouts in the last 5 minutes". It keeps
// counts and sums only (no event values, no labels beyond a bounded key),
// and takes the time as an argument: it reads no clock.
package rolling

import (
	"sync"
	"time"
)

// Window counts events per key over the last span, to within one step.
// It is safe for concurrent use. Keys must come from a bounded set (flow
// queue names, signal names): each costs one small map entry per bucket
// it occurs in.
type Window struct {
	mu      sync.Mutex
	step    time.Duration
	buckets []bucket // a ring: bucket i holds epoch i (mod len)
}

// bucket is one step's counts.
type bucket struct {
	epoch int64 // time / step of the events counted here
	stats map[string]Stat
}

// Stat is a count of events and the sum of their values.
type Stat struct {
	Count int
	Sum   float64
}

// Mean is Sum / Count, 0 without events.
func (s Stat) Mean() float64 {
	if s.Count == 0 {
		return 0
	}
	return s.Sum / float64(s.Count)
}

// New returns a window over span in buckets of step (span is rounded up
// to a whole number of steps). Both must be positive.
func New(span, step time.Duration) *Window {
	if step <= 0 || span <= 0 {
		step, span = time.Second, time.Second
	}
	n := int((span + step - 1) / step)
	w := &Window{step: step, buckets: make([]bucket, n)}
	for i := range w.buckets {
		w.buckets[i].epoch = -1
	}
	return w
}

// Add counts one event of key, with value v, at now.
func (w *Window) Add(key string, v float64, now time.Time) {
	e := w.epoch(now)
	w.mu.Lock()
	defer w.mu.Unlock()
	b := &w.buckets[w.index(e)]
	if b.epoch != e {
		b.epoch = e
		clear(b.stats)
	}
	if b.stats == nil {
		b.stats = map[string]Stat{}
	}
	s := b.stats[key]
	s.Count++
	s.Sum += v
	b.stats[key] = s
}

// Last returns key's events in the last d before now: the buckets of the
// d/step steps (rounded up) ending with now's, so between d-step and d of
// time. d is capped at the window's span; events stamped after now are
// not counted.
func (w *Window) Last(key string, d time.Duration, now time.Time) Stat {
	e := w.epoch(now)
	n := min(int64((d+w.step-1)/w.step), int64(len(w.buckets)))
	w.mu.Lock()
	defer w.mu.Unlock()
	var out Stat
	for k := range n {
		b := &w.buckets[w.index(e-k)]
		if b.epoch != e-k {
			continue
		}
		s := b.stats[key]
		out.Count += s.Count
		out.Sum += s.Sum
	}
	return out
}

func (w *Window) epoch(t time.Time) int64 {
	return t.UnixNano() / int64(w.step)
}

func (w *Window) index(epoch int64) int {
	n := int64(len(w.buckets))
	return int(((epoch % n) + n) % n)
}
