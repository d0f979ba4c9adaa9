package web

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sse is a test client's view of one event stream.
type sse struct {
	resp *http.Response
	r    *bufio.Reader
}

// sseEvent is one event, or a comment when kind is ":".
type sseEvent struct {
	kind, data string
}

// openStream connects to the event stream of ts with token as cookie.
// The stream is bounded by a 10 s context.
func openStream(t *testing.T, ts *httptest.Server, token string) *sse {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/api/v1/agent/events", nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	s := &sse{resp: resp, r: bufio.NewReader(resp.Body)}
	// The retry line comes after the subscription: pushes from now on are seen.
	line, err := s.r.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "retry: 3000\n", line)
	_, err = s.r.ReadString('\n')
	require.NoError(t, err)
	return s
}

// next reads one event or comment; err is io.EOF when the stream ended.
func (s *sse) next() (sseEvent, error) {
	var e sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			return e, err
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if e.kind != "" {
				return e, nil
			}
		case strings.HasPrefix(line, ":"):
			e.kind, e.data = ":", strings.TrimSpace(line[1:])
		case strings.HasPrefix(line, "event: "):
			e.kind = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			e.data = strings.TrimPrefix(line, "data: ")
		}
	}
}

// nextEvent reads until an event that is not a comment.
func (s *sse) nextEvent(t *testing.T) sseEvent {
	t.Helper()
	for {
		e, err := s.next()
		require.NoError(t, err)
		if e.kind != ":" {
			return e
		}
	}
}

// ends waits for the server to end the stream.
func (s *sse) ends(t *testing.T) {
	t.Helper()
	for {
		_, err := s.next()
		if err != nil {
			require.ErrorIs(t, err, io.EOF, "the server ended the stream (not the test's deadline)")
			return
		}
	}
}

func decodePop(t *testing.T, data string) ScreenPop {
	t.Helper()
	var p ScreenPop
	require.NoError(t, json.Unmarshal([]byte(data), &p))
	return p
}

func TestEvents(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	f.srv.heartbeat = 20 * time.Millisecond
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	alice, bob := f.login(t, "alice"), f.login(t, "bob")
	f.hub.Push("alice", samplePop("call-1"))

	s := openStream(t, ts, alice)
	e := s.nextEvent(t)
	require.Equal(t, "pop", e.kind, "the current pop comes first")
	assert.Equal(t, samplePop("call-1").clone(), decodePop(t, e.data))

	f.hub.Push("bob", ScreenPop{CallID: "bob-call", Context: map[string]string{"lab_results": "A1C 6.1"}})
	f.hub.Push("alice", ScreenPop{CallID: "call-2"})
	e = s.nextEvent(t)
	require.Equal(t, "pop", e.kind)
	assert.Equal(t, "call-2", decodePop(t, e.data).CallID, "alice never gets bob's pop")
	assert.JSONEq(t, `{"call_id":"call-2","verification_level":"","caller_role":"","purpose":"","recording_consent":"","restrictions":[],"flags":[],"context":{},"sensitive":[]}`, e.data)

	f.hub.Clear("alice", "call-1") // not current: nothing
	f.hub.Clear("alice", "call-2")
	e = s.nextEvent(t)
	assert.Equal(t, sseEvent{"clear", `{"call_id":"call-2"}`}, e)

	hb, err := s.next()
	require.NoError(t, err)
	assert.Equal(t, sseEvent{":", "heartbeat"}, hb)

	// The stream did not keep the session alive, and ends with it.
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, alice).Code)
	s.ends(t)
	assert.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, bob).Code, "bob's session is untouched")
}

func TestEventsNoCurrentPop(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	f.srv.heartbeat = 20 * time.Millisecond
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	s := openStream(t, ts, f.login(t, "sam"))
	e, err := s.next()
	require.NoError(t, err)
	assert.Equal(t, ":", e.kind, "nothing but heartbeats until a pop")
	f.hub.Push("sam", samplePop("esc-1"))
	assert.Equal(t, "esc-1", decodePop(t, s.nextEvent(t).data).CallID)
}

// The stream neither refreshes the session (not even when it opens) nor
// outlives it: it ends at the idle timeout, and its agent goes offline.
func TestEventsIdleTimeout(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: time.Minute}, nil)
	f.srv.heartbeat = 20 * time.Millisecond
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	token := f.login(t, "alice")
	f.clock.Advance(30 * time.Second)
	s := openStream(t, ts, token)
	hb, err := s.next()
	require.NoError(t, err)
	require.Equal(t, ":", hb.kind)
	f.clock.Advance(30 * time.Second)
	s.ends(t)
	assert.Equal(t, []statusCall{{"alice", StatusOffline, t0.Add(time.Minute)}}, f.presence.Calls())
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token).Code)
}

// When Run stops, streams end (so http.Server.Shutdown can finish) and no
// new ones start; sessions stay valid.
func TestEventsRunStops(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	token := f.login(t, "alice")
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- f.srv.Run(ctx) }()

	s := openStream(t, ts, token)
	cancel()
	require.NoError(t, <-done)
	s.ends(t)
	w := f.call(t, http.MethodGet, "/api/v1/agent/events", nil, token)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token).Code)
}

// The server's handler returns when the client goes away.
func TestEventsClientGone(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	token := f.login(t, "alice")
	ctx, cancel := context.WithCancel(t.Context())
	r := httptest.NewRequestWithContext(ctx, http.MethodGet, "/api/v1/agent/events", nil)
	r.Header.Set("Authorization", "Bearer "+token)
	w := httptest.NewRecorder()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		f.h.ServeHTTP(w, r)
	}()
	checkFor(t, 5*time.Second, 5*time.Millisecond, func() bool {
		f.hub.mu.Lock()
		defer f.hub.mu.Unlock()
		return len(f.hub.subs["alice"]) == 1
	})
	cancel()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		t.Fatal("handler did not return")
	}
	f.hub.mu.Lock()
	defer f.hub.mu.Unlock()
	assert.Empty(t, f.hub.subs, "unsubscribed")
}

// Logs carry usernames and outcomes, never passwords, tokens, codes or
// screen-pop context.
func TestNoSecretsOrPHIInLogs(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	f.srv.heartbeat = 20 * time.Millisecond
	ts := httptest.NewServer(f.h)
	t.Cleanup(ts.Close)
	token := f.login(t, "alice")
	f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "alice", Password: "Tr0ub4dor&3"}, "")
	f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "correct horse battery", Password: "x"}, "")
	f.call(t, http.MethodPost, "/api/v1/agent/status", statusRequest{Status: StatusAvailable}, token)

	pop := samplePop("call-9")
	pop.Context["dob"] = "04/12/1980"
	f.hub.Push("alice", pop)
	s := openStream(t, ts, token)
	assert.Equal(t, "pop", s.nextEvent(t).kind)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/agent/screen", nil, token).Code)
	f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, token)
	s.ends(t)

	logs := f.logs.String()
	require.Contains(t, logs, `"username":"alice"`)
	require.Contains(t, logs, `"outcome":"ok"`)
	require.Contains(t, logs, `"outcome":"bad_credentials"`)
	secrets := []string{"alice-demo-1", "Tr0ub4dor&3", "correct horse", token}
	for _, v := range pop.Context {
		secrets = append(secrets, v)
	}
	assert.Empty(t, containsAny(logs, secrets...))
	for _, e := range f.audit.Entries() {
		for _, v := range e.Detail {
			assert.Empty(t, containsAny(v, secrets...), e.Kind)
		}
	}
}
