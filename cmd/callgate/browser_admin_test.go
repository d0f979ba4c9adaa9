package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/web/webtest"
)

// selectInSource focuses the editor and selects the first occurrence of
// needle (from its offset skip characters on, length n), as a person
// would with the mouse, so that the keys typed next replace it.
func selectInSource(t *testing.T, ctx context.Context, needle string, skip, n int) {
	t.Helper()
	js := `(() => { const ta = document.getElementById('source'); ta.focus();
	  const i = ta.value.indexOf(` + strconv.Quote(needle) + `); if (i < 0) return -1;
	  ta.setSelectionRange(i + ` + strconv.Itoa(skip) + `, i + ` + strconv.Itoa(skip+n) + `); return i; })()`
	require.GreaterOrEqual(t, evalJS[int](t, ctx, js), 0, "found %q in the editor", needle)
}

// pageFlows is the flow list as the page shows it.
type pageFlow struct {
	ID    string `json:"id"`
	Live  string `json:"live"`
	Draft string `json:"draft"`
}

const pageFlowsJS = `Array.from(document.querySelectorAll('#flow-rows tr:not([data-flow="disclosure-policy"])')).map(tr => ({id: tr.dataset.flow, live: tr.dataset.live, draft: tr.dataset.draft}))`

// apiFlows is GET /api/v1/flows as the page would list it.
func apiFlows(t *testing.T, c *apiClient) []pageFlow {
	t.Helper()
	code, body := c.do(http.MethodGet, "/api/v1/flows", nil)
	require.Equal(t, http.StatusOK, code)
	var out struct {
		Flows []struct {
			ID          string `json:"id"`
			LiveVersion int    `json:"live_version"`
			Draft       string `json:"draft"`
		} `json:"flows"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	var fl []pageFlow
	for _, f := range out.Flows {
		fl = append(fl, pageFlow{ID: f.ID, Live: strconv.Itoa(f.LiveVersion), Draft: f.Draft})
	}
	return fl
}

// TestBrowserAdminPage drives the admin page in headless Chromium against
// a served instance: sign in as ada, see the flow list the API lists, type
// an error in the editor and see it at its line (the line the API gives),
// fix it, save a draft and see the diff, publish with a comment and see
// the new version in the history the API returns, see the graph, roll
// back from the history; the ledger has both changes. An agent gets the
// "admins only" page and no flow.
func TestBrowserAdminPage(t *testing.T) {
	ctx := webtest.Browser(t, 2*time.Minute)
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, logs, _ := startApp(t, "--ledger", ledgerPath)
	base := "http://" + app.httpLn.Addr().String()
	ada := signIn(t, base, "ada")
	src := string(demo.Sources()["member-services"])

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/admin"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#username"), "ada"),
		chromedp.SendKeys(chromedp.CSS("#password"), "ada-demo-1"),
		chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#workspace")),
		chromedp.WaitVisible(chromedp.CSS(`#flow-rows tr[data-flow="member-services"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#validity[data-valid="true"]`)),
	))
	assert.Equal(t, apiFlows(t, ada), evalJS[[]pageFlow](t, ctx, pageFlowsJS), "the page lists what the API lists")
	assert.Equal(t, "member-services", evalJS[string](t, ctx, `document.getElementById('flow-title').textContent`))
	assert.Equal(t, src, evalJS[string](t, ctx, `document.getElementById('source').value`), "the editor holds the live source")

	// Type an error: "next: role" becomes "next: rol".
	selectInSource(t, ctx, "    next: role\n", len("    next: "), len("role"))
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("rol")))
	line := 1 + strings.Count(src[:strings.Index(src, "    next: role\n")], "\n")
	sel := `#errors li[data-line="` + strconv.Itoa(line) + `"]`
	require.NoError(t, chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#validity[data-valid="false"]`)),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	), "the error shows at its line")
	firstErr := evalJS[string](t, ctx, `document.querySelector('#errors li').textContent`)
	assert.True(t, strings.HasPrefix(firstErr, "line "+strconv.Itoa(line)+", column 5: "), firstErr)
	assert.Contains(t, firstErr, `undefined target "rol"`)
	assert.True(t, evalJS[bool](t, ctx, `document.querySelectorAll('#gutter span')[`+strconv.Itoa(line-1)+`].dataset.bad === 'true'`),
		"the gutter marks the line")
	typed := evalJS[string](t, ctx, `document.getElementById('source').value`)
	code, body := ada.do(http.MethodPost, "/api/v1/flows/member-services/validate", map[string]string{"source": typed})
	require.Equal(t, http.StatusOK, code)
	var api struct {
		Errors []struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(body, &api))
	require.NotEmpty(t, api.Errors)
	assert.Equal(t, line, api.Errors[0].Line, "the page shows the line the API gives")
	assert.Equal(t, len(api.Errors), evalJS[int](t, ctx, `document.querySelectorAll('#errors li').length`))

	// Fix it, make a real change, save the draft: the diff shows it.
	selectInSource(t, ctx, "    next: rol\n", len("    next: "), len("rol"))
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent("role")))
	selectInSource(t, ctx, "    timeout: 5s\n    next: role\n", len("    timeout: "), 1)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.KeyEvent("7"),
		chromedp.WaitVisible(chromedp.CSS(`#validity[data-valid="true"]`)),
		chromedp.Click(chromedp.CSS("#save-draft")),
		chromedp.WaitVisible(chromedp.CSS(`#diff[data-state="changed"]`)),
	))
	diff := evalJS[string](t, ctx, `document.getElementById('diff').textContent`)
	assert.Contains(t, diff, "-    timeout: 5s")
	assert.Contains(t, diff, "+    timeout: 7s")
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#flow-rows tr[data-flow="member-services"][data-draft="changed"]`))))

	// Publish with a comment: version 2 in the history, as the API says.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#comment"), "longer consent window"),
		chromedp.Click(chromedp.CSS("#publish")),
		chromedp.WaitVisible(chromedp.CSS(`#versions tr[data-version="2"].live`)),
		chromedp.WaitVisible(chromedp.CSS(`#flow-rows tr[data-flow="member-services"][data-live="2"][data-draft="none"]`)),
	))
	assert.Contains(t, evalJS[string](t, ctx, `document.getElementById('publish-status').textContent`), "Published version 2")
	row := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('#versions tr[data-version="2"] td')).map(td => td.textContent)`)
	require.GreaterOrEqual(t, len(row), 5)
	assert.Equal(t, "v2 (live)", row[0])
	assert.Equal(t, "ada", row[2])
	assert.Equal(t, "longer consent window", row[3])
	live, err := app.flows.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, 2, live.Version, "new calls take version 2")
	assert.Equal(t, 7*time.Second, live.Nodes["consent"].Timeout.D())
	assertHistoryMatchesAPI(t, ctx, ada)
	assert.Equal(t, apiFlows(t, ada), evalJS[[]pageFlow](t, ctx, pageFlowsJS))

	// The graph is drawn (an SVG image the server renders).
	require.NoError(t, chromedp.Do(ctx, chromedp.Poll[chromedp.Void](
		`(() => { const g = document.getElementById('graph'); return g.complete && g.naturalWidth > 0; })()`,
		chromedp.WithPollingTimeout(10*time.Second))), "the graph image loads")
	assert.Contains(t, evalJS[string](t, ctx, `document.getElementById('graph').src`), "/api/v1/flows/member-services/graph.svg?version=2")

	// Roll back to version 1 from the history.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`button[data-rollback="1"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#versions tr[data-version="3"].live`)),
	))
	assert.Contains(t, evalJS[string](t, ctx, `document.getElementById('publish-status').textContent`), "a copy of version 1")
	assertHistoryMatchesAPI(t, ctx, ada)
	live, err = app.flows.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, 3, live.Version)
	assert.Equal(t, 5*time.Second, live.Nodes["consent"].Timeout.D())

	var byAda []audit.Entry
	for _, e := range flowPublishes(ledgerEntries(t, ledgerPath)) {
		if e.Actor == "ada" {
			byAda = append(byAda, e)
		}
	}
	require.Len(t, byAda, 2)
	assert.Equal(t, "longer consent window", byAda[0].Detail["comment"])
	assert.Equal(t, "1", byAda[1].Detail["rollback_of"])
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, audit.VerifyCommand([]string{ledgerPath}, &out, &errOut), out.String()+errOut.String())

	// The disclosure policy is on the same page, through /api/v1/policy: an
	// unknown member field is shown at its line.
	code, polBody := ada.do(http.MethodGet, "/api/v1/policy", nil)
	require.Equal(t, http.StatusOK, code)
	var pol struct {
		Version int    `json:"version"`
		Source  string `json:"source"`
	}
	require.NoError(t, json.Unmarshal(polBody, &pol))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#flow-rows tr[data-flow="disclosure-policy"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('source').value.includes('\nrules:')`, chromedp.WithPollingTimeout(10*time.Second)),
		chromedp.WaitVisible(chromedp.CSS(`#validity[data-valid="true"]`)),
	))
	assert.Equal(t, pol.Source, evalJS[string](t, ctx, `document.getElementById('source').value`), "the editor holds the live policy")
	assert.Equal(t, "v"+strconv.Itoa(pol.Version), evalJS[string](t, ctx, `document.querySelector('#flow-rows tr[data-flow="disclosure-policy"] td:nth-child(2)').textContent`))
	badLine := strings.Count(pol.Source[:strings.Index(pol.Source, "scheduling: [name, phone, appointments]")], "\n") + 1
	evalJS[bool](t, ctx, `(() => { const s = document.getElementById('source');
		s.value = s.value.replace('scheduling: [name, phone, appointments]', 'scheduling: [name, ssn, appointments]');
		s.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#validity[data-valid="false"]`))))
	polErr := evalJS[string](t, ctx, `document.querySelector('#errors li').textContent`)
	assert.True(t, strings.HasPrefix(polErr, "line "+strconv.Itoa(badLine)+", "), polErr)
	assert.Contains(t, polErr, `unknown field "ssn"`)

	// An agent signs in on the same page: admins only, no flow on it.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#username"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), "alice-demo-1"),
		chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#forbidden")),
	))
	assert.True(t, evalJS[bool](t, ctx, `document.getElementById('workspace').hidden`))
	assert.Zero(t, evalJS[int](t, ctx, `document.querySelectorAll('#flow-rows tr').length`), "an agent's page lists no flow")
	assert.Contains(t, logs.String(), `msg="flow draft saved" component=web username=ada flow=member-services`)
}

// assertHistoryMatchesAPI compares the history table with GET .../versions.
func assertHistoryMatchesAPI(t *testing.T, ctx context.Context, ada *apiClient) {
	t.Helper()
	code, body := ada.do(http.MethodGet, "/api/v1/flows/member-services/versions", nil)
	require.Equal(t, http.StatusOK, code)
	var hist struct {
		Versions []struct {
			Version int    `json:"version"`
			Author  string `json:"author"`
			Comment string `json:"comment"`
			SHA256  string `json:"sha256"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal(body, &hist))
	type row struct {
		Version, Author, Comment, SHA string
	}
	var want []row
	for _, v := range hist.Versions {
		want = append(want, row{strconv.Itoa(v.Version), v.Author, v.Comment, v.SHA256})
	}
	got := evalJS[[]row](t, ctx, `Array.from(document.querySelectorAll('#versions tr')).map(tr => ({
	  Version: tr.dataset.version, Author: tr.children[2].textContent,
	  Comment: tr.querySelector('td.comment').textContent.replace(/ \[rollback to v\d+\]$/, ''),
	  SHA: tr.querySelector('td.sha').title}))`)
	assert.Equal(t, want, got, "the page's history is the API's")
}
