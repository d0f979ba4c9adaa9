package web

import "sync"

// Event types on the agent event stream.
const (
	eventPop   = "pop"   // a new current screen pop
	eventClear = "clear" // the current call ended
)

// event is one change to an agent's screen.
type event struct {
	kind string    // eventPop or eventClear
	pop  ScreenPop // for eventClear only CallID is set
}

// Hub delivers screen pops to signed-in agents: it keeps one current pop
// per agent and notifies that agent's subscribers (the event streams).
// It is safe for concurrent use. A slow subscriber misses intermediate
// events but always receives the latest one. The zero value is not
// usable; call NewHub.
type Hub struct {
	mu      sync.Mutex                          // guards current, subs and every subscriber's pending
	current map[string]ScreenPop                // by username
	subs    map[string]map[*subscriber]struct{} // by username
}

// subscriber is one event stream's mailbox: the latest undelivered event
// and a one-slot doorbell.
type subscriber struct {
	notify  chan struct{} // capacity 1; rung when pending is set
	pending *event        // guarded by Hub.mu
}

// NewHub returns an empty Hub.
func NewHub() *Hub {
	return &Hub{current: map[string]ScreenPop{}, subs: map[string]map[*subscriber]struct{}{}}
}

// Push makes p the current screen pop of the agent username, replacing
// any other, and notifies the agent's subscribers without blocking. The
// Hub keeps its own copy of p.
func (h *Hub) Push(username string, p ScreenPop) {
	if username == "" {
		return
	}
	p = p.clone()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.current[username] = p
	h.deliverLocked(username, event{kind: eventPop, pop: p})
}

// Clear ends the call callID on the agent's screen: if it is the agent's
// current pop, the pop is removed and subscribers get a clear event.
// Clearing a call that is not current does nothing.
func (h *Hub) Clear(username, callID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cur, ok := h.current[username]
	if !ok || cur.CallID != callID {
		return
	}
	delete(h.current, username)
	h.deliverLocked(username, event{kind: eventClear, pop: ScreenPop{CallID: callID}})
}

// Current returns a copy of the agent's current screen pop, if any.
func (h *Hub) Current(username string) (ScreenPop, bool) {
	h.mu.Lock()
	p, ok := h.current[username]
	h.mu.Unlock()
	if !ok {
		return ScreenPop{}, false
	}
	return p.clone(), true
}

// deliverLocked leaves e in each of username's subscribers' mailboxes,
// replacing an undelivered event, and rings their doorbells. Delivering
// under h.mu keeps the order of concurrent pushes; nothing here blocks.
func (h *Hub) deliverLocked(username string, e event) {
	for sub := range h.subs[username] {
		sub.pending = &e
		select {
		case sub.notify <- struct{}{}:
		default: // already rung; the reader will take the newest pending
		}
	}
}

// subscribe registers a mailbox for username's events. Call the returned
// function to unregister it.
func (h *Hub) subscribe(username string) (*subscriber, func()) {
	sub := &subscriber{notify: make(chan struct{}, 1)}
	h.mu.Lock()
	set := h.subs[username]
	if set == nil {
		set = map[*subscriber]struct{}{}
		h.subs[username] = set
	}
	set[sub] = struct{}{}
	h.mu.Unlock()
	return sub, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[username], sub)
		if len(h.subs[username]) == 0 {
			delete(h.subs, username)
		}
	}
}

// take returns and removes the subscriber's pending event, if any.
func (h *Hub) take(sub *subscriber) (event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if sub.pending == nil {
		return event{}, false
	}
	e := *sub.pending
	sub.pending = nil
	return e, true
}
