package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/routing/agents"
)

func TestLogin(t *testing.T) {
	tests := []struct {
		name       string
		demo       bool
		body       any
		rawBody    string // instead of body
		ctype      string
		wantStatus int
		wantError  string
		wantRole   string
		wantAudit  string
	}{
		{name: "agent ok", demo: true, body: loginRequest{Username: "alice", Password: "alice-demo-1"}, wantStatus: 200, wantRole: "agent", wantAudit: AuditSignIn},
		{name: "ops ok", demo: true, body: loginRequest{Username: "otto", Password: "otto-demo-1"}, wantStatus: 200, wantRole: "ops", wantAudit: AuditSignIn},
		{name: "wrong password", demo: true, body: loginRequest{Username: "alice", Password: "bob-demo-1"}, wantStatus: 401, wantError: "invalid credentials", wantAudit: AuditSignInFailed},
		{name: "unknown user", demo: true, body: loginRequest{Username: "mallory", Password: "alice-demo-1"}, wantStatus: 401, wantError: "invalid credentials", wantAudit: AuditSignInFailed},
		{name: "empty", demo: true, body: loginRequest{}, wantStatus: 401, wantError: "invalid credentials", wantAudit: AuditSignInFailed},
		{name: "demo credentials refused outside demo mode", demo: false, body: loginRequest{Username: "alice", Password: "alice-demo-1"}, wantStatus: 403, wantError: "demo credentials are refused outside demo mode", wantAudit: AuditSignInFailed},
		{name: "wrong password outside demo mode", demo: false, body: loginRequest{Username: "alice", Password: "alice-demo-2"}, wantStatus: 401, wantError: "invalid credentials", wantAudit: AuditSignInFailed},
		{name: "malformed JSON", demo: true, rawBody: `{"username":`, wantStatus: 400, wantError: "bad request"},
		{name: "unknown field", demo: true, rawBody: `{"username":"alice","password":"alice-demo-1","role":"admin"}`, wantStatus: 400, wantError: "bad request"},
		{name: "trailing data", demo: true, rawBody: `{"username":"alice","password":"alice-demo-1"} {}`, wantStatus: 400, wantError: "bad request"},
		{name: "too large", demo: true, rawBody: `{"username":"alice","password":"` + strings.Repeat("x", maxBody) + `"}`, wantStatus: 400, wantError: "bad request"},
		{name: "form post", demo: true, rawBody: `username=alice&password=alice-demo-1`, ctype: "application/x-www-form-urlencoded", wantStatus: 415, wantError: "content type must be application/json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{Demo: tc.demo}, nil)
			var w *httptest.ResponseRecorder
			if tc.body != nil {
				w = f.call(t, http.MethodPost, "/api/v1/auth/login", tc.body, "")
			} else {
				r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/login", strings.NewReader(tc.rawBody))
				r.Header.Set("Content-Type", "application/json; charset=utf-8")
				if tc.ctype != "" {
					r.Header.Set("Content-Type", tc.ctype)
				}
				w = httptest.NewRecorder()
				f.h.ServeHTTP(w, r)
			}
			require.Equal(t, tc.wantStatus, w.Code, w.Body.String())
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			if tc.wantError != "" {
				assert.Equal(t, tc.wantError, errorOf(t, w))
				assert.Empty(t, w.Result().Cookies(), "no cookie on failure")
			} else {
				var resp loginResponse
				require.NoError(t, json.Unmarshal(w.Body.Bytes(), &resp))
				assert.Equal(t, tc.wantRole, resp.Role)
				assert.Len(t, resp.Token, 43, "32 bytes base64url")
			}
			if tc.wantAudit != "" {
				assert.Contains(t, f.audit.Kinds(), tc.wantAudit)
			} else {
				assert.Empty(t, f.audit.Kinds())
			}
		})
	}
}

