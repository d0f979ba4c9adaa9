package store

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// embedded is the in-process store. miniredis never expires keys on its
// own, only when told time has passed, so a goroutine advances it with the
// clock; without it call tags and lockouts would never expire.
type embedded struct {
	m    *miniredis.Miniredis
	stop chan struct{}
	done chan struct{}
}

func startEmbedded(now func() time.Time, every time.Duration) (*embedded, error) {
	m := miniredis.NewMiniRedis()
	if err := m.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("%w: embedded store: %w", ErrUnavailable, err)
	}
	e := &embedded{m: m, stop: make(chan struct{}), done: make(chan struct{})}
	go e.expire(now, every)
	return e, nil
}

// expire advances the store's key expiry by the time the clock moved since
// the last tick.
func (e *embedded) expire(now func() time.Time, every time.Duration) {
	defer close(e.done)
	tk := time.NewTicker(every)
	defer tk.Stop()
	last := now()
	for {
		select {
		case <-e.stop:
			return
		case <-tk.C:
			t := now()
			if d := t.Sub(last); d > 0 {
				e.m.FastForward(d)
				last = t
			}
		}
	}
}

func (e *embedded) close() {
	close(e.stop)
	<-e.done
	e.m.Close()
}
