package web

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
)

// ledgerRecorder is a FlowLedger that keeps the changes, and refuses
// comments containing "refuse" in Check and every Record while failing.
type ledgerRecorder struct {
	mu      sync.Mutex
	changes []flows.Change
	actors  []string
	failing bool
}

func (l *ledgerRecorder) Check(_, _, comment string) error {
	if strings.Contains(comment, "refuse") {
		return errors.New("detail refused")
	}
	return nil
}

func (l *ledgerRecorder) Record(_ context.Context, actor string, ch flows.Change) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failing {
		return errors.New("disk full")
	}
	l.changes = append(l.changes, ch)
	l.actors = append(l.actors, actor)
	return nil
}

func (l *ledgerRecorder) Changes() []flows.Change {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]flows.Change(nil), l.changes...)
}

// flowFixture is a fixture whose server administers flows over a
// MemStore with member-services as version 1.
type flowFixture struct {
	*fixture
	cat    *flows.Catalog
	ledger *ledgerRecorder
}

func newFlowFixture(t *testing.T) *flowFixture {
	t.Helper()
	cat, err := flows.NewCatalog(flows.CatalogConfig{Store: flows.NewMemStore()})
	require.NoError(t, err)
	_, err = cat.Seed(context.Background(), demo.Sources()["member-services"], "callgate", "startup", t0)
	require.NoError(t, err)
	f := &fixture{hub: NewHub(), clock: &fakeClock{now: t0}, presence: &presenceRecorder{}, audit: &auditRecorder{}, logs: &syncBuffer{}}
	l := &ledgerRecorder{}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Config{Demo: true}, demoDir(t, nil), f.hub, f.presence, WithLogger(logger), WithClock(f.clock.Now),
		WithAudit(f.audit.record), WithFlows(cat, l))
	require.NoError(t, err)
	f.srv, f.h = srv, srv.Handler()
	return &flowFixture{fixture: f, cat: cat, ledger: l}
}

func memberServices() string { return string(demo.Sources()["member-services"]) }

// lineOf returns the 1-based line of the first occurrence of needle.
func lineOf(src, needle string) int {
	return 1 + strings.Count(src[:strings.Index(src, needle)], "\n")
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(body, &v), string(body))
	return v
}

type apiFlowErrors struct {
	Error  string      `json:"error"`
	Errors []flowError `json:"errors"`
	Valid  bool        `json:"valid"`
}

func TestFlowRoutesAreAdminOnly(t *testing.T) {
	f := newFlowFixture(t)
	tokens := map[string]string{}
	for _, u := range []string{"alice", "bob", "sam", "otto", "ada"} {
		tokens[u] = f.login(t, u)
	}
	for _, route := range FlowRoutes() {
		method, path, _ := strings.Cut(route, " ")
		path = strings.ReplaceAll(path, "{id}", "member-services")
		var body any
		switch {
		case strings.HasSuffix(path, "/draft") && method == http.MethodPut, strings.HasSuffix(path, "/validate"):
			body = map[string]string{"source": memberServices()}
		case strings.HasSuffix(path, "/rollback"):
			body = map[string]int{"version": 1}
		case strings.HasSuffix(path, "/publish"):
			body = map[string]string{"comment": "x"}
		}
		t.Run(route, func(t *testing.T) {
			for _, u := range []string{"alice", "bob", "sam", "otto"} {
				w := f.call(t, method, path, body, tokens[u])
				assert.Equal(t, http.StatusForbidden, w.Code, "%s: %s", u, w.Body.String())
				assert.NotContains(t, w.Body.String(), "consent", "nothing of the flow leaks")
			}
			w := f.call(t, method, path, body, "")
			assert.Equal(t, http.StatusUnauthorized, w.Code)
			w = f.call(t, method, path, body, tokens["ada"])
			assert.NotEqual(t, http.StatusForbidden, w.Code, "ada is an admin")
			assert.NotEqual(t, http.StatusUnauthorized, w.Code)
		})
	}
	assert.Empty(t, f.ledger.Changes(), "no forbidden request changed anything")
}

