package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/routing/dispatch"
)

type revealRecorder struct {
	mu  sync.Mutex
	got []Reveal
	err error
}

func (r *revealRecorder) record(_ context.Context, v Reveal) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, v)
	return nil
}

func (r *revealRecorder) Got() []Reveal {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Reveal(nil), r.got...)
}

func TestReveal(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	rec := &revealRecorder{}
	require.NoError(t, WithReveals(rec.record)(f.srv))
	alice, bob := f.login(t, "alice"), f.login(t, "bob")
	pop := samplePop("call-r")
	pop.Context["balance"] = "$42.10"
	pop.Sensitive = []string{"balance"}
	pop.Subject, pop.Policy = "m_aaaaaaaaaaaaaaaaaaaa", "3"
	f.hub.Push("alice", pop)

	w := f.call(t, http.MethodPost, "/api/v1/agent/reveal", revealRequest{CallID: "call-r", Field: "balance"}, alice)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var got revealResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, revealResponse{CallID: "call-r", Field: "balance", Value: "$42.10"}, got)
	assert.Equal(t, []Reveal{{Agent: "alice", CallID: "call-r", Subject: "m_aaaaaaaaaaaaaaaaaaaa", Purpose: "scheduling", Field: "balance", Policy: "3"}}, rec.Got())
	assert.NotContains(t, f.logs.String(), "$42.10", "the value is never logged")

	for name, tc := range map[string]struct {
		token string
		body  revealRequest
		want  int
	}{
		"field not on the screen": {alice, revealRequest{CallID: "call-r", Field: "dob"}, http.StatusNotFound},
		"another call":            {alice, revealRequest{CallID: "call-x", Field: "balance"}, http.StatusNotFound},
		"another agent's screen":  {bob, revealRequest{CallID: "call-r", Field: "balance"}, http.StatusNotFound},
	} {
		t.Run(name, func(t *testing.T) {
			w := f.call(t, http.MethodPost, "/api/v1/agent/reveal", tc.body, tc.token)
			require.Equal(t, tc.want, w.Code)
			assert.NotContains(t, w.Body.String(), "$42.10")
		})
	}
	assert.Len(t, rec.Got(), 1, "refused reveals record nothing")

	rec.err = errors.New("disk full")
	w = f.call(t, http.MethodPost, "/api/v1/agent/reveal", revealRequest{CallID: "call-r", Field: "balance"}, alice)
	require.Equal(t, http.StatusServiceUnavailable, w.Code, "a reveal that cannot be recorded is refused")
	assert.NotContains(t, w.Body.String(), "$42.10")
}

func TestRevealWithoutRecorderIsRefused(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	alice := f.login(t, "alice")
	f.hub.Push("alice", samplePop("call-r"))
	w := f.call(t, http.MethodPost, "/api/v1/agent/reveal", revealRequest{CallID: "call-r", Field: "name"}, alice)
	require.Equal(t, http.StatusServiceUnavailable, w.Code)
}

func TestScreenLock(t *testing.T) {
	f := newFixture(t, Config{Demo: true, ScreenLock: 2 * time.Minute, IdleTimeout: 15 * time.Minute}, nil)
	alice := f.login(t, "alice")
	f.hub.Push("alice", samplePop("call-l"))

	w := f.call(t, http.MethodGet, "/api/v1/auth/session", nil, alice)
	require.Equal(t, http.StatusOK, w.Code)
	assert.JSONEq(t, `{"username":"alice","role":"agent","locked":false,"screen_lock_seconds":120,"idle_timeout_seconds":900}`, w.Body.String())

	f.clock.Advance(time.Minute)
	require.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/touch", nil, alice).Code, "activity")
	f.clock.Advance(time.Minute + 59*time.Second)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code, "touched 1m59s ago: unlocked")
	f.clock.Advance(2 * time.Minute)
	w = f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice)
	require.Equal(t, http.StatusLocked, w.Code, "2 minutes without activity lock the screen")
	assert.NotContains(t, w.Body.String(), "Maria")
	for _, path := range []string{"/api/v1/agent/events"} {
		assert.Equal(t, http.StatusLocked, f.call(t, http.MethodGet, path, nil, alice).Code, path)
	}
	assert.Equal(t, http.StatusLocked, f.call(t, http.MethodPost, "/api/v1/agent/reveal", revealRequest{CallID: "call-l", Field: "name"}, alice).Code)
	assert.Equal(t, http.StatusLocked, f.call(t, http.MethodPost, "/api/v1/auth/touch", nil, alice).Code, "activity does not unlock")
	w = f.call(t, http.MethodGet, "/api/v1/auth/session", nil, alice)
	assert.Contains(t, w.Body.String(), `"locked":true`)

	w = f.call(t, http.MethodPost, "/api/v1/auth/unlock", unlockRequest{Password: "wrong"}, alice)
	require.Equal(t, http.StatusUnauthorized, w.Code)
	assert.Contains(t, f.audit.Kinds(), AuditSignInFailed, "a wrong unlock password counts as a failed sign-in")
	require.Equal(t, http.StatusLocked, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code)

	require.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/unlock", unlockRequest{Password: "alice-demo-1"}, alice).Code)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code)

	require.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/lock", nil, alice).Code, "lock on demand")
	require.Equal(t, http.StatusLocked, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, alice).Code)

	f.clock.Advance(15 * time.Minute)
	require.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/auth/session", nil, alice).Code, "a locked session still ends at the idle logoff")
}

