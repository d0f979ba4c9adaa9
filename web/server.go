package web

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/callgate/callgate/routing/agents"
)

const (
	// sessionCookie is the session cookie's name.
	sessionCookie = "callgate_session"
	// defaultHeartbeat is how often an idle event stream gets a comment.
	defaultHeartbeat = 15 * time.Second
	// maxSweepEvery bounds how often Run looks for idle sessions.
	maxSweepEvery = 30 * time.Second
	// presenceTimeout bounds a Presence call made on a session's end.
	presenceTimeout = 5 * time.Second
)

// Audit event kinds passed to the WithAudit hook. The first three are the
// ledger's kinds (audit.KindSignin, KindSigninFailed, KindStatus).
const (
	AuditSignIn       = "signin"        // detail: role, remote
	AuditSignInFailed = "signin_failed" // detail: reason, remote, locked_until when it locked the username out; user_ref for unknown users
	AuditStatus       = "status"        // detail: status
	AuditSignOut      = "signout"       // detail: reason (logout, idle)
)

// AuditFunc receives security events for the ledger: kind is one of the
// Audit* constants, actor the username (empty for a username not in the
// directory, which detail names only as user_ref, a keyed hash). Details
// never hold passwords, codes, tokens or screen-pop context. It is called
// synchronously, without locks held, from request goroutines and Run.
type AuditFunc func(kind, actor string, detail map[string]string)

// Option configures a Server.
type Option func(*Server) error

// WithLogger sets the logger (default: a logger that discards). The server
// logs with component=web.
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidConfig)
		}
		s.log = l
		return nil
	}
}

// WithClock sets the clock for sessions, lockouts, TOTP and presence
// timestamps (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(s *Server) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
		}
		s.now = now
		return nil
	}
}

// WithAudit sets the hook that records sign-ins, failed sign-ins (and
// lockouts), status changes and sign-outs (default: none).
func WithAudit(f func(kind, actor string, detail map[string]string)) Option {
	return func(s *Server) error {
		if f == nil {
			return fmt.Errorf("%w: nil audit hook", ErrInvalidConfig)
		}
		s.audit = f
		return nil
	}
}

// Server is the agent HTTP API. Create it with New, serve Handler, and run
// Run for as long as it serves.
type Server struct {
	cfg          Config
	dir          map[string]agents.Agent // by username; read-only after New
	hub          *Hub
	presence     Presence
	log          *slog.Logger
	now          func() time.Time
	audit        AuditFunc
	reveals      RevealFunc
	accounting   Accounting
	callbacks    CallbackList
	prompts      PromptAdmin
	promptLedger PromptLedger
	flows        FlowAdmin
	flowLedger   FlowLedger
	policies     FlowAdmin
	policyLedger FlowLedger

	dummyHash   string        // verified for unknown usernames, to cost the same
	refKey      []byte        // HMAC key for user_ref
	verifySlots chan struct{} // bounds concurrent argon2id verifications (19 MiB each)
	heartbeat   time.Duration // event-stream heartbeat interval

	sessions sessionStore
	lockout  lockout // failed sign-ins: this node's memory, or Redis (WithRedisLockout)
	steps    totpSteps

	closing   chan struct{} // closed when Run's context ends: event streams stop
	closeOnce sync.Once
}

// New returns a Server for the directory dir (usernames must be unique),
// delivering screen pops from hub and reporting web status to presence.
func New(cfg Config, dir []agents.Agent, hub *Hub, presence Presence, opts ...Option) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if hub == nil || presence == nil {
		return nil, fmt.Errorf("%w: hub and presence are required", ErrInvalidConfig)
	}
	s := &Server{
		cfg:         cfg,
		dir:         make(map[string]agents.Agent, len(dir)),
		hub:         hub,
		presence:    presence,
		log:         slog.New(slog.DiscardHandler),
		now:         time.Now,
		audit:       func(string, string, map[string]string) {},
		verifySlots: make(chan struct{}, max(4, runtime.GOMAXPROCS(0))),
		heartbeat:   defaultHeartbeat,
		sessions:    newSessionStore(),
		lockout:     newLimiter(cfg.MaxFailures),
		steps:       totpSteps{last: map[string]int64{}},
		closing:     make(chan struct{}),
	}
	for _, a := range dir {
		if a.Username == "" {
			return nil, fmt.Errorf("%w: an agent has no username", ErrInvalidConfig)
		}
		if _, dup := s.dir[a.Username]; dup {
			return nil, fmt.Errorf("%w: username %q appears twice", ErrInvalidConfig, a.Username)
		}
		a.Skills = cloneStrings(a.Skills)
		s.dir[a.Username] = a
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.log = s.log.With("component", "web")
	dummy := make([]byte, 32)
	s.refKey = make([]byte, 32)
	if _, err := rand.Read(dummy); err != nil {
		return nil, fmt.Errorf("web: dummy password: %w", err)
	}
	if _, err := rand.Read(s.refKey); err != nil {
		return nil, fmt.Errorf("web: user_ref key: %w", err)
	}
	if s.dummyHash, err = agents.HashPassword(rand.Reader, dummy, dummyParams(dir)); err != nil {
		return nil, fmt.Errorf("web: dummy password hash: %w", err)
	}
	return s, nil
}

