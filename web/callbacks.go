package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/callgate/callgate/routing/dispatch"
)

// maxCallbackList bounds one GET /api/v1/queues/callbacks.
const maxCallbackList = 500

// CallbackList is the shared list of callback requests.
type CallbackList interface {
	List(ctx context.Context, n int64) ([]dispatch.Callback, error)
}

// WithCallbacks serves GET /api/v1/queues/callbacks from l (supervisors).
func WithCallbacks(l CallbackList) Option {
	return func(s *Server) error {
		if l == nil {
			return fmt.Errorf("%w: nil callback list", ErrInvalidConfig)
		}
		s.callbacks = l
		return nil
	}
}

// handleCallbacks lists pending callback requests, oldest first: queue,
// call, subject reference, where to call back. Supervisors work the list.
func (s *Server) handleCallbacks(w http.ResponseWriter, r *http.Request, p principal) {
	if s.callbacks == nil {
		s.writeError(w, fmt.Errorf("%w: no callback list", ErrUnavailable))
		return
	}
	list, err := s.callbacks.List(r.Context(), maxCallbackList)
	if err != nil {
		s.log.ErrorContext(r.Context(), "callback list", "username", p.username, "error", err)
		s.writeError(w, fmt.Errorf("%w: %w", ErrUnavailable, err))
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"callbacks": list})
}
