package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/web"
	"github.com/callgate/callgate/web/webtest"
)

// opsPageJS reads what the ops page shows, as the page renders it.
const opsPageJS = `(() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent : null; };
  const row = 'tr[data-trunk="demo-carrier"]';
  const svg = document.querySelector(row + ' td[data-field="history"] svg');
  const out = {
    generated: document.getElementById('board').dataset.generatedAt || '',
    trunk_status: (document.querySelector(row + ' td[data-field="status"]') || {dataset: {}}).dataset.status || '',
    address: text(row + ' td[data-field="address"]'),
    address_status: text(row + ' td[data-field="address-status"]'),
    last_code: text(row + ' td[data-field="last-code"]'),
    rtt: text(row + ' td[data-field="rtt"]'),
    points: svg ? Number(svg.dataset.points) : -1,
    polyline: !!(svg && svg.querySelector('polyline')),
    agents: {}, calls: {}, queues: {},
    failed_5m: text('tr[data-signal="failures"] td[data-field="5m"]'),
  };
  for (const dd of document.querySelectorAll('#agents dd')) out.agents[dd.dataset.state] = Number(dd.textContent);
  for (const dd of document.querySelectorAll('#calls dd')) out.calls[dd.dataset.count] = Number(dd.textContent);
  for (const tr of document.querySelectorAll('#queues tr[data-queue]')) out.queues[tr.dataset.queue] = Number(tr.querySelector('[data-field="depth"]').textContent);
  return out;
})()`

// opsPage is what opsPageJS reads.
type opsPage struct {
	Generated     string           `json:"generated"`
	TrunkStatus   string           `json:"trunk_status"`
	Address       string           `json:"address"`
	AddressStatus string           `json:"address_status"`
	LastCode      string           `json:"last_code"`
	RTT           string           `json:"rtt"`
	Points        int              `json:"points"`
	Polyline      bool             `json:"polyline"`
	Agents        map[string]int   `json:"agents"`
	Calls         map[string]int   `json:"calls"`
	Queues        map[string]int64 `json:"queues"`
	Failed5m      string           `json:"failed_5m"`
}

