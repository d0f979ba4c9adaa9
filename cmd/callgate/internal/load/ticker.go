package load

import (
	"context"
	"time"
)

// probeTicker times a plain 20 ms time.Ticker into h until stop closes:
// the intervals a Go goroutine that does nothing else gets, which is the
// floor for any pacer built on the Go runtime's timers on this machine.
func probeTicker(stop <-chan struct{}, h *Histogram) {
	t := time.NewTicker(frame)
	defer t.Stop()
	prev := time.Now()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			now := time.Now()
			h.Add(now.Sub(prev))
			prev = now
		}
	}
}

// TickerFloor times a plain 20 ms ticker for d (or until ctx ends) in this
// process, and returns its intervals with the share outside 20 ± 2 ms. Run
// it as its own process beside a load to get an idle Go ticker's jitter
// on the same machine at the same time.
func TickerFloor(ctx context.Context, d time.Duration) (Percentiles, float64) {
	h := NewHistogram(10*time.Microsecond, 20_000)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		probeTicker(stop, h)
	}()
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	close(stop)
	<-done
	return h.Percentiles(), h.Spread(frame, 2*time.Millisecond)
}
