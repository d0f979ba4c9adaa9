package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/callgate/callgate/routing/agents"
)

// tokenBytes is the size of a session token before base64url.
const tokenBytes = 32

// Reasons a session ends, in logs and audit details.
const (
	endLogout = "logout"
	endIdle   = "idle"
)

// session is one signed-in browser or API client.
type session struct {
	username string
	role     string
	lastSeen time.Time     // guarded by sessionStore.mu
	locked   bool          // guarded by sessionStore.mu
	ended    chan struct{} // closed when the session ends
}

// principal is what a handler knows about the session of its request.
type principal struct {
	username string
	role     string
	key      [sha256.Size]byte
	locked   bool
	ended    <-chan struct{}
}

// sessionStore holds the sessions of this node, keyed by the SHA-256 of
// their tokens: the tokens themselves are never kept.
type sessionStore struct {
	mu      sync.Mutex
	byKey   map[[sha256.Size]byte]*session
	perUser map[string]int // live sessions by username
}

func newSessionStore() sessionStore {
	return sessionStore{byKey: map[[sha256.Size]byte]*session{}, perUser: map[string]int{}}
}

// tokenKey is the stored form of a token.
func tokenKey(token string) [sha256.Size]byte { return sha256.Sum256([]byte(token)) }

// removeLocked ends sess (stored under key) and reports whether it was
// its user's last session. Call with mu held.
func (st *sessionStore) removeLocked(key [sha256.Size]byte, sess *session) bool {
	delete(st.byKey, key)
	close(sess.ended)
	st.perUser[sess.username]--
	if st.perUser[sess.username] > 0 {
		return false
	}
	delete(st.perUser, sess.username)
	return true
}

// startSession creates a session for a and returns its token.
func (s *Server) startSession(a agents.Agent) (string, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("web: session token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw)
	sess := &session{username: a.Username, role: a.Role, lastSeen: s.now(), ended: make(chan struct{})}
	st := &s.sessions
	st.mu.Lock()
	st.byKey[tokenKey(token)] = sess
	st.perUser[a.Username]++
	st.mu.Unlock()
	return token, nil
}

// lookup finds the live session for token, refreshing its idle timer when
// refresh is set. An idle session is ended on the spot. Errors wrap
// ErrUnauthenticated.
func (s *Server) lookup(ctx context.Context, token string, refresh bool) (principal, error) {
	if token == "" {
		return principal{}, fmt.Errorf("%w: no session", ErrUnauthenticated)
	}
	key := tokenKey(token)
	now := s.now()
	st := &s.sessions
	st.mu.Lock()
	sess, ok := st.byKey[key]
	if !ok {
		st.mu.Unlock()
		return principal{}, fmt.Errorf("%w: unknown session", ErrUnauthenticated)
	}
	if now.Sub(sess.lastSeen) >= s.cfg.IdleTimeout {
		last := st.removeLocked(key, sess)
		st.mu.Unlock()
		s.ended(ctx, sess, last, endIdle)
		return principal{}, fmt.Errorf("%w: session expired", ErrUnauthenticated)
	}
	if s.cfg.ScreenLock > 0 && now.Sub(sess.lastSeen) >= s.cfg.ScreenLock {
		sess.locked = true
	}
	if refresh && !sess.locked {
		sess.lastSeen = now
	}
	locked := sess.locked
	st.mu.Unlock()
	return principal{username: sess.username, role: sess.role, key: key, locked: locked, ended: sess.ended}, nil
}

// alive reports whether the session under key is still live and not
// locked, ending it if it has been idle too long. It does not refresh it.
func (s *Server) alive(ctx context.Context, key [sha256.Size]byte) bool {
	now := s.now()
	st := &s.sessions
	st.mu.Lock()
	sess, ok := st.byKey[key]
	if !ok {
		st.mu.Unlock()
		return false
	}
	if now.Sub(sess.lastSeen) < s.cfg.IdleTimeout {
		if s.cfg.ScreenLock > 0 && now.Sub(sess.lastSeen) >= s.cfg.ScreenLock {
			sess.locked = true
		}
		locked := sess.locked
		st.mu.Unlock()
		return !locked
	}
	last := st.removeLocked(key, sess)
	st.mu.Unlock()
	s.ended(ctx, sess, last, endIdle)
	return false
}

// endSession ends the session under key, if it is live.
func (s *Server) endSession(ctx context.Context, key [sha256.Size]byte, reason string) {
	st := &s.sessions
	st.mu.Lock()
	sess, ok := st.byKey[key]
	if !ok {
		st.mu.Unlock()
		return
	}
	last := st.removeLocked(key, sess)
	st.mu.Unlock()
	s.ended(ctx, sess, last, reason)
}

// sweep ends every session idle for IdleTimeout or longer.
func (s *Server) sweep(ctx context.Context) {
	type gone struct {
		sess *session
		last bool
	}
	var ended []gone
	now := s.now()
	st := &s.sessions
	st.mu.Lock()
	for key, sess := range st.byKey {
		if now.Sub(sess.lastSeen) >= s.cfg.IdleTimeout {
			ended = append(ended, gone{sess, st.removeLocked(key, sess)})
		}
	}
	st.mu.Unlock()
	for _, g := range ended {
		s.ended(ctx, g.sess, g.last, endIdle)
	}
}

// ended logs and audits a session's end and, when it was the user's last
// session and the role has a web status, sets the user offline. It runs
// without locks held.
func (s *Server) ended(ctx context.Context, sess *session, last bool, why string) {
	s.log.InfoContext(ctx, "session ended", "username", sess.username, "reason", why)
	s.audit(AuditSignOut, sess.username, map[string]string{"reason": why})
	if !last || !hasStatus(sess.role) {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), presenceTimeout)
	defer cancel()
	if err := s.presence.SetStatus(ctx, sess.username, StatusOffline, s.now()); err != nil {
		s.log.WarnContext(ctx, "presence offline failed", "username", sess.username, "error", err)
	}
}

