package main

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeMetrics returns the metric names README.md § Metrics lists.
func readmeMetrics(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(data), "\n## Metrics\n")
	require.True(t, ok, "README.md has a Metrics section")
	section, _, _ = strings.Cut(section, "\n## ")
	re := regexp.MustCompile("(?m)^\\| `(callgate_[a-z0-9_]+)` \\|")
	var names []string
	for _, m := range re.FindAllStringSubmatch(section, -1) {
		names = append(names, m[1])
	}
	slices.Sort(names)
	return names
}

// exposedFamilies returns the callgate_* metric families in a scrape, by
// their # TYPE lines.
func exposedFamilies(t *testing.T, body string) []string {
	t.Helper()
	var names []string
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 4 && f[0] == "#" && f[1] == "TYPE" && strings.HasPrefix(f[2], "callgate_") {
			names = append(names, f[2])
		}
	}
	slices.Sort(names)
	return names
}

// TestMetricsLintAndREADME scrapes /metrics of a served instance: promlint
// finds no problem, every metric README.md § Metrics lists is there and
// every callgate_* metric there is listed, with nothing PHI-like in it.
func TestMetricsLintAndREADME(t *testing.T) {
	app, _, _, _ := startApp(t)
	body := httpGet(t, "http://"+app.httpLn.Addr().String()+"/metrics")

	problems, err := promlint.New(strings.NewReader(body)).Lint()
	require.NoError(t, err)
	assert.Empty(t, problems, "promlint")

	listed, exposed := readmeMetrics(t), exposedFamilies(t, body)
	require.NotEmpty(t, listed)
	assert.Equal(t, listed, exposed, "README.md § Metrics lists exactly the metrics /metrics serves")
	for _, want := range []string{
		"callgate_sip_active_calls", "callgate_sip_calls_total", "callgate_sip_call_setup_seconds", "callgate_ivr_step_duration_seconds",
		"callgate_ivr_verification_attempts_total", "callgate_ivr_signals_total", "callgate_routing_queue_depth", "callgate_routing_queue_wait_seconds",
		"callgate_routing_agents", "callgate_trunk_up", "callgate_trunk_options_rtt_seconds", "callgate_sip_invites_rejected_total",
		"callgate_media_rtp_packets_total", "callgate_media_rtp_lost_packets_total", "callgate_media_rtp_jitter_seconds", "callgate_store_errors_total",
	} {
		assert.Contains(t, exposed, want, "issue 5 asks for it")
	}
	lines := strings.Split(body, "\n")
	assert.Contains(t, lines, `callgate_ivr_signals_total{flag="locked_out"} 0`, "lockouts")
	assert.Contains(t, lines, `callgate_ivr_signals_total{flag="suspected_pretexting"} 0`)
	assert.Contains(t, lines, `callgate_routing_queue_depth{queue="scheduling"} 0`)
	assert.Contains(t, lines, `callgate_routing_agents{state="offline"} 3`, "alice, bob and sam before anyone signs in")
	assert.Contains(t, lines, `callgate_trunk_up{trunk="demo-carrier"} 0`, "nothing answers OPTIONS on 127.0.0.1:5099")
	assertNoPHI(t, body)
}

// TestReadyz: 503 until the SIP listeners serve, 200 when ready, 503 when
// the store stops answering (draining is TestDrainRefusesNewCallsAndWaits).
func TestReadyz(t *testing.T) {
	rdb := storetest.Redis(t) // a real redis-server behind a proxy the test can cut
	opt, err := redis.ParseURL(storetest.RedisURL())
	require.NoError(t, err)
	proxy := storetest.NewProxy(t, opt.Addr)
	url := "redis://" + proxy.Addr() + "/15"
	_ = rdb

	t.Run("listeners not serving yet", func(t *testing.T) {
		cfg, err := loadServeConfig([]string{"--sip-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rtp-ports", "0",
			"--ledger", t.TempDir() + "/ledger.jsonl", "--redis-url", url}, noEnv)
		require.NoError(t, err)
		app, err := build(context.Background(), cfg, newLogger(&syncBuffer{}, cfg.Log))
		require.NoError(t, err)
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = app.sip.Shutdown(ctx)
			app.closeAll()
		})
		w := httptest.NewRecorder()
		app.routes().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		assert.Equal(t, http.StatusServiceUnavailable, w.Code)
		assert.Contains(t, w.Body.String(), "sip listeners not up")
	})
	t.Run("ready, then the store goes away", func(t *testing.T) {
		app, _, _, _ := startApp(t, "--redis-url", url)
		readyz := "http://" + app.httpLn.Addr().String() + "/readyz"
		require.Eventually(t, func() bool { return httpGet(t, readyz) == "ready\n" }, 5*time.Second, 20*time.Millisecond)
		proxy.SetDown(true)
		assert.Eventually(t, func() bool { return strings.Contains(httpGet(t, readyz), "store unreachable") }, 5*time.Second, 50*time.Millisecond)
		assert.Contains(t, httpStatus(t, readyz), "503")
		proxy.SetDown(false)
		assert.Eventually(t, func() bool { return httpGet(t, readyz) == "ready\n" }, 5*time.Second, 50*time.Millisecond, "ready again")
	})
}