// An unknown username and a wrong password get byte-identical answers.
func TestLoginUnknownUserLooksLikeWrongPassword(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	wrong := f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "alice", Password: "nope-nope"}, "")
	unknown := f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "zed", Password: "nope-nope"}, "")
	assert.Equal(t, http.StatusUnauthorized, wrong.Code)
	assert.Equal(t, wrong.Code, unknown.Code)
	assert.Equal(t, wrong.Body.String(), unknown.Body.String())
	assert.Equal(t, wrong.Header(), unknown.Header())

	entries := f.audit.Entries()
	require.Len(t, entries, 2)
	assert.Equal(t, "alice", entries[0].Actor)
	assert.Empty(t, entries[1].Actor, "an unknown username is not an actor")
	assert.Len(t, entries[1].Detail["user_ref"], 64)
	assert.NotContains(t, f.logs.String(), "zed", "an unknown username is logged only as a ref")
}

func TestLoginTOTP(t *testing.T) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "callgate", AccountName: "alice"})
	require.NoError(t, err)
	secret := key.Secret()
	dir := func(t *testing.T) []agents.Agent {
		t.Helper()
		return demoDir(t, func(d []agents.Agent) []agents.Agent {
			for i := range d {
				if d[i].Username == "alice" {
					d[i].TOTPSecret = secret
				}
			}
			return d
		})
	}
	code := func(t *testing.T, at time.Time) string {
		t.Helper()
		c, err := totp.GenerateCode(secret, at)
		require.NoError(t, err)
		return c
	}
	wrongCode := func(t *testing.T, at time.Time) string {
		t.Helper()
		c := []byte(code(t, at))
		c[0] = '0' + (c[0]-'0'+1)%10
		return string(c)
	}

	tests := []struct {
		name       string
		password   string
		code       func(t *testing.T, at time.Time) string
		wantStatus int
		wantError  string
	}{
		{name: "required", password: "alice-demo-1", code: func(*testing.T, time.Time) string { return "" }, wantStatus: 401, wantError: "totp required"},
		{name: "wrong", password: "alice-demo-1", code: wrongCode, wantStatus: 401, wantError: "invalid credentials"},
		{name: "too short", password: "alice-demo-1", code: func(*testing.T, time.Time) string { return "123" }, wantStatus: 401, wantError: "invalid credentials"},
		{name: "right", password: "alice-demo-1", code: code, wantStatus: 200},
		{name: "previous step (skew)", password: "alice-demo-1", code: func(t *testing.T, at time.Time) string { return code(t, at.Add(-30*time.Second)) }, wantStatus: 200},
		{name: "two steps old", password: "alice-demo-1", code: func(t *testing.T, at time.Time) string { return code(t, at.Add(-90*time.Second)) }, wantStatus: 401, wantError: "invalid credentials"},
		{name: "right code, wrong password", password: "alice-demo-2", code: code, wantStatus: 401, wantError: "invalid credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{Demo: true}, dir(t))
			w := f.call(t, http.MethodPost, "/api/v1/auth/login",
				loginRequest{Username: "alice", Password: tc.password, TOTP: tc.code(t, f.clock.Now())}, "")
			require.Equal(t, tc.wantStatus, w.Code, w.Body.String())
			if tc.wantError != "" {
				assert.Equal(t, tc.wantError, errorOf(t, w))
			}
		})
	}

	t.Run("a code is accepted once", func(t *testing.T) {
		f := newFixture(t, Config{Demo: true}, dir(t))
		req := loginRequest{Username: "alice", Password: "alice-demo-1", TOTP: code(t, f.clock.Now())}
		require.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login", req, "").Code)
		w := f.call(t, http.MethodPost, "/api/v1/auth/login", req, "")
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		f.clock.Advance(30 * time.Second)
		req.TOTP = code(t, f.clock.Now())
		assert.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login", req, "").Code)
	})

	t.Run("codes are never logged", func(t *testing.T) {
		f := newFixture(t, Config{Demo: true}, dir(t))
		c := code(t, f.clock.Now())
		f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "alice", Password: "alice-demo-1", TOTP: c}, "")
		assert.Empty(t, containsAny(f.logs.String(), c, secret, "alice-demo-1"))
	})
}