// hasStatus reports whether role has a web status (and so presence).
func hasStatus(role string) bool { return role == agents.RoleAgent || role == agents.RoleSupervisor }

// requestToken returns the session token of r: the bearer token when
// there is an Authorization header, else the session cookie's value.
func requestToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(tok)
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value
	}
	return ""
}

// authed wraps h so it runs only for a live, unlocked session of one of
// roles. With refresh, the request restarts the session's idle timer; the
// event stream does not, so an open screen alone never keeps a session
// alive.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, principal), refresh bool, roles ...string) http.Handler {
	return s.authedLock(h, refresh, false, roles...)
}

// authedLock is authed that, with whileLocked, also serves locked sessions.
func (s *Server) authedLock(h func(http.ResponseWriter, *http.Request, principal), refresh, whileLocked bool, roles ...string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.lookup(r.Context(), requestToken(r), refresh)
		if err != nil {
			s.unauthorized(w, r, err)
			return
		}
		allowed := false
		for _, role := range roles {
			allowed = allowed || p.role == role
		}
		if !allowed {
			s.log.InfoContext(r.Context(), "forbidden", "username", p.username, "role", p.role, "path", r.URL.Path)
			s.writeError(w, fmt.Errorf("%w: role %s", ErrForbidden, p.role))
			return
		}
		if p.locked && !whileLocked {
			s.writeError(w, ErrScreenLocked)
			return
		}
		h(w, r, p)
	})
}

// unauthorized answers 401, expiring a stale session cookie.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request, err error) {
	if _, cerr := r.Cookie(sessionCookie); cerr == nil {
		http.SetCookie(w, s.cookie("", -1))
	}
	w.Header().Set("WWW-Authenticate", `Bearer realm="callgate"`)
	s.writeError(w, err)
}

// cookie returns the session cookie carrying token; maxAge -1 deletes it.
// Without a max age it is a browser-session cookie: the server enforces
// the idle timeout.
func (s *Server) cookie(token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     sessionCookie,
		Value:    token,
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   s.cfg.SecureCookies,
		SameSite: http.SameSiteStrictMode,
	}
}
