package web

import (
	"net/http"
	"time"
)

// sessionInfo is the body of GET /api/v1/auth/session.
type sessionInfo struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	// Locked: the screen is locked until POST /api/v1/auth/unlock.
	Locked bool `json:"locked"`
	// ScreenLockSeconds is how long without activity locks the screen (0:
	// never); IdleTimeoutSeconds how long ends the session.
	ScreenLockSeconds  int64 `json:"screen_lock_seconds"`
	IdleTimeoutSeconds int64 `json:"idle_timeout_seconds"`
}

// unlockRequest is the body of POST /api/v1/auth/unlock.
type unlockRequest struct {
	Password string `json:"password"`
	TOTP     string `json:"totp,omitempty"`
}

// handleSession describes the caller's own session; it works while locked
// and does not count as activity.
func (s *Server) handleSession(w http.ResponseWriter, _ *http.Request, p principal) {
	s.writeJSON(w, http.StatusOK, sessionInfo{
		Username: p.username, Role: p.role, Locked: p.locked,
		ScreenLockSeconds:  int64(s.cfg.ScreenLock / time.Second),
		IdleTimeoutSeconds: int64(s.cfg.IdleTimeout / time.Second),
	})
}

// handleTouch records user activity on the page (keys, pointer), which
// keeps the screen unlocked and the session alive.
func (s *Server) handleTouch(w http.ResponseWriter, _ *http.Request, _ principal) {
	w.WriteHeader(http.StatusNoContent)
}

// handleLock locks the caller's screen at once (the page does this when
// the agent steps away, or when its own idle timer fires).
func (s *Server) handleLock(w http.ResponseWriter, r *http.Request, p principal) {
	s.setLocked(p, true)
	s.log.InfoContext(r.Context(), "screen locked", "username", p.username)
	w.WriteHeader(http.StatusNoContent)
}

// handleUnlock unlocks the caller's screen when the password (and TOTP
// code, when enrolled) is right. A wrong one counts toward the sign-in
// lockout like a failed sign-in.
func (s *Server) handleUnlock(w http.ResponseWriter, r *http.Request, p principal) {
	var req unlockRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	if _, err := s.signIn(r.Context(), loginRequest{Username: p.username, Password: req.Password, TOTP: req.TOTP}); err != nil {
		s.reportFailure(r, p.username, true, err)
		s.writeError(w, err)
		return
	}
	s.setLocked(p, false)
	s.log.InfoContext(r.Context(), "screen unlocked", "username", p.username)
	w.WriteHeader(http.StatusNoContent)
}

// setLocked locks or unlocks p's session; unlocking restarts its timers.
func (s *Server) setLocked(p principal, locked bool) {
	st := &s.sessions
	st.mu.Lock()
	defer st.mu.Unlock()
	if sess, ok := st.byKey[p.key]; ok {
		sess.locked = locked
		if !locked {
			sess.lastSeen = s.now()
		}
	}
}
