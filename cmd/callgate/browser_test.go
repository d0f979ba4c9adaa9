package main

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/web/webtest"
)

// TestBrowserAgentScreen drives the agent page in headless Chromium while
// real SIPp calls reach alice's registered SIPp phone: sign in, go
// available, receive the pop of a verified billing call with exactly the
// permitted fields (sensitive ones hidden until revealed, the reveal in
// the ledger), lock and unlock the screen, wrap-up after the call, then an
// unverified caller's pop: UNVERIFIED and no member field at all.
func TestBrowserAgentScreen(t *testing.T) {
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t)
	ctx := webtest.Browser(t, 3*time.Minute)
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, logs, _ := startApp(t, "--ledger", ledgerPath)
	sipAddr := app.udp.LocalAddr().String()
	base := "http://" + app.httpLn.Addr().String()

	recs, err := members.DemoRecords()
	require.NoError(t, err)
	maria := recs[0]
	require.Equal(t, "Maria Lopez", maria.Name)

	phone := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer", Calls: 2, Timeout: 150 * time.Second})
	reg := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_register_contact", Target: sipAddr, CallIDPrefix: "reg-alice-browser",
		Vars:      map[string]string{"user": "alice", "contact": phone.Addr(), "expires": "300"},
		ExtraArgs: []string{"-au", "alice", "-ap", "alice-demo-1"},
	})
	require.Equal(t, 1, reg.Successful, reg.ErrorLog)

	// Sign in and go available.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#username"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), "alice-demo-1"),
		chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitVisible(chromedp.CSS("#desk")),
		chromedp.Click(chromedp.CSS("#available")),
		chromedp.WaitVisible(chromedp.CSS(`#state[data-state="available"]`)),
	))

	// Call 1: Maria, fully verified, billing.
	spec := "11" + "10001234#" + "04121980" + "4321#" + "2" + ",80"
	hold := siptest.DTMFPlayDuration(spec) + 25*time.Second
	caller := make(chan siptest.SippResult, 1)
	go func() {
		caller <- siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_dtmf_rfc4733", Target: sipAddr, CallIDPrefix: "browser-billing", Timeout: 90 * time.Second,
			Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": "15550108888"},
		})
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#pop"))), "the pop appears when alice's phone answers")

	fields := evalJS[[]string](t, ctx, `Array.from(document.querySelectorAll('#fields dd')).map(d => d.dataset.field)`)
	banners := evalJS[[]string](t, ctx, bannersJS)
	assert.Equal(t, []string{"balance", "claims", "name", "plan"}, fields, "full/self/billing: exactly what the policy permits")
	assert.Equal(t, []string{"verified"}, banners, "verified, consent granted, no restriction or flag")
	html := pageHTML(t, ctx)
	assert.Contains(t, html, maria.Name)
	assert.Contains(t, html, maria.Fields["plan"])
	assertAbsent(t, html, "before any reveal", maria.Fields["balance"], maria.Fields["claims"])
	assertAbsent(t, html, "never permitted for billing", string(maria.DOB), "04/12/1980", string(maria.MemberID),
		maria.Fields["phone"], maria.Fields["address"], maria.Fields["appointments"], maria.Fields["prescriptions"], maria.Fields["lab_results"])

	// Reveal balance: the value appears, claims stays hidden.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`[data-reveal="balance"]`)),
		chromedp.WaitVisible(chromedp.CSS(`dd[data-field="balance"][data-revealed="true"]`)),
	))
	html = pageHTML(t, ctx)
	assert.Contains(t, html, maria.Fields["balance"])
	assertAbsent(t, html, "not revealed", maria.Fields["claims"])

	// Lock: the member's data leaves the page; unlocking brings the pop back.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#lock")),
		chromedp.WaitVisible(chromedp.CSS("#locked")),
	))
	assertAbsent(t, pageHTML(t, ctx), "while locked", maria.Name, maria.Fields["plan"], maria.Fields["balance"])
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#unlock-password"), "alice-demo-1"),
		chromedp.Click(chromedp.CSS("#unlock-button")),
		chromedp.WaitVisible(chromedp.CSS("#pop")),
	))
	assert.Contains(t, pageHTML(t, ctx), maria.Name, "unlocked: the pop is back")

	res := <-caller
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#state[data-state="wrap_up"]`))),
		"the call ended: the pop clears and alice is in wrap-up")
	assertAbsent(t, pageHTML(t, ctx), "after the call", maria.Name, maria.Fields["balance"])

	raw, err := os.ReadFile(ledgerPath)
	require.NoError(t, err)
	ledger := string(raw)
	assert.Contains(t, ledger, `"kind":"disclosure"`)
	assert.Contains(t, ledger, `"fields":["balance","claims","name","plan"]`)
	assert.Contains(t, ledger, `"kind":"reveal","actor":"alice"`)
	assert.Contains(t, ledger, `"fields":["balance"]`)
	assertAbsent(t, ledger, "ledger", maria.Name, maria.Fields["balance"])
	_, err = audit.VerifyFile(ledgerPath)
	require.NoError(t, err)

	// Call 2: a caller who fails verification three times.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#available")),
		chromedp.WaitVisible(chromedp.CSS(`#state[data-state="available"]`)),
	))
	spec = "11" + strings.Repeat("20000000#"+"01011990", 3) + "1" + ",80"
	hold = siptest.DTMFPlayDuration(spec) + 6*time.Second
	go func() {
		caller <- siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_dtmf_rfc4733", Target: sipAddr, CallIDPrefix: "browser-unverified", Timeout: 90 * time.Second,
			Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": "15550107777"},
		})
	}()
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#pop"))))
	banners = evalJS[[]string](t, ctx, bannersJS)
	nFields := evalJS[int](t, ctx, `document.querySelectorAll('#fields dd').length`)
	noFieldsShown := evalJS[bool](t, ctx, `!document.getElementById('nofields').hidden`)
	assert.Contains(t, banners, "unverified")
	assert.Contains(t, banners, "verification-failed")
	assert.Zero(t, nFields, "an unverified caller's pop has no member field")
	assert.True(t, noFieldsShown, "the page says to disclose nothing")
	res = <-caller
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	ph := phone.Wait()
	require.Equal(t, 2, ph.Successful, "both calls reached alice's phone and ended: %s", ph.ErrorLog)
	raw, err = os.ReadFile(ledgerPath)
	require.NoError(t, err)
	assert.Regexp(t, `"kind":"screen_pop","actor":"alice","call_id":"browser-unverified-[^"]*"`, string(raw),
		"a pop that disclosed nothing is still on the record: who took the call")

	// The server's own view agrees: no pop after the calls.
	alice := signIn(t, base, "alice")
	code, _ := alice.do(http.MethodGet, "/api/v1/agent/screen", nil)
	assert.Equal(t, http.StatusNoContent, code)
	assertNoPHI(t, logs.String())
}

const bannersJS = `Array.from(document.querySelectorAll('#banners .banner')).map(d => d.dataset.banner)`

// evalJS evaluates expr in the page.
func evalJS[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

// pageHTML returns the page's current DOM.
func pageHTML(t *testing.T, ctx context.Context) string {
	t.Helper()
	html, err := webtest.HTML(ctx)
	require.NoError(t, err)
	return html
}

// assertAbsent fails for each non-empty needle found in s.
func assertAbsent(t *testing.T, s, when string, needles ...string) {
	t.Helper()
	for _, n := range needles {
		if n != "" && strings.Contains(s, n) {
			t.Errorf("%s: %q is present", when, n)
		}
	}
}
