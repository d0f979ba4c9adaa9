package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpsPageAndLanding(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	w := f.call(t, http.MethodGet, "/ops", nil, "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.True(t, strings.HasPrefix(w.Header().Get("Content-Type"), "text/html"))
	assert.Contains(t, w.Body.String(), `<script src="/ui/common.js"`)
	assert.Contains(t, w.Body.String(), `<script src="/ui/ops.js"`)
	csp := w.Header().Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, w.Body.String(), "<script>", "no inline script")
	for _, asset := range []string{"/ui/common.js", "/ui/ops.js", "/ui/agent.js"} {
		w := f.call(t, http.MethodGet, asset, nil, "")
		require.Equal(t, http.StatusOK, w.Code, asset)
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
			assert.NotContains(t, w.Body.String(), sink, "%s writes with DOM calls and textContent only", asset)
		}
	}
	assert.Contains(t, f.call(t, http.MethodGet, "/agent", nil, "").Body.String(), `<script src="/ui/common.js" defer></script>
<script src="/ui/agent.js" defer></script>`, "common.js first")

	// / sends ops to /ops, agents and strangers to /agent; admins to
	// /agent, which links to /ops.
	for user, want := range map[string]string{"otto": "/ops", "alice": "/agent", "sam": "/agent", "ada": "/agent", "": "/agent"} {
		token := ""
		if user != "" {
			token = f.login(t, user)
		}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if token != "" {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		}
		rw := httptest.NewRecorder()
		f.h.ServeHTTP(rw, r)
		assert.Equal(t, http.StatusFound, rw.Code, user)
		assert.Equal(t, want, rw.Header().Get("Location"), user)
		assert.Equal(t, "no-store", rw.Header().Get("Cache-Control"), "a redirect that depends on the session is not cached")
	}
	f.clock.Advance(DefaultIdleTimeout)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.login(t, "otto")})
	f.clock.Advance(DefaultIdleTimeout)
	rw := httptest.NewRecorder()
	f.h.ServeHTTP(rw, r)
	assert.Equal(t, "/agent", rw.Header().Get("Location"), "an expired session is nobody")
}

func TestPagesIncludeTheSharedSignIn(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	for _, path := range []string{"/agent", "/ops", "/admin"} {
		body := f.call(t, http.MethodGet, path, nil, "").Body.String()
		assert.Contains(t, body, `<form id="signin-form"`, path)
		assert.Contains(t, body, `<form id="unlock-form"`, path)
		assert.NotContains(t, body, "include:", path)
		assert.Equal(t, 1, strings.Count(body, `id="signin"`), path)
	}
}
