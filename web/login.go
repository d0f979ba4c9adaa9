package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/callgate/callgate/routing/agents"
)

// demoSuffix makes a demo user's public password: "<username>-demo-1".
const demoSuffix = "-demo-1"

// loginRequest is the body of POST /api/v1/auth/login.
type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	TOTP     string `json:"totp,omitempty"`
}

// loginResponse is the body of a successful sign-in.
type loginResponse struct {
	Username string `json:"username"`
	Role     string `json:"role"`
	Token    string `json:"token"`
}

// signInFailure is why a sign-in failed, for logs and the audit ledger.
type signInFailure struct {
	reason      string    // bad_credentials, totp_required, totp_invalid, locked_out, demo_credentials, error
	err         error     // the class returned to the client
	lockedUntil time.Time // set when this failure locked the username out
}

func (f *signInFailure) Error() string { return f.reason }
func (f *signInFailure) Unwrap() error { return f.err }

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, err)
		return
	}
	a, err := s.signIn(r.Context(), req)
	if err != nil {
		s.reportFailure(r, req.Username, a.Username != "", err)
		s.writeError(w, err)
		return
	}
	token, err := s.startSession(a)
	if err != nil {
		s.log.ErrorContext(r.Context(), "sign-in", "username", a.Username, "outcome", "error", "error", err)
		s.writeError(w, err)
		return
	}
	s.log.InfoContext(r.Context(), "sign-in", "username", a.Username, "outcome", "ok")
	s.audit(AuditSignIn, a.Username, map[string]string{"role": a.Role, "remote": remoteIP(r)})
	http.SetCookie(w, s.cookie(token, 0))
	s.writeJSON(w, http.StatusOK, loginResponse{Username: a.Username, Role: a.Role, Token: token})
}

// signIn checks a sign-in request. On failure it returns a
// *signInFailure, and the agent only when the username is in the
// directory (to decide how to log it).
func (s *Server) signIn(ctx context.Context, req loginRequest) (agents.Agent, error) {
	a, known := s.dir[req.Username]
	if err := s.lockout.begin(ctx, req.Username, s.now()); err != nil {
		return a, refused(err)
	}
	select {
	case s.verifySlots <- struct{}{}:
	case <-ctx.Done():
		_, _ = s.lockout.end(ctx, req.Username, outcomeAborted, s.now())
		return a, &signInFailure{reason: "error", err: ctx.Err()}
	}
	hash := s.dummyHash
	if known {
		hash = a.PasswordHash
	}
	pw := []byte(req.Password)
	defer clear(pw)
	ok, err := agents.VerifyPassword(hash, pw)
	<-s.verifySlots
	if err != nil {
		_, _ = s.lockout.end(ctx, req.Username, outcomeAborted, s.now())
		return a, &signInFailure{reason: "error", err: fmt.Errorf("web: sign-in: %w", err)}
	}
	if !ok || !known {
		return a, s.failed(ctx, req.Username, "bad_credentials")
	}
	if !s.cfg.Demo && subtle.ConstantTimeCompare(pw, []byte(req.Username+demoSuffix)) == 1 {
		if _, err := s.lockout.end(ctx, req.Username, outcomeNeutral, s.now()); err != nil {
			return a, refused(err)
		}
		return a, &signInFailure{reason: "demo_credentials", err: ErrDemoCredentials}
	}
	if a.TOTPSecret != "" {
		if req.TOTP == "" {
			if _, err := s.lockout.end(ctx, req.Username, outcomeNeutral, s.now()); err != nil {
				return a, refused(err)
			}
			return a, &signInFailure{reason: "totp_required", err: ErrTOTPRequired}
		}
		if !s.checkTOTP(a.Username, a.TOTPSecret, req.TOTP, s.now()) {
			return a, s.failed(ctx, req.Username, "totp_invalid")
		}
	}
	if _, err := s.lockout.end(ctx, req.Username, outcomeSucceeded, s.now()); err != nil {
		return a, refused(err)
	}
	return a, nil
}

// failed records a failed sign-in, locking the username out when it is
// one too many, and returns the failure; or the refusal when the lockout
// would not record it (locked meanwhile, or its store did not answer).
func (s *Server) failed(ctx context.Context, username, why string) error {
	until, err := s.lockout.end(ctx, username, outcomeFailed, s.now())
	if err != nil {
		return refused(err)
	}
	return &signInFailure{reason: why, err: ErrInvalidCredentials, lockedUntil: until}
}

// refused is the failure of an attempt the lockout refused: locked_out,
// or an error answered as unavailable when the lockout could not decide.
func refused(err error) error {
	var locked *lockedOutError
	if errors.As(err, &locked) {
		return &signInFailure{reason: "locked_out", err: err}
	}
	return &signInFailure{reason: "error", err: fmt.Errorf("%w: %w", ErrUnavailable, err)}
}

// reportFailure logs and audits a failed sign-in: username and outcome,
// never the password or code.
func (s *Server) reportFailure(r *http.Request, username string, known bool, err error) {
	ctx := r.Context()
	why := "error"
	var f *signInFailure
	if errors.As(err, &f) {
		why = f.reason
	}
	actor, detail := s.actor(username, known)
	args := append(logUser(actor, detail), "outcome", why)
	switch {
	case why == "error":
		s.log.ErrorContext(ctx, "sign-in", append(args, "error", err)...)
	case !f.lockedUntil.IsZero():
		detail["locked_until"] = f.lockedUntil.UTC().Format(time.RFC3339)
		s.log.WarnContext(ctx, "sign-in", append(args, "locked_until", detail["locked_until"])...)
	default:
		s.log.InfoContext(ctx, "sign-in", args...)
	}
	detail["reason"] = why
	detail["remote"] = remoteIP(r)
	s.audit(AuditSignInFailed, actor, detail)
}

// actor names a sign-in's user for logs and audit: the username when it
// is in the directory, else "" and a user_ref, an HMAC-SHA256 (64 hex)
// under a key of this process, since an unknown "username" may be a
// password typed in the wrong field. Refs of one name match until the
// process restarts.
func (s *Server) actor(username string, known bool) (string, map[string]string) {
	if known {
		return username, map[string]string{}
	}
	m := hmac.New(sha256.New, s.refKey)
	m.Write([]byte(username))
	return "", map[string]string{"user_ref": hex.EncodeToString(m.Sum(nil))}
}

// logUser returns slog arguments naming actor, or its user_ref.
func logUser(actor string, detail map[string]string) []any {
	if actor != "" {
		return []any{"username", actor}
	}
	return []any{"user_ref", detail["user_ref"]}
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	p, err := s.lookup(r.Context(), requestToken(r), false)
	if err != nil {
		s.unauthorized(w, r, err)
		return
	}
	s.endSession(r.Context(), p.key, endLogout)
	http.SetCookie(w, s.cookie("", -1))
	w.WriteHeader(http.StatusNoContent)
}
