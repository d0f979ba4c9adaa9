package rolling

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

var t0 = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // test constant

func TestWindow(t *testing.T) {
	type event struct {
		key string
		v   float64
		at  time.Duration // after t0
	}
	tests := []struct {
		name   string
		events []event
		key    string
		last   time.Duration
		now    time.Duration
		want   Stat
	}{
		{name: "empty", key: "a", last: 5 * time.Minute, now: 0, want: Stat{}},
		{name: "one now", events: []event{{"a", 2, 0}}, key: "a", last: 5 * time.Minute, now: 0, want: Stat{1, 2}},
		{name: "other key", events: []event{{"b", 2, 0}}, key: "a", last: 5 * time.Minute, now: 0, want: Stat{}},
		{
			name:   "inside and outside 5 minutes",
			events: []event{{"a", 1, 0}, {"a", 1, time.Minute}, {"a", 1, 6 * time.Minute}, {"a", 1, 9 * time.Minute}},
			key:    "a", last: 5 * time.Minute, now: 10 * time.Minute, want: Stat{2, 2},
		},
		{
			name:   "the hour",
			events: []event{{"a", 1, 0}, {"a", 1, time.Minute}, {"a", 1, 6 * time.Minute}, {"a", 1, 9 * time.Minute}},
			key:    "a", last: time.Hour, now: 10 * time.Minute, want: Stat{4, 4},
		},
		{
			name:   "older than the span is gone although its bucket was not reused",
			events: []event{{"a", 1, 0}},
			key:    "a", last: time.Hour, now: time.Hour + 10*time.Second, want: Stat{},
		},
		{
			name:   "a reused bucket forgets its old events",
			events: []event{{"a", 1, 0}, {"a", 5, time.Hour}},
			key:    "a", last: time.Hour, now: time.Hour, want: Stat{1, 5},
		},
		{name: "asking beyond the span is capped", events: []event{{"a", 1, 0}}, key: "a", last: 3 * time.Hour, now: 30 * time.Minute, want: Stat{1, 1}},
		{name: "within one step", events: []event{{"a", 1, 0}, {"a", 3, 9 * time.Second}}, key: "a", last: 10 * time.Second, now: 9 * time.Second, want: Stat{2, 4}},
		{name: "events after now are not counted", events: []event{{"a", 1, time.Minute}}, key: "a", last: 5 * time.Minute, now: 0, want: Stat{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := New(time.Hour, 10*time.Second)
			for _, e := range tc.events {
				w.Add(e.key, e.v, t0.Add(e.at))
			}
			assert.Equal(t, tc.want, w.Last(tc.key, tc.last, t0.Add(tc.now)))
		})
	}
}

func TestStatMean(t *testing.T) {
	assert.Zero(t, Stat{}.Mean())
	assert.InDelta(t, 2.5, Stat{Count: 2, Sum: 5}.Mean(), 1e-9)
}

func TestWindowConcurrent(t *testing.T) {
	w := New(time.Minute, time.Second)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 100 {
				w.Add("a", 1, t0.Add(time.Duration(i*100+j)*time.Millisecond))
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 800, w.Last("a", time.Minute, t0.Add(2*time.Second)).Count)
}

func BenchmarkAdd(b *testing.B) {
	w := New(time.Hour, 10*time.Second)
	now := t0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Millisecond)
		w.Add("scheduling", 1, now)
	}
}