func TestLockout(t *testing.T) {
	for _, user := range []string{"alice", "nobody"} {
		t.Run(user, func(t *testing.T) {
			f := newFixture(t, Config{Demo: true, MaxFailures: 3}, nil)
			bad := loginRequest{Username: user, Password: "guess"}
			for range 3 {
				require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/login", bad, "").Code)
			}
			good := loginRequest{Username: user, Password: user + "-demo-1"}
			w := f.call(t, http.MethodPost, "/api/v1/auth/login", good, "")
			require.Equal(t, http.StatusTooManyRequests, w.Code, "locked even with the right password")
			assert.Equal(t, "900", w.Header().Get("Retry-After"))
			entries := f.audit.Entries()
			require.Len(t, entries, 4)
			assert.Equal(t, t0.Add(LockoutDuration).Format(time.RFC3339), entries[2].Detail["locked_until"], "the third failure locked it")
			assert.Empty(t, entries[1].Detail["locked_until"])
			assert.Equal(t, "locked_out", entries[3].Detail["reason"])

			// Other usernames are unaffected.
			require.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login",
				loginRequest{Username: "bob", Password: "bob-demo-1"}, "").Code)

			f.clock.Advance(LockoutDuration - time.Second)
			assert.Equal(t, http.StatusTooManyRequests, f.call(t, http.MethodPost, "/api/v1/auth/login", good, "").Code)
			f.clock.Advance(time.Second)
			want := http.StatusOK
			if user == "nobody" {
				want = http.StatusUnauthorized
			}
			assert.Equal(t, want, f.call(t, http.MethodPost, "/api/v1/auth/login", good, "").Code)
		})
	}

	t.Run("failures outside the window do not add up", func(t *testing.T) {
		f := newFixture(t, Config{Demo: true, MaxFailures: 2}, nil)
		bad := loginRequest{Username: "alice", Password: "guess"}
		require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/login", bad, "").Code)
		f.clock.Advance(LockoutWindow)
		require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/login", bad, "").Code)
		assert.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login",
			loginRequest{Username: "alice", Password: "alice-demo-1"}, "").Code)
	})

	t.Run("success forgets failures", func(t *testing.T) {
		f := newFixture(t, Config{Demo: true, MaxFailures: 2}, nil)
		bad := loginRequest{Username: "alice", Password: "guess"}
		good := loginRequest{Username: "alice", Password: "alice-demo-1"}
		require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/login", bad, "").Code)
		require.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login", good, "").Code)
		require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/login", bad, "").Code)
		assert.Equal(t, http.StatusOK, f.call(t, http.MethodPost, "/api/v1/auth/login", good, "").Code)
	})
}

// Attempts in flight count against the limit, so a burst of parallel
// guesses cannot overrun it.
func TestLimiterInflight(t *testing.T) {
	ctx := context.Background()
	l := newLimiter(2)
	require.NoError(t, l.begin(ctx, "alice", t0))
	require.NoError(t, l.begin(ctx, "alice", t0))
	require.ErrorIs(t, l.begin(ctx, "alice", t0), ErrLockedOut)
	_, err := l.end(ctx, "alice", outcomeNeutral, t0)
	require.NoError(t, err)
	require.NoError(t, l.begin(ctx, "alice", t0))
	until, err := l.end(ctx, "alice", outcomeFailed, t0)
	require.NoError(t, err)
	assert.True(t, until.IsZero())
	until, err = l.end(ctx, "alice", outcomeFailed, t0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(LockoutDuration), until)
	assert.ErrorIs(t, l.begin(ctx, "alice", t0), ErrLockedOut)
}

