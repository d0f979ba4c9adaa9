package media

import (
	"context"
	"sync"

	"github.com/callgate/callgate/media/dtmf"
)

// maxQueuedDigits bounds type-ahead: a caller cannot grow memory by holding
// a key down on a broken phone.
const maxQueuedDigits = 64

// DigitQueue is the single digit stream of a call. RFC 4733, SIP INFO and
// in-band detection all feed it; digits that arrive before anyone asks for
// them are kept (type-ahead) until read or cleared.
type DigitQueue struct {
	mu     sync.Mutex
	q      []dtmf.Digit
	notify chan struct{} // capacity 1: "something was pushed"
	total  int
}

// NewDigitQueue returns an empty queue.
func NewDigitQueue() *DigitQueue {
	return &DigitQueue{notify: make(chan struct{}, 1), q: make([]dtmf.Digit, 0, 16)}
}

// Push appends a digit. When the queue is full the oldest digit is dropped.
func (d *DigitQueue) Push(dg dtmf.Digit) {
	d.mu.Lock()
	if len(d.q) >= maxQueuedDigits {
		copy(d.q, d.q[1:])
		d.q = d.q[:len(d.q)-1]
	}
	d.q = append(d.q, dg)
	d.total++
	d.mu.Unlock()
	select {
	case d.notify <- struct{}{}:
	default:
	}
}

// Len is the number of digits waiting.
func (d *DigitQueue) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.q)
}

// Total is the number of digits ever pushed.
func (d *DigitQueue) Total() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.total
}

// Clear drops the type-ahead buffer.
func (d *DigitQueue) Clear() {
	d.mu.Lock()
	clear(d.q)
	d.q = d.q[:0]
	d.mu.Unlock()
}

// TryNext returns the oldest waiting digit, if any.
func (d *DigitQueue) TryNext() (dtmf.Digit, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.q) == 0 {
		return dtmf.Digit{}, false
	}
	dg := d.q[0]
	copy(d.q, d.q[1:])
	d.q[len(d.q)-1] = dtmf.Digit{}
	d.q = d.q[:len(d.q)-1]
	return dg, true
}

// Next blocks until a digit is available or ctx is done.
func (d *DigitQueue) Next(ctx context.Context) (dtmf.Digit, error) {
	for {
		if dg, ok := d.TryNext(); ok {
			return dg, nil
		}
		select {
		case <-d.notify:
		case <-ctx.Done():
			return dtmf.Digit{}, ctx.Err()
		}
	}
}

// Notify returns a channel that receives after a Push. It is shared: use it
// only as a wake-up and then call TryNext or Len.
func (d *DigitQueue) Notify() <-chan struct{} { return d.notify }