func TestFlowDraftPublishRollback(t *testing.T) {
	f := newFlowFixture(t)
	ada := f.login(t, "ada")

	// The list and the live version.
	w := f.call(t, http.MethodGet, "/api/v1/flows", nil, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	list := decode[struct{ Flows []flowSummary }](t, w.Body.Bytes())
	require.Len(t, list.Flows, 1)
	assert.Equal(t, "member-services", list.Flows[0].ID)
	assert.Equal(t, 1, list.Flows[0].LiveVersion)
	assert.Equal(t, "none", list.Flows[0].Draft)
	w = f.call(t, http.MethodGet, "/api/v1/flows/member-services", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	got := decode[map[string]any](t, w.Body.Bytes())
	assert.Equal(t, "member-services", got["id"])
	assert.InDelta(t, 1, got["version"], 0)
	assert.Equal(t, memberServices(), got["source"])

	// A draft with an error: 422 with the line; nothing saved.
	bad := strings.Replace(memberServices(), "    next: role\n", "    next: rol\n", 1)
	w = f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": bad}, ada)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code, w.Body.String())
	errs := decode[apiFlowErrors](t, w.Body.Bytes())
	assert.Equal(t, "invalid flow", errs.Error)
	require.NotEmpty(t, errs.Errors)
	assert.Equal(t, lineOf(bad, "next: rol\n"), errs.Errors[0].Line, "the first problem is the typo, at its line")
	assert.Equal(t, 5, errs.Errors[0].Column)
	assert.Contains(t, errs.Errors[0].Message, `did you mean "role"`)
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/api/v1/flows/member-services/draft", nil, ada).Code, "nothing saved")

	// Validate without saving.
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/validate", map[string]string{"source": bad}, ada)
	require.Equal(t, http.StatusOK, w.Code)
	v := decode[apiFlowErrors](t, w.Body.Bytes())
	assert.False(t, v.Valid)
	assert.Equal(t, errs.Errors, v.Errors, "validate says what a save would")

	// A good draft, its diff, publish.
	good := strings.Replace(memberServices(), "    timeout: 5s\n    next: role\n", "    timeout: 7s\n    next: role\n", 1)
	w = f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": good}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Contains(t, f.logs.String(), `"msg":"flow draft saved"`)
	w = f.call(t, http.MethodGet, "/api/v1/flows/member-services/diff", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	diff := decode[map[string]any](t, w.Body.Bytes())
	assert.Equal(t, true, diff["draft"])
	assert.Contains(t, diff["diff"], "-    timeout: 5s\n+    timeout: 7s\n")
	assert.Empty(t, f.ledger.Changes(), "draft saves are not ledger entries")

	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", map[string]any{"comment": "longer window", "expect_live": 2}, ada)
	assert.Equal(t, http.StatusConflict, w.Code, "stale")
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", map[string]any{"comment": "refuse me"}, ada)
	assert.Equal(t, http.StatusBadRequest, w.Code, "the ledger would refuse it: nothing changes")
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", map[string]any{"comment": "member 10001234"}, ada)
	assert.Equal(t, http.StatusBadRequest, w.Code, "PHI-like comment")
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", map[string]any{"comment": "longer window", "expect_live": 1}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	pub := decode[changeBody](t, w.Body.Bytes())
	assert.Equal(t, 2, pub.Version)
	assert.Equal(t, 1, pub.BeforeVersion)
	assert.Equal(t, flows.SourceSHA256([]byte(good)), pub.SHA256)
	assert.Equal(t, flows.SourceSHA256([]byte(memberServices())), pub.BeforeSHA256)
	assert.Equal(t, "ada", pub.Author)
	live, err := f.cat.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, 2, live.Version, "live for new calls at once")

	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", nil, ada)
	assert.Equal(t, http.StatusConflict, w.Code, "no draft left")

	// Rollback.
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/rollback", map[string]int{"version": 1}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	rb := decode[changeBody](t, w.Body.Bytes())
	assert.Equal(t, 3, rb.Version)
	assert.Equal(t, 1, rb.RollbackOf)
	assert.Equal(t, "rollback to version 1", rb.Comment)
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/rollback", map[string]int{"version": 7}, ada)
	assert.Equal(t, http.StatusNotFound, w.Code)

	// History, newest first; the ledger has each change.
	w = f.call(t, http.MethodGet, "/api/v1/flows/member-services/versions", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	hist := decode[struct {
		LiveVersion int           `json:"live_version"`
		Versions    []flowVersion `json:"versions"`
	}](t, w.Body.Bytes())
	assert.Equal(t, 3, hist.LiveVersion)
	require.Len(t, hist.Versions, 3)
	assert.Equal(t, []int{3, 2, 1}, []int{hist.Versions[0].Version, hist.Versions[1].Version, hist.Versions[2].Version})
	assert.Equal(t, "longer window", hist.Versions[1].Comment)
	assert.Nil(t, hist.Versions[0].Source, "the history carries no sources")
	changes := f.ledger.Changes()
	require.Len(t, changes, 2)
	assert.Equal(t, 2, changes[0].Version)
	assert.Equal(t, 1, changes[1].RollbackOf)
	assert.Equal(t, flows.SourceSHA256([]byte(good)), changes[1].Before.SHA256)

	w = f.call(t, http.MethodGet, "/api/v1/flows/member-services?version=2", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, good, decode[map[string]any](t, w.Body.Bytes())["source"])
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/api/v1/flows/member-services?version=9", nil, ada).Code)
	assert.Equal(t, http.StatusBadRequest, f.call(t, http.MethodGet, "/api/v1/flows/member-services?version=x", nil, ada).Code)
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/api/v1/flows/intake", nil, ada).Code)
	assert.Equal(t, http.StatusBadRequest, f.call(t, http.MethodGet, "/api/v1/flows/Bad_Id", nil, ada).Code)
}

func TestFlowNewFlowByDraft(t *testing.T) {
	f := newFlowFixture(t)
	ada := f.login(t, "ada")
	src := strings.Replace(memberServices(), "id: member-services", "id: intake", 1)
	w := f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": src}, ada)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code, "the source's id must be the route's")
	e := decode[apiFlowErrors](t, w.Body.Bytes())
	require.Len(t, e.Errors, 1)
	assert.Equal(t, lineOf(src, "id: intake"), e.Errors[0].Line)

	w = f.call(t, http.MethodPut, "/api/v1/flows/intake/draft", map[string]string{"source": src}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	w = f.call(t, http.MethodGet, "/api/v1/flows", nil, ada)
	list := decode[struct{ Flows []flowSummary }](t, w.Body.Bytes())
	require.Len(t, list.Flows, 2)
	assert.Equal(t, "intake", list.Flows[0].ID)
	assert.Equal(t, "new", list.Flows[0].Draft)
	assert.Equal(t, 0, list.Flows[0].LiveVersion)
	w = f.call(t, http.MethodGet, "/api/v1/flows/intake/diff", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, decode[map[string]any](t, w.Body.Bytes())["diff"], "+id: intake\n")
	w = f.call(t, http.MethodPost, "/api/v1/flows/intake/publish", map[string]any{"comment": "new line", "expect_live": 0}, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, 1, decode[changeBody](t, w.Body.Bytes()).Version)

	w = f.call(t, http.MethodPut, "/api/v1/flows/intake/draft", map[string]string{"source": src + "# more\n"}, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, http.StatusNoContent, f.call(t, http.MethodDelete, "/api/v1/flows/intake/draft", nil, ada).Code)
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/api/v1/flows/intake/draft", nil, ada).Code)
}

func TestFlowBodies(t *testing.T) {
	f := newFlowFixture(t)
	ada := f.login(t, "ada")
	big := memberServices() + strings.Repeat("# padding to go past the 4 KiB API body limit\n", 800)
	require.Greater(t, len(big), 8*maxBody)
	w := f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": big}, ada)
	assert.Equal(t, http.StatusOK, w.Code, "flow sources may be far larger than other bodies")
	huge := "id: member-services\n" + strings.Repeat("#", flows.MaxSourceSize)
	w = f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": huge}, ada)
	require.Equal(t, http.StatusUnprocessableEntity, w.Code)
	assert.Contains(t, decode[apiFlowErrors](t, w.Body.Bytes()).Errors[0].Message, "at most")
	w = f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{}, ada)
	assert.Equal(t, http.StatusBadRequest, w.Code, "source is required")
	w = f.call(t, http.MethodPost, "/api/v1/flows/member-services/rollback", map[string]int{"version": 0}, ada)
	assert.Equal(t, http.StatusBadRequest, w.Code)
}

func TestFlowPublishLedgerFailure(t *testing.T) {
	f := newFlowFixture(t)
	ada := f.login(t, "ada")
	good := strings.Replace(memberServices(), "    timeout: 5s\n    next: role\n", "    timeout: 7s\n    next: role\n", 1)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": good}, ada).Code)
	f.ledger.mu.Lock()
	f.ledger.failing = true
	f.ledger.mu.Unlock()
	w := f.call(t, http.MethodPost, "/api/v1/flows/member-services/publish", nil, ada)
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Contains(t, f.logs.String(), "NOT recorded in the audit ledger", "an operator sees it")
}

func TestFlowGraphSVG(t *testing.T) {
	f := newFlowFixture(t)
	ada := f.login(t, "ada")
	w := f.call(t, http.MethodGet, "/api/v1/flows/member-services/graph.svg", nil, ada)
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	assert.Equal(t, "image/svg+xml", w.Header().Get("Content-Type"))
	assert.Contains(t, w.Header().Get("Content-Security-Policy"), "default-src 'none'")
	body := w.Body.String()
	assertWellFormed(t, body)
	live, err := f.cat.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, len(live.Nodes), strings.Count(body, `<g class="node"`), "every node is drawn")
	assert.Contains(t, body, `data-node="consent"`)
	assert.Contains(t, body, `<g class="edge" data-from="consent" data-to="role">`)
	for _, banned := range []string{"<script", "<style", "href", "<foreignObject", "on"} {
		if banned == "on" {
			assert.NotRegexp(t, `\son[a-z]+=`, body)
			continue
		}
		assert.NotContains(t, body, banned)
	}
	assert.Equal(t, body, f.call(t, http.MethodGet, "/api/v1/flows/member-services/graph.svg", nil, ada).Body.String(), "deterministic")

	// Values are escaped: a branch case value with markup in it.
	src := strings.Replace(memberServices(), "id: member-services", "id: esc", 1)
	src = strings.Replace(src, "description: >-", "description: >-\n  <script>alert(1)</script>", 1)
	require.Equal(t, http.StatusOK, f.call(t, http.MethodPut, "/api/v1/flows/esc/draft", map[string]string{"source": src}, ada).Code)
	w = f.call(t, http.MethodGet, "/api/v1/flows/esc/graph.svg?draft=1", nil, ada)
	require.Equal(t, http.StatusOK, w.Code)
	assertWellFormed(t, w.Body.String())
	assert.Equal(t, http.StatusNotFound, f.call(t, http.MethodGet, "/api/v1/flows/member-services/graph.svg?draft=1", nil, ada).Code)
}

func TestRenderGraphEscapes(t *testing.T) {
	g := flows.Graph{ID: `x"<&>`, Version: 1, Entry: "a", Layers: 2, Width: 1,
		Nodes: []flows.GraphNode{{Name: "a", Kind: `<script>`, Layer: 0}, {Name: `b"><x`, Kind: flows.KindHangup, Layer: 1}},
		Edges: []flows.GraphEdge{{From: "a", To: `b"><x`, Label: `</text><script>`}}}
	svg := string(renderGraph(g))
	assertWellFormed(t, svg)
	assert.NotContains(t, svg, "<script")
	assert.Contains(t, svg, "&lt;script&gt;")
}

// assertWellFormed checks s is one well-formed XML document.
func assertWellFormed(t *testing.T, s string) {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		require.NoError(t, err, s)
	}
}

func TestAdminPageServed(t *testing.T) {
	f := newFlowFixture(t)
	w := f.call(t, http.MethodGet, "/admin", nil, "")
	require.Equal(t, http.StatusOK, w.Code)
	assert.Contains(t, w.Body.String(), `<script src="/ui/admin.js"`)
	csp := w.Header().Get("Content-Security-Policy")
	assert.Contains(t, csp, "script-src 'self'")
	assert.NotContains(t, csp, "unsafe-inline")
	assert.NotContains(t, w.Body.String(), "<script>", "no inline script")
	assert.NotContains(t, w.Body.String(), "style=", "no inline style")
	for _, asset := range []string{"/ui/admin.js", "/ui/admin.css"} {
		w = f.call(t, http.MethodGet, asset, nil, "")
		assert.Equal(t, http.StatusOK, w.Code, asset)
	}
	js := f.call(t, http.MethodGet, "/ui/admin.js", nil, "").Body.String()
	assert.NotContains(t, js, "innerHTML", "values only through textContent")
	assert.NotContains(t, js, "insertAdjacentHTML")
	assert.NotContains(t, js, "eval(")
}