func TestCookie(t *testing.T) {
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "secure"}[secure], func(t *testing.T) {
			f := newFixture(t, Config{Demo: true, SecureCookies: secure}, nil)
			w := f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "alice", Password: "alice-demo-1"}, "")
			require.Equal(t, http.StatusOK, w.Code)
			cookies := w.Result().Cookies()
			require.Len(t, cookies, 1)
			c := cookies[0]
			var resp loginResponse
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &resp))
			assert.Equal(t, "callgate_session", c.Name)
			assert.Equal(t, resp.Token, c.Value)
			assert.True(t, c.HttpOnly)
			assert.Equal(t, http.SameSiteStrictMode, c.SameSite)
			assert.Equal(t, "/", c.Path)
			assert.Equal(t, secure, c.Secure)
			assert.Zero(t, c.MaxAge, "a browser-session cookie")

			// The cookie alone authenticates.
			r := httptest.NewRequest(http.MethodGet, "/api/v1/agent/screen", nil)
			r.AddCookie(c)
			rw := httptest.NewRecorder()
			f.h.ServeHTTP(rw, r)
			assert.Equal(t, http.StatusNoContent, rw.Code)
			if secure {
				assert.NotEmpty(t, rw.Header().Get("Strict-Transport-Security"))
			} else {
				assert.Empty(t, rw.Header().Get("Strict-Transport-Security"))
			}
		})
	}
}

// The server keeps only the SHA-256 of tokens.
func TestTokensStoredHashed(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")
	st := &f.srv.sessions
	st.mu.Lock()
	defer st.mu.Unlock()
	require.Len(t, st.byKey, 1)
	_, ok := st.byKey[tokenKey(token)]
	assert.True(t, ok)
	for k := range st.byKey {
		assert.NotContains(t, string(k[:]), token)
	}
}

func TestNewValidates(t *testing.T) {
	dir := demoDir(t, nil)
	p := &presenceRecorder{}
	tests := []struct {
		name string
		cfg  Config
		dir  []agents.Agent
		hub  *Hub
		pres Presence
		opts []Option
	}{
		{name: "negative idle timeout", cfg: Config{IdleTimeout: -time.Second}, dir: dir, hub: NewHub(), pres: p},
		{name: "negative max failures", cfg: Config{MaxFailures: -1}, dir: dir, hub: NewHub(), pres: p},
		{name: "no hub", dir: dir, pres: p},
		{name: "no presence", dir: dir, hub: NewHub()},
		{name: "duplicate user", dir: append(dir, dir[0]), hub: NewHub(), pres: p},
		{name: "nil logger", dir: dir, hub: NewHub(), pres: p, opts: []Option{WithLogger(nil)}},
		{name: "nil clock", dir: dir, hub: NewHub(), pres: p, opts: []Option{WithClock(nil)}},
		{name: "nil audit", dir: dir, hub: NewHub(), pres: p, opts: []Option{WithAudit(nil)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, tc.dir, tc.hub, tc.pres, tc.opts...)
			assert.ErrorIs(t, err, ErrInvalidConfig)
		})
	}

	t.Run("defaults", func(t *testing.T) {
		s, err := New(Config{}, dir, NewHub(), p)
		require.NoError(t, err)
		assert.Equal(t, DefaultIdleTimeout, s.cfg.IdleTimeout)
		assert.Equal(t, DefaultMaxFailures, s.cfg.MaxFailures)
	})
}

func TestDummyParams(t *testing.T) {
	dir := demoDir(t, nil)
	assert.Equal(t, agents.Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}, dummyParams(dir))
	assert.Equal(t, agents.DefaultArgon2Params(), dummyParams(nil))
	assert.Equal(t, agents.DefaultArgon2Params(), dummyParams([]agents.Agent{{PasswordHash: "$argon2id$v=19$m=8,t=1,p=1$x$y"}}), "too weak: default")
	assert.Equal(t, agents.DefaultArgon2Params(), dummyParams([]agents.Agent{{PasswordHash: "garbage"}}))
}