// dummyParams returns the argon2id parameters of the directory's first
// hash, so that verifying an unknown username costs what verifying a known
// one does; agents.DefaultArgon2Params when there is none to copy.
func dummyParams(dir []agents.Agent) agents.Argon2Params {
	p := agents.DefaultArgon2Params()
	if len(dir) == 0 {
		return p
	}
	parts := strings.Split(dir[0].PasswordHash, "$") // $argon2id$v=19$m=..,t=..,p=..$salt$sum
	if len(parts) != 6 {
		return p
	}
	q := p
	for kv := range strings.SplitSeq(parts[3], ",") {
		name, val, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil {
			return p
		}
		switch name {
		case "m":
			q.MemoryKiB = uint32(n)
		case "t":
			q.Time = uint32(n)
		case "p":
			if n > 255 {
				return p
			}
			q.Threads = uint8(n)
		}
	}
	if q.Validate() != nil {
		return p
	}
	return q
}

// Handler returns the API's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/auth/login", s.handleLogin)
	mux.HandleFunc("POST /api/v1/auth/logout", s.handleLogout)
	mux.Handle("POST /api/v1/agent/status", s.authed(s.handleStatus, true, agents.RoleAgent, agents.RoleSupervisor))
	mux.Handle("GET /api/v1/agent/screen", s.authed(s.handleScreen, true, agents.RoleAgent, agents.RoleSupervisor))
	mux.Handle("GET /api/v1/agent/events", s.authed(s.handleEvents, false, agents.RoleAgent, agents.RoleSupervisor))
	mux.Handle("POST /api/v1/agent/reveal", s.authed(s.handleReveal, true, agents.RoleAgent, agents.RoleSupervisor))
	mux.Handle("GET /api/v1/audit/disclosures", s.authed(s.handleDisclosures, true, agents.RoleSupervisor))
	mux.Handle("GET /api/v1/queues/callbacks", s.authed(s.handleCallbacks, true, agents.RoleSupervisor))
	every := []string{agents.RoleAgent, agents.RoleSupervisor, agents.RoleAdmin, agents.RoleOps}
	mux.Handle("GET /api/v1/auth/session", s.authedLock(s.handleSession, false, true, every...))
	mux.Handle("POST /api/v1/auth/touch", s.authed(s.handleTouch, true, every...))
	mux.Handle("POST /api/v1/auth/lock", s.authedLock(s.handleLock, false, true, every...))
	mux.Handle("POST /api/v1/auth/unlock", s.authedLock(s.handleUnlock, false, true, every...))
	s.pages(mux)
	mux.Handle("GET /api/v1/trunks", s.authed(s.handleTrunks, false, agents.RoleOps, agents.RoleAdmin))
	mux.Handle("GET /api/v1/ops/summary", s.authed(s.handleOpsSummary, false, agents.RoleOps, agents.RoleAdmin))
	s.flowRoutes(mux)
	s.promptRoutes(mux)
	return s.secure(mux)
}

// Run ends sessions that have been idle for Config.IdleTimeout, setting
// their agents offline, until ctx ends; then it ends every event stream
// (sessions stay valid) so an http.Server can shut down, and returns nil.
// Without Run, idle sessions end only when next presented.
func (s *Server) Run(ctx context.Context) error {
	every := min(max(s.cfg.IdleTimeout/15, time.Second), maxSweepEvery)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.closeOnce.Do(func() { close(s.closing) })
			return nil
		case <-t.C:
			s.sweep(ctx)
		}
	}
}

// secure sets the headers every response carries.
func (s *Server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}
