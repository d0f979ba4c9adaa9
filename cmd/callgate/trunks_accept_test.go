package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/callgate/callgate/web"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// trunksOf is GET /api/v1/trunks as c.
func trunksOf(t *testing.T, c *apiClient) (int, []web.Trunk) {
	t.Helper()
	code, body := c.do(http.MethodGet, "/api/v1/trunks", nil)
	var out struct {
		Trunks []web.Trunk `json:"trunks"`
	}
	if code == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &out), string(body))
	}
	return code, out.Trunks
}

// metricLine returns the value of the sample line of /metrics that starts
// with series (name{labels}), or "" when absent.
func metricLine(t *testing.T, base, series string) string {
	t.Helper()
	for _, l := range strings.Split(httpGet(t, base+"/metrics"), "\n") {
		if v, ok := strings.CutPrefix(l, series+" "); ok {
			return v
		}
	}
	return ""
}

// TestSIPpTrunkAcceptance is issue 5's trunk acceptance: a SIPp UAS that
// answers OPTIONS at the trunk's address turns the trunk up; stopping it
// turns it down within three probe intervals; GET /api/v1/trunks shows it
// to ops (and admins) and refuses agents (403) and strangers (401); an
// INVITE from a source no trunk admits gets 403 and is counted; the
// trunk's own source is admitted, up to its max_calls.
func TestSIPpTrunkAcceptance(t *testing.T) {
	siptest.RequireSipp(t)
	const interval = 200 * time.Millisecond
	carrier := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_options", Calls: -1, Timeout: 2 * time.Minute})
	// The trunk admits only 127.0.0.2; callers from 127.0.0.1 are strangers.
	block := fmt.Sprintf("  - name: carrier-a\n    address: %s\n    transport: udp\n    allow: [127.0.0.2/32]\n    max_calls: 1\n    options_interval: %s\n",
		carrier.Addr(), interval)
	app, _, logs, _ := startApp(t, "--config", writeConfig(t, demoWithTrunks(t, block)), "--log-level", "debug")
	base := "http://" + app.httpLn.Addr().String()
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	otto := signIn(t, base, "otto") // ops

	t.Run("OPTIONS answered: up", func(t *testing.T) {
		var trunks []web.Trunk
		require.Eventually(t, func() bool {
			var code int
			code, trunks = trunksOf(t, otto)
			return code == http.StatusOK && len(trunks) == 1 && trunks[0].Status == "up"
		}, 5*time.Second, 20*time.Millisecond, "the trunk comes up")
		tr := trunks[0]
		assert.Equal(t, "carrier-a", tr.Name)
		assert.Equal(t, "udp", tr.Transport)
		assert.Equal(t, 1, tr.MaxCalls)
		assert.Equal(t, interval.Milliseconds(), tr.ProbeIntervalMS)
		require.Len(t, tr.Addresses, 1)
		ad := tr.Addresses[0]
		assert.Equal(t, carrier.Addr(), ad.Address)
		assert.Equal(t, 200, ad.LastCode)
		assert.Positive(t, ad.RTTMS)
		assert.NotEmpty(t, ad.RTTHistoryMS)
		assert.NotNil(t, ad.LastChange)
		assert.Equal(t, "1", metricLine(t, base, `callgate_trunk_up{trunk="carrier-a"}`))
	})

	t.Run("roles", func(t *testing.T) {
		code, _ := trunksOf(t, signIn(t, base, "ada"))
		assert.Equal(t, http.StatusOK, code, "admin")
		code, _ = trunksOf(t, signIn(t, base, "alice"))
		assert.Equal(t, http.StatusForbidden, code, "an agent")
		code, _ = trunksOf(t, &apiClient{t: t, base: base})
		assert.Equal(t, http.StatusUnauthorized, code, "no session")
	})

	t.Run("INVITE from a source no trunk admits: 403, counted", func(t *testing.T) {
		series := `callgate_sip_invites_rejected_total{code="403",reason="unknown_source"}`
		require.Equal(t, "0", metricLine(t, base, series))
		err := cmdDial(context.Background(), []string{target, "--duration", "1s", "--local-addr", "127.0.0.1:0"}, io.Discard)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "403")
		assert.Equal(t, "1", metricLine(t, base, series))
		assert.Zero(t, app.sip.ActiveCalls())
		assert.Contains(t, logs.String(), "source matches no trunk")
	})

	t.Run("the trunk's own source is admitted, up to max_calls", func(t *testing.T) {
		first := make(chan error, 1)
		go func() {
			first <- cmdDial(context.Background(), []string{target, "--duration", "3s", "--local-addr", "127.0.0.2:0"}, io.Discard)
		}()
		require.Eventually(t, func() bool { return app.sip.TrunkCalls()["carrier-a"] == 1 }, 5*time.Second, 10*time.Millisecond)
		_, trunks := trunksOf(t, otto)
		assert.Equal(t, 1, trunks[0].ActiveCalls)
		assert.Equal(t, "1", metricLine(t, base, `callgate_trunk_active_calls{trunk="carrier-a"}`))
		err := cmdDial(context.Background(), []string{target, "--duration", "1s", "--local-addr", "127.0.0.2:0"}, io.Discard)
		require.Error(t, err, "a second call over max_calls")
		assert.Contains(t, err.Error(), "503")
		assert.Equal(t, "1", metricLine(t, base, `callgate_sip_invites_rejected_total{code="503",reason="trunk_busy"}`))
		require.NoError(t, <-first, "the admitted call ran to its end")
		require.Eventually(t, func() bool { return len(app.sip.TrunkCalls()) == 0 }, 5*time.Second, 10*time.Millisecond)
	})

	t.Run("OPTIONS unanswered: down within three intervals", func(t *testing.T) {
		res := carrier.Stop()
		stopped := time.Now()
		assert.Positive(t, res.Successful, "SIPp answered OPTIONS")
		for app.monitor.Snapshot()[0].State != trunk.StateDown {
			require.Less(t, time.Since(stopped), 3*interval, "still %s", app.monitor.Snapshot()[0].State)
			time.Sleep(5 * time.Millisecond)
		}
		t.Logf("down %v after SIPp stopped (interval %v)", time.Since(stopped).Round(time.Millisecond), interval)
		_, trunks := trunksOf(t, otto)
		assert.Equal(t, "down", trunks[0].Status)
		assert.Equal(t, 0, trunks[0].Addresses[0].LastCode)
		assert.GreaterOrEqual(t, trunks[0].Addresses[0].ConsecutiveFailures, trunk.DefaultDownAfter)
		assert.Equal(t, "0", metricLine(t, base, `callgate_trunk_up{trunk="carrier-a"}`))
		assert.Equal(t, "1", metricLine(t, base, `callgate_trunk_state_changes_total{state="down",trunk="carrier-a"}`))
		assert.Contains(t, logs.String(), `msg="trunk address state changed" component=trunk trunk=carrier-a`)
	})
	assertNoPHI(t, logs.String())
}
