package web

import (
	"fmt"
	"net/http"
)

// statusRequest is the body of POST /api/v1/agent/status.
type statusRequest struct {
	Status Status `json:"status"`
}

// handleStatus sets the agent's web status to available or away.
// (Offline is the end of the agent's last session, not a choice.)
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request, p principal) {
	var req statusRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if req.Status != StatusAvailable && req.Status != StatusAway {
		s.writeError(w, fmt.Errorf("%w: want available or away", ErrInvalidStatus))
		return
	}
	if err := s.presence.SetStatus(r.Context(), p.username, req.Status, s.now()); err != nil {
		s.log.ErrorContext(r.Context(), "status change", "username", p.username, "status", string(req.Status), "outcome", "error", "error", err)
		s.writeError(w, fmt.Errorf("web: set status: %w", err))
		return
	}
	s.log.InfoContext(r.Context(), "status change", "username", p.username, "status", string(req.Status), "outcome", "ok")
	s.audit(AuditStatus, p.username, map[string]string{"status": string(req.Status)})
	w.WriteHeader(http.StatusNoContent)
}

// handleScreen answers the signed-in agent's own current screen pop, or
// 204 when there is none.
func (s *Server) handleScreen(w http.ResponseWriter, _ *http.Request, p principal) {
	pop, ok := s.hub.Current(p.username)
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.writeJSON(w, http.StatusOK, pop)
}
