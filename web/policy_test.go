package web

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/policy"
	"github.com/callgate/callgate/routing/policyadmin"
)

// policyFixture is a Server administering the demo policy (version 1)
// over a MemStore.
func policyFixture(t *testing.T) (*fixture, *policyadmin.Catalog, *ledgerRecorder) {
	t.Helper()
	cat, err := policyadmin.New(policyadmin.Config{Store: flows.NewMemStore()})
	require.NoError(t, err)
	_, err = cat.Seed(context.Background(), policy.DemoSource(), "callgate", "startup", t0)
	require.NoError(t, err)
	f := &fixture{hub: NewHub(), clock: &fakeClock{now: t0}, presence: &presenceRecorder{}, audit: &auditRecorder{}, logs: &syncBuffer{}}
	l := &ledgerRecorder{}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Config{Demo: true}, demoDir(t, nil), f.hub, f.presence, WithLogger(logger), WithClock(f.clock.Now),
		WithPolicy(cat, l))
	require.NoError(t, err)
	f.srv, f.h = srv, srv.Handler()
	return f, cat, l
}

func TestPolicyRoutesAreAdminOnly(t *testing.T) {
	f, _, l := policyFixture(t)
	tokens := map[string]string{}
	for _, u := range []string{"alice", "sam", "otto", "ada"} {
		tokens[u] = f.login(t, u)
	}
	for _, route := range PolicyRoutes() {
		method, path, _ := strings.Cut(route, " ")
		body := map[string]any{"source": string(policy.DemoSource())}
		if strings.HasSuffix(path, "/rollback") {
			body = map[string]any{"version": 1}
		} else if strings.HasSuffix(path, "/publish") {
			body = map[string]any{"comment": "x"}
		}
		for _, u := range []string{"alice", "sam", "otto"} {
			w := f.call(t, method, path, body, tokens[u])
			assert.Equal(t, http.StatusForbidden, w.Code, "%s %s", u, route)
			assert.NotContains(t, w.Body.String(), "lab_results")
		}
		assert.Equal(t, http.StatusUnauthorized, f.call(t, method, path, body, "").Code, route)
		w := f.call(t, method, path, body, tokens["ada"])
		assert.NotContains(t, []int{http.StatusUnauthorized, http.StatusForbidden}, w.Code, route)
	}
	assert.Empty(t, l.Changes())
}

func TestPolicyDraftPublish(t *testing.T) {
	f, cat, l := policyFixture(t)
	ada := f.login(t, "ada")
	w := f.call(t, http.MethodGet, "/api/v1/policy", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	live := decode[map[string]any](t, w.Body.Bytes())
	assert.Equal(t, "default", live["id"])
	assert.InDelta(t, 1, live["version"], 0)
	assert.Equal(t, string(policy.DemoSource()), live["source"])

	src := strings.Replace(string(policy.DemoSource()), "scheduling: [name, phone, appointments]", "scheduling: [name, appointments]", 1)
	bad := strings.Replace(src, "scheduling: [name, appointments]", "scheduling: [name, appointment]", 1)
	w = f.call(t, http.MethodPut, "/api/v1/policy/draft", map[string]string{"source": bad}, ada)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code, w.Body.String())
	e := decode[apiFlowErrors](t, w.Body.Bytes())
	require.Len(t, e.Errors, 1)
	assert.Equal(t, lineOf(bad, "appointment]"), e.Errors[0].Line)
	assert.Contains(t, e.Errors[0].Message, `"appointment"`)

	w = f.call(t, http.MethodPost, "/api/v1/policy/validate", map[string]string{"source": src}, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assert.True(t, decode[apiFlowErrors](t, w.Body.Bytes()).Valid)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodPut, "/api/v1/policy/draft", map[string]string{"source": src}, ada).Code)
	w = f.call(t, http.MethodGet, "/api/v1/policy/diff", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, decode[map[string]any](t, w.Body.Bytes())["diff"], "+      scheduling: [name, appointments]\n")
	w = f.call(t, http.MethodPost, "/api/v1/policy/publish", map[string]any{"comment": "no phone for scheduling", "expect_live": 1}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, 2, decode[changeBody](t, w.Body.Bytes()).Version)
	_, v, err := cat.Live(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 2, v)
	require.Len(t, l.Changes(), 1)
	assert.Equal(t, "default", l.Changes()[0].ID)
	assert.Contains(t, f.logs.String(), `"msg":"policy draft saved"`)
	assert.Contains(t, f.logs.String(), `"msg":"policy publish"`)

	w = f.call(t, http.MethodPost, "/api/v1/policy/rollback", map[string]int{"version": 1}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = f.call(t, http.MethodGet, "/api/v1/policy/versions", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	hist := decode[struct {
		LiveVersion int `json:"live_version"`
	}](t, w.Body.Bytes())
	assert.Equal(t, 3, hist.LiveVersion)
}