// TestBrowserOpsPage drives the ops page in headless Chromium: otto signs
// in on /ops and sees the demo trunk up (a SIPp UAS answers its OPTIONS
// every 200 ms) with an RTT and its history drawn, the agents by state as
// the API counts them once alice is available, and a verified caller
// waiting in the scheduling queue, all without a byte of the caller's
// data on the page. / takes ops users to /ops, and /agent offers them a
// link there. Alice (an agent) gets 403 from the ops API.
func TestBrowserOpsPage(t *testing.T) {
	siptest.RequireSipp(t)
	ctx := webtest.Browser(t, 3*time.Minute)
	const interval = 200 * time.Millisecond
	carrier := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_options", Calls: -1, Timeout: 3 * time.Minute})
	block := fmt.Sprintf("  - name: demo-carrier\n    address: %s\n    transport: udp\n    allow: [127.0.0.0/8]\n    max_calls: 2000\n    options_interval: %s\n",
		carrier.Addr(), interval)
	app, _, logs, _ := startApp(t, "--config", writeConfig(t, demoWithTrunks(t, block)))
	base := "http://" + app.httpLn.Addr().String()
	otto := signIn(t, base, "otto") // the API, to compare with the page

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/ops"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#username"), "otto"),
		chromedp.SendKeys(chromedp.CSS("#password"), "otto-demo-1"),
		chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#board")),
	))
	read := func() opsPage {
		t.Helper()
		return evalJS[opsPage](t, ctx, opsPageJS)
	}

	// The trunk: up, as the API says, with a round-trip time and history.
	var page opsPage
	require.Eventually(t, func() bool { page = read(); return page.TrunkStatus == "up" && page.Points >= 2 },
		15*time.Second, 100*time.Millisecond, "the page shows the trunk up with an RTT history: %+v", page)
	code, trunks := trunksOf(t, otto)
	require.Equal(t, http.StatusOK, code)
	require.Len(t, trunks, 1)
	assert.Equal(t, trunks[0].Status, page.TrunkStatus, "the page shows the status the API returns")
	assert.Equal(t, carrier.Addr(), page.Address)
	assert.Equal(t, "up", page.AddressStatus)
	assert.Equal(t, "200", page.LastCode)
	assert.Regexp(t, `^[0-9.]+ ms$`, page.RTT)
	assert.True(t, page.Polyline, "the RTT history is drawn as a line")
	assert.LessOrEqual(t, page.Points, 20)

	// Agents by state: alice signs in (API) and goes available.
	alice := signIn(t, base, "alice")
	code, _ = alice.do(http.MethodPost, "/api/v1/agent/status", map[string]string{"status": "available"})
	require.Equal(t, http.StatusNoContent, code)
	var sum web.OpsSummary
	require.Eventually(t, func() bool {
		page = read()
		_, sum, _ = opsSummaryOf(t, otto)
		return page.Agents["available"] == 1 && assert.ObjectsAreEqual(sum.Agents, page.Agents)
	}, 15*time.Second, 100*time.Millisecond, "the page's agents by state match the API's")
	assert.Equal(t, map[string]int{"offline": 2, "away": 0, "available": 1, "ringing": 0, "on_call": 0, "wrap_up": 0}, page.Agents)

	// A verified caller (Maria Lopez) waits for scheduling: alice has no
	// phone, so the call stays queued while the page is read.
	dialCtx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	dialled := make(chan dialReport, 1)
	go func() {
		var out strings.Builder
		err := cmdDial(dialCtx, []string{"sip:ivr@" + app.udp.LocalAddr().String(), "--dtmf", verifiedPatient + "@500ms", "--duration", "120s", "--json"}, &out)
		if err != nil {
			t.Errorf("dial: %v", err)
		}
		var rep dialReport
		_ = json.Unmarshal([]byte(out.String()), &rep)
		dialled <- rep
	}()
	require.Eventually(t, func() bool {
		page = read()
		_, sum, _ = opsSummaryOf(t, otto)
		return page.Calls["queued"] == 1 && page.Queues["scheduling"] == 1 &&
			assert.ObjectsAreEqual(map[string]int{"active": sum.Calls.Active, "in_ivr": sum.Calls.InIVR, "queued": sum.Calls.Queued, "bridged": sum.Calls.Bridged}, page.Calls)
	}, 60*time.Second, 200*time.Millisecond, "the page shows the caller waiting, as the API does: %+v", page)
	assert.Equal(t, map[string]int{"active": 1, "in_ivr": 0, "queued": 1, "bridged": 0}, page.Calls)
	assert.Equal(t, "0", page.Failed5m)

	// No PHI on the page while a verified member's call is in the system:
	// no name, member ID, date of birth, PIN or any field of her record,
	// and not even the call's opaque member reference or Call-ID.
	html := pageHTML(t, ctx)
	assertNoPHI(t, html)
	recs, err := members.DemoRecords()
	require.NoError(t, err)
	for _, r := range recs {
		needles := []string{r.Name, string(r.MemberID), string(r.DOB)}
		for _, v := range r.Fields {
			needles = append(needles, v)
		}
		assertAbsent(t, html, "ops page", needles...)
	}
	keys := app.rdb.Keys(context.Background(), "callgate:call:*").Val()
	require.Len(t, keys, 1)
	tags := app.rdb.HGetAll(context.Background(), keys[0]).Val()
	require.NotEmpty(t, tags["subject"])
	assertAbsent(t, html, "ops page", tags["subject"], strings.TrimPrefix(keys[0], "callgate:call:"))

	// An agent is refused the ops API; / and /agent lead ops to /ops.
	code, body := alice.do(http.MethodGet, "/api/v1/ops/summary", nil)
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotContains(t, string(body), "scheduling")
	var landed string
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#board")),
	))
	landed, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	require.NoError(t, err)
	assert.Equal(t, "/ops", landed, "/ takes ops users to the ops page")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/agent"),
		chromedp.WaitVisible(chromedp.CSS("#ops-link")),
	))

	hangUp()
	rep := <-dialled
	assert.NotEmpty(t, rep.CallID)
	assertNoPHI(t, logs.String())
}
