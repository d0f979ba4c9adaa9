package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/routing/agents"
)

// t0 is the tests' starting time.
var t0 = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // test constant

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// statusCall is one Presence.SetStatus call.
type statusCall struct {
	Username string
	Status   Status
	At       time.Time
}

// presenceRecorder records SetStatus calls and fails them with err.
type presenceRecorder struct {
	mu    sync.Mutex
	calls []statusCall
	err   error
}

func (p *presenceRecorder) SetStatus(_ context.Context, username string, s Status, at time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, statusCall{username, s, at})
	return p.err
}

func (p *presenceRecorder) Calls() []statusCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]statusCall(nil), p.calls...)
}

// auditEntry is one audit hook call.
type auditEntry struct {
	Kind, Actor string
	Detail      map[string]string
}

type auditRecorder struct {
	mu      sync.Mutex
	entries []auditEntry
}

func (a *auditRecorder) record(kind, actor string, detail map[string]string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, auditEntry{kind, actor, detail})
}

func (a *auditRecorder) Kinds() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, e := range a.entries {
		out = append(out, e.Kind)
	}
	return out
}

func (a *auditRecorder) Entries() []auditEntry {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]auditEntry(nil), a.entries...)
}

// syncBuffer is a bytes.Buffer safe for a logger and a test to share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fixture is a Server with its fakes.
type fixture struct {
	srv      *Server
	h        http.Handler
	hub      *Hub
	clock    *fakeClock
	presence *presenceRecorder
	audit    *auditRecorder
	logs     *syncBuffer
}

// demoDir returns the demo directory, with edit applied to a copy.
func demoDir(t *testing.T, edit func([]agents.Agent) []agents.Agent) []agents.Agent {
	t.Helper()
	dir, err := agents.LoadDemo()
	require.NoError(t, err)
	if edit != nil {
		dir = edit(dir)
	}
	return dir
}

// newFixture returns a Server over dir (the demo directory when nil) with
// a fake clock, recorders and debug logs captured, and opts.
func newFixture(t *testing.T, cfg Config, dir []agents.Agent, opts ...Option) *fixture {
	t.Helper()
	if dir == nil {
		dir = demoDir(t, nil)
	}
	f := &fixture{hub: NewHub(), clock: &fakeClock{now: t0}, presence: &presenceRecorder{}, audit: &auditRecorder{}, logs: &syncBuffer{}}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts = append([]Option{WithLogger(logger), WithClock(f.clock.Now), WithAudit(f.audit.record)}, opts...)
	srv, err := New(cfg, dir, f.hub, f.presence, opts...)
	require.NoError(t, err)
	f.srv, f.h = srv, srv.Handler()
	return f
}

// call serves one request; body (if not nil) is sent as JSON.
func (f *fixture) call(t *testing.T, method, path string, body any, token string) *httptest.ResponseRecorder {
	t.Helper()
	var r *http.Request
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = httptest.NewRequest(method, path, bytes.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// login signs username in with the demo password and returns the token.
func (f *fixture) login(t *testing.T, username string) string {
	t.Helper()
	w := f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: username, Password: username + "-demo-1"}, "")
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var resp loginResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &resp))
	require.NotEmpty(t, resp.Token)
	return resp.Token
}

// errorOf decodes an {"error": ...} body.
func errorOf(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	var e errorBody
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &e), w.Body.String())
	return e.Error
}

// checkFor polls fn every step until it holds or total passes.
func checkFor(t *testing.T, total, step time.Duration, fn func() bool) {
	t.Helper()
	deadline := time.Now().Add(total)
	for !fn() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", total)
		}
		time.Sleep(step)
	}
}

// samplePop is a screen pop whose context values are PHI-like.
func samplePop(callID string) ScreenPop {
	return ScreenPop{
		CallID: callID, VerificationLevel: "full", CallerRole: "self", Purpose: "scheduling",
		RecordingConsent: "granted", Restrictions: []string{"contact-mobile-only"},
		Context: map[string]string{"name": "Maria Lopez", "phone": "+1-555-0100", "appointments": "2026-07-01 cardiology"},
	}
}

// containsAny reports which of needles occur in s.
func containsAny(s string, needles ...string) []string {
	var found []string
	for _, n := range needles {
		if strings.Contains(s, n) {
			found = append(found, n)
		}
	}
	return found
}
