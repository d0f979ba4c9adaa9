package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// streamWriteTimeout bounds each write to an event stream, so a client
// that stops reading cannot hold its handler forever.
const streamWriteTimeout = 10 * time.Second

// clearData is the data of a clear event.
type clearData struct {
	CallID string `json:"call_id"`
}

// handleEvents streams the agent's screen as server-sent events:
//
//	event: pop
//	data: {"call_id":...,"context":{...}}
//
//	event: clear
//	data: {"call_id":"..."}
//
// It sends the current pop first, if any, and a ": heartbeat" comment
// every heartbeat interval. The stream ends when the session ends (logout
// or idle timeout) or locks, checked at each heartbeat and before each
// event, when the client goes away, or when Run stops. It does not keep
// the session alive.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, p principal) {
	select {
	case <-s.closing:
		s.writeError(w, ErrShuttingDown)
		return
	default:
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)
	sub, unsubscribe := s.hub.subscribe(p.username)
	defer unsubscribe()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no") // no proxy buffering
	w.WriteHeader(http.StatusOK)
	send := func(chunk string) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false
		}
		if _, err := fmt.Fprint(w, chunk); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send("retry: 3000\n\n") {
		return
	}
	if pop, ok := s.hub.Current(p.username); ok {
		if !send(encodeEvent(event{kind: eventPop, pop: pop})) {
			return
		}
	}
	s.log.DebugContext(ctx, "event stream opened", "username", p.username)
	defer s.log.DebugContext(ctx, "event stream closed", "username", p.username)

	tick := time.NewTicker(s.heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.ended:
			return
		case <-s.closing:
			return
		case <-tick.C:
			if !s.alive(ctx, p.key) || !send(": heartbeat\n\n") {
				return
			}
		case <-sub.notify:
			if !s.alive(ctx, p.key) {
				return // ended or locked: no pop reaches a locked screen
			}
			if e, ok := s.hub.take(sub); ok && !send(encodeEvent(e)) {
				return
			}
		}
	}
}

// encodeEvent formats e as one server-sent event. JSON has no raw
// newlines, so the data fits on one line.
func encodeEvent(e event) string {
	var data []byte
	var err error
	if e.kind == eventClear {
		data, err = json.Marshal(clearData{CallID: e.pop.CallID})
	} else {
		data, err = json.Marshal(e.pop.clone())
	}
	if err != nil { // unreachable: strings and maps of strings always encode
		return ""
	}
	return "event: " + e.kind + "\ndata: " + string(data) + "\n\n"
}