type fakeAccounting struct {
	entries []audit.Entry
	err     error
}

func (a fakeAccounting) Disclosures(_ context.Context, subject string) ([]audit.Entry, error) {
	var out []audit.Entry
	for _, e := range a.entries {
		if e.Subject == subject {
			out = append(out, e)
		}
	}
	return out, a.err
}

func TestDisclosuresForSupervisorsOnly(t *testing.T) {
	const subject = "m_aaaaaaaaaaaaaaaaaaaa"
	f := newFixture(t, Config{Demo: true}, nil)
	acc := fakeAccounting{entries: []audit.Entry{
		{Seq: 4, Kind: audit.KindDisclosure, Actor: "alice", CallID: "c1", Subject: subject, Purpose: "scheduling", Fields: []string{"name", "phone"}, Policy: "1"},
		{Seq: 9, Kind: audit.KindDisclosure, Actor: "bob", CallID: "c2", Subject: "m_bbbbbbbbbbbbbbbbbbbb", Fields: []string{"name"}},
	}}
	require.NoError(t, WithAccounting(acc)(f.srv))
	sam, alice, ada := f.login(t, "sam"), f.login(t, "alice"), f.login(t, "ada")

	w := f.call(t, http.MethodGet, "/api/v1/audit/disclosures?subject="+subject, nil, sam)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var got accountingResponse
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, subject, got.Subject)
	require.Len(t, got.Disclosures, 1)
	assert.Equal(t, "alice", got.Disclosures[0].Actor)
	assert.Equal(t, []string{"name", "phone"}, got.Disclosures[0].Fields)

	for _, tok := range []string{alice, ada} {
		assert.Equal(t, http.StatusForbidden, f.call(t, http.MethodGet, "/api/v1/audit/disclosures?subject="+subject, nil, tok).Code)
	}
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/audit/disclosures?subject="+subject, nil, "").Code)
	assert.Equal(t, http.StatusBadRequest, f.call(t, http.MethodGet, "/api/v1/audit/disclosures?subject=10001234", nil, sam).Code, "a member ID is not a subject")
	assert.NotContains(t, f.logs.String(), "10001234")

	require.NoError(t, WithAccounting(fakeAccounting{err: audit.ErrBroken})(f.srv))
	w = f.call(t, http.MethodGet, "/api/v1/audit/disclosures?subject="+subject, nil, sam)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "a broken ledger gives no accounting")
}

func TestPages(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	w := f.call(t, http.MethodGet, "/", nil, "")
	require.Equal(t, http.StatusFound, w.Code)
	assert.Equal(t, "/agent", w.Header().Get("Location"))
	w = f.call(t, http.MethodGet, "/agent", nil, "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `<script src="/ui/agent.js"`)
	csp := w.Header().Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.True(t, strings.HasPrefix(w.Header().Get("Content-Type"), "text/html"))
	for _, asset := range []string{"/ui/agent.js", "/ui/app.css"} {
		w := f.call(t, http.MethodGet, asset, nil, "")
		assert.Equal(t, http.StatusOK, w.Code, asset)
		assert.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	}
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/ui/nope.js", nil, "").Code)
	js := f.call(t, http.MethodGet, "/ui/agent.js", nil, "").Body.String()
	assert.NotContains(t, js, "innerHTML", "the page writes values with textContent only")
}

type fakeCallbacks []dispatch.Callback

func (f fakeCallbacks) List(context.Context, int64) ([]dispatch.Callback, error) { return f, nil }

func TestCallbacksForSupervisorsOnly(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	require.NoError(t, WithCallbacks(fakeCallbacks{{ID: "1-0", Queue: "billing", CallID: "c1", To: "on_file", Subject: "m_aaaaaaaaaaaaaaaaaaaa"}})(f.srv))
	sam, alice := f.login(t, "sam"), f.login(t, "alice")
	w := f.call(t, http.MethodGet, "/api/v1/queues/callbacks", nil, sam)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `"queue":"billing"`)
	assert.Equal(t, http.StatusForbidden, f.call(t, http.MethodGet, "/api/v1/queues/callbacks", nil, alice).Code)
}
