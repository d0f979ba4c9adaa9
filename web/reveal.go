package web

import (
	"context"
	"fmt"
	"net/http"
)

// Reveal is one sensitive field shown on demand: the ledger records it
// (field name, never value) before the value is sent.
type Reveal struct {
	Agent   string
	CallID  string
	Subject string
	Purpose string
	Field   string
	Policy  string
}

// RevealFunc records a reveal durably; an error refuses the reveal.
type RevealFunc func(ctx context.Context, r Reveal) error

// WithReveals sets where reveals are recorded. Without it every reveal is
// refused (503): a value is never shown unrecorded.
func WithReveals(f RevealFunc) Option {
	return func(s *Server) error {
		if f == nil {
			return fmt.Errorf("%w: nil reveal recorder", ErrInvalidConfig)
		}
		s.reveals = f
		return nil
	}
}

// revealRequest is the body of POST /api/v1/agent/reveal.
type revealRequest struct {
	CallID string `json:"call_id"`
	Field  string `json:"field"`
}

// revealResponse carries the one revealed value.
type revealResponse struct {
	CallID string `json:"call_id"`
	Field  string `json:"field"`
	Value  string `json:"value"`
}

// handleReveal returns one field of the agent's current screen pop after
// recording the reveal. Only a field the pop holds can be revealed: the
// policy decided the pop, and a reveal never widens it.
func (s *Server) handleReveal(w http.ResponseWriter, r *http.Request, p principal) {
	var req revealRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	pop, ok := s.hub.Current(p.username)
	if !ok || pop.CallID != req.CallID {
		s.writeError(w, fmt.Errorf("%w: no such call", ErrNotOnScreen))
		return
	}
	value, ok := pop.Context[req.Field]
	if !ok {
		s.writeError(w, fmt.Errorf("%w: no such field", ErrNotOnScreen))
		return
	}
	if s.reveals == nil {
		s.writeError(w, fmt.Errorf("%w: no reveal recorder", ErrUnavailable))
		return
	}
	err := s.reveals(r.Context(), Reveal{Agent: p.username, CallID: pop.CallID, Subject: pop.Subject,
		Purpose: pop.Purpose, Field: req.Field, Policy: pop.Policy})
	if err != nil {
		s.log.ErrorContext(r.Context(), "reveal not recorded; refused", "username", p.username, "call_id", pop.CallID, "field", req.Field, "error", err)
		s.writeError(w, fmt.Errorf("%w: record reveal: %w", ErrUnavailable, err))
		return
	}
	s.log.InfoContext(r.Context(), "reveal", "username", p.username, "call_id", pop.CallID, "field", req.Field)
	s.writeJSON(w, http.StatusOK, revealResponse{CallID: pop.CallID, Field: req.Field, Value: value})
}
