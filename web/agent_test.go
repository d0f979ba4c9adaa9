package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStatus(t *testing.T) {
	tests := []struct {
		name        string
		body        any
		presenceErr error
		want        int
		wantCall    bool
	}{
		{name: "available", body: statusRequest{Status: StatusAvailable}, want: http.StatusNoContent, wantCall: true},
		{name: "away", body: statusRequest{Status: StatusAway}, want: http.StatusNoContent, wantCall: true},
		{name: "offline is not a choice", body: statusRequest{Status: StatusOffline}, want: http.StatusBadRequest},
		{name: "empty", body: map[string]string{}, want: http.StatusBadRequest},
		{name: "unknown", body: map[string]string{"status": "busy"}, want: http.StatusBadRequest},
		{name: "presence fails", body: statusRequest{Status: StatusAvailable}, presenceErr: errors.New("redis down"), want: http.StatusInternalServerError, wantCall: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, Config{Demo: true}, nil)
			f.presence.err = tc.presenceErr
			token := f.login(t, "alice")
			w := f.call(t, http.MethodPost, "/api/v1/agent/status", tc.body, token)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if !tc.wantCall {
				assert.Empty(t, f.presence.Calls())
				return
			}
			require.Len(t, f.presence.Calls(), 1)
			want := tc.body.(statusRequest).Status
			assert.Equal(t, statusCall{"alice", want, t0}, f.presence.Calls()[0])
			if tc.presenceErr == nil {
				assert.Contains(t, f.audit.Entries(), auditEntry{AuditStatus, "alice", map[string]string{"status": string(want)}})
			} else {
				assert.Equal(t, "internal error", errorOf(t, w))
			}
		})
	}
}

func TestScreen(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	alice, bob := f.login(t, "alice"), f.login(t, "bob")

	w := f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice)
	require.Equal(t, http.StatusNoContent, w.Code)
	assert.Empty(t, w.Body.String())

	f.hub.Push("alice", samplePop("call-a"))
	f.hub.Push("bob", ScreenPop{CallID: "call-b", Context: map[string]string{"prescriptions": "lisinopril"}})

	w = f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice)
	require.Equal(t, http.StatusOK, w.Code)
	var got ScreenPop
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, samplePop("call-a").clone(), got)
	assert.NotContains(t, w.Body.String(), "lisinopril", "alice never sees bob's pop")

	w = f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, bob)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `"call_id":"call-b"`)
	assert.NotContains(t, w.Body.String(), "Maria Lopez", "bob never sees alice's pop")

	f.hub.Clear("alice", "call-a")
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code)
	assert.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, bob).Code)
}

// Empty lists and maps are [] and {}, never null.
func TestScreenJSONShape(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")
	f.hub.Push("alice", ScreenPop{CallID: "c1", VerificationLevel: "none", CallerRole: "unknown", Purpose: "billing", RecordingConsent: "declined"})
	w := f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token)
	require.Equal(t, http.StatusOK, w.Code)
	body := w.Body.String()
	assert.NotContains(t, body, "null")
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &raw))
	assert.JSONEq(t, `[]`, string(raw["restrictions"]))
	assert.JSONEq(t, `[]`, string(raw["flags"]))
	assert.JSONEq(t, `{}`, string(raw["context"]))
	assert.NotContains(t, raw, "banner", "omitted when empty")
	assert.NotContains(t, raw, "notices", "omitted when empty")
	for _, k := range []string{"call_id", "verification_level", "caller_role", "purpose", "recording_consent"} {
		assert.Contains(t, raw, k)
	}
}

func TestRoles(t *testing.T) {
	routes := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/api/v1/agent/screen", nil},
		{http.MethodGet, "/api/v1/agent/events", nil},
		{http.MethodPost, "/api/v1/agent/status", statusRequest{Status: StatusAway}},
	}
	tests := []struct {
		user    string
		allowed bool
	}{
		{"alice", true}, {"bob", true}, {"sam", true}, {"ada", false}, {"otto", false},
	}
	f := newFixture(t, Config{Demo: true}, nil)
	for _, tc := range tests {
		token := f.login(t, tc.user)
		for _, rt := range routes {
			if rt.path == "/api/v1/agent/events" && tc.allowed {
				continue // streams; covered by TestEvents
			}
			t.Run(tc.user+" "+rt.path, func(t *testing.T) {
				w := f.call(t, rt.method, rt.path, rt.body, token)
				if tc.allowed {
					assert.Equal(t, http.StatusNoContent, w.Code)
				} else {
					require.Equal(t, http.StatusForbidden, w.Code)
					assert.Equal(t, "forbidden", errorOf(t, w))
				}
			})
		}
	}
	assert.Len(t, f.presence.Calls(), 3, "status set by alice, bob and sam only")
}

func TestSecurityHeaders(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")
	f.hub.Push("alice", samplePop("c1"))
	tests := []struct {
		name, method, path string
		token              string
		want               int
	}{
		{"screen", http.MethodGet, "/api/v1/agent/screen", token, http.StatusOK},
		{"unauthenticated", http.MethodGet, "/api/v1/agent/screen", "", http.StatusUnauthorized},
		{"not found", http.MethodGet, "/nope", "", http.StatusNotFound},
		{"wrong method", http.MethodGet, "/api/v1/auth/login", "", http.StatusMethodNotAllowed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := f.call(t, tc.method, tc.path, nil, tc.token)
			require.Equal(t, tc.want, w.Code)
			h := w.Header()
			assert.Equal(t, "no-store", h.Get("Cache-Control"))
			assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-referrer", h.Get("Referrer-Policy"))
			assert.Equal(t, "DENY", h.Get("X-Frame-Options"))
			csp := h.Get("Content-Security-Policy")
			assert.True(t, strings.HasPrefix(csp, "default-src 'none'"), csp)
			assert.Contains(t, csp, "frame-ancestors 'none'")
		})
	}
}
