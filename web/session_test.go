package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthentication(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")
	tests := []struct {
		name   string
		header string
		cookie string
		want   int
	}{
		{name: "bearer", header: "Bearer " + token, want: http.StatusNoContent},
		{name: "bearer, any case", header: "bearer " + token, want: http.StatusNoContent},
		{name: "cookie", cookie: token, want: http.StatusNoContent},
		{name: "none", want: http.StatusUnauthorized},
		{name: "bad bearer", header: "Bearer " + token + "x", want: http.StatusUnauthorized},
		{name: "basic", header: "Basic YWxpY2U6YWxpY2UtZGVtby0x", want: http.StatusUnauthorized},
		{name: "bad cookie", cookie: "forged", want: http.StatusUnauthorized},
		{name: "bad bearer wins over good cookie", header: "Bearer forged", cookie: token, want: http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/api/v1/agent/screen", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			if tc.cookie != "" {
				r.AddCookie(&http.Cookie{Name: sessionCookie, Value: tc.cookie})
			}
			w := httptest.NewRecorder()
			f.h.ServeHTTP(w, r)
			require.Equal(t, tc.want, w.Code)
			if tc.want == http.StatusUnauthorized {
				assert.Equal(t, "unauthenticated", errorOf(t, w))
				assert.Equal(t, `Bearer realm="callgate"`, w.Header().Get("WWW-Authenticate"))
			}
		})
	}
}

func TestIdleTimeout(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: 15 * time.Minute}, nil)
	token := f.login(t, "alice")
	screen := func() int { return f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token).Code }

	f.clock.Advance(14 * time.Minute)
	require.Equal(t, http.StatusNoContent, screen(), "each request refreshes the session")
	f.clock.Advance(14 * time.Minute)
	require.Equal(t, http.StatusNoContent, screen())
	require.Empty(t, f.presence.Calls())

	f.clock.Advance(15 * time.Minute)
	w := f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token)
	require.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Equal(t, []statusCall{{"alice", StatusOffline, t0.Add(43 * time.Minute)}}, f.presence.Calls())
	assert.Contains(t, f.audit.Entries(), auditEntry{AuditSignOut, "alice", map[string]string{"reason": "idle"}})

	f.clock.Advance(-10 * time.Minute)
	assert.Equal(t, http.StatusUnauthorized, screen(), "an expired session stays gone")
	assert.Len(t, f.presence.Calls(), 1)
}

func TestIdleSweep(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: 5 * time.Minute}, nil)
	alice := f.login(t, "alice")
	f.login(t, "otto")
	f.clock.Advance(3 * time.Minute)
	bob := f.login(t, "bob")
	f.clock.Advance(2 * time.Minute)

	f.srv.sweep(t.Context())
	assert.Equal(t, []statusCall{{"alice", StatusOffline, t0.Add(5 * time.Minute)}}, f.presence.Calls(),
		"alice went offline; otto (ops) has no status; bob is still active")
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code)
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, bob).Code)
}

func TestRunSweeps(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: time.Second}, nil)
	f.login(t, "alice")
	f.clock.Advance(time.Second)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.srv.Run(ctx) }()
	checkFor(t, 5*time.Second, 10*time.Millisecond, func() bool { return len(f.presence.Calls()) == 1 })
	cancel()
	require.NoError(t, <-done)
}

func TestLogout(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")

	r := httptest.NewRequest(http.MethodPost, "/api/v1/auth/logout", nil)
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	require.Equal(t, http.StatusNoContent, w.Code)
	cookies := w.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.Equal(t, sessionCookie, cookies[0].Name)
	assert.Empty(t, cookies[0].Value)
	assert.Negative(t, cookies[0].MaxAge, "the cookie is deleted")

	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token).Code)
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, token).Code)
	assert.Equal(t, []statusCall{{"alice", StatusOffline, t0}}, f.presence.Calls())
	assert.Contains(t, f.audit.Entries(), auditEntry{AuditSignOut, "alice", map[string]string{"reason": "logout"}})
}

// Presence goes offline only when the user's last session ends.
func TestLogoutLastSession(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	one, two := f.login(t, "alice"), f.login(t, "alice")
	require.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, one).Code)
	assert.Empty(t, f.presence.Calls())
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, two).Code)
	require.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, two).Code)
	assert.Equal(t, []statusCall{{"alice", StatusOffline, t0}}, f.presence.Calls())
}
