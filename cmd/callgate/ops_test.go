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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/web"
)

// opsSummaryOf is GET /api/v1/ops/summary as c, with its raw body.
func opsSummaryOf(t *testing.T, c *apiClient) (int, web.OpsSummary, string) {
	t.Helper()
	code, body := c.do(http.MethodGet, "/api/v1/ops/summary", nil)
	var out web.OpsSummary
	if code == http.StatusOK {
		require.NoError(t, json.Unmarshal(body, &out), string(body))
	}
	return code, out, string(body)
}

// failedVerification is a caller who fails identity three times (a member
// ID no member has), then chooses scheduling: the flow still routes the
// call, flagged verification_failed.
const failedVerification = "11" + "20000000#01011990" + "20000000#01011990" + "20000000#01011990" + "1"

// TestOpsSummaryServed is issue 5's ops API on a served instance: ops
// (and admins) see a real call fail verification and wait in the
// scheduling queue, agents by state as the roster has them, and nothing
// that names a member; agents get 403 and strangers 401.
func TestOpsSummaryServed(t *testing.T) {
	app, _, logs, _ := startApp(t)
	base := "http://" + app.httpLn.Addr().String()
	otto := signIn(t, base, "otto")
	alice := signIn(t, base, "alice")
	code, _ := alice.do(http.MethodPost, "/api/v1/agent/status", map[string]string{"status": "available"})
	require.Equal(t, http.StatusNoContent, code)

	code, idle, _ := opsSummaryOf(t, otto)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, web.OpsCalls{}, idle.Calls)
	assert.Equal(t, map[string]int{"offline": 2, "away": 0, "available": 1, "ringing": 0, "on_call": 0, "wrap_up": 0}, idle.Agents,
		"alice available; bob and sam offline; ops and admins take no calls")
	var names []string
	for _, q := range idle.Queues {
		names = append(names, q.Name)
	}
	assert.Equal(t, app.queues(), names, "the live flows' route queues")
	assert.Contains(t, names, "scheduling")

	// A caller fails verification and waits for scheduling (alice has no
	// phone, so nobody answers).
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	dialCtx, hangUp := context.WithCancel(context.Background())
	defer hangUp()
	done := make(chan error, 1)
	go func() {
		done <- cmdDial(dialCtx, []string{target, "--dtmf", failedVerification + "@500ms", "--duration", "90s"}, io.Discard)
	}()
	var sum web.OpsSummary
	var body string
	dialled := time.Now()
	require.Eventually(t, func() bool {
		_, sum, body = opsSummaryOf(t, otto)
		return sum.Calls.Queued == 1 && sum.Queues[len(sum.Queues)-1].Depth == 1 // counted here, then in Redis
	}, 60*time.Second, 100*time.Millisecond, "the call reaches the queue")
	t.Logf("queued %v after dialling", time.Since(dialled).Round(time.Millisecond))
	assert.Equal(t, web.OpsCalls{Active: 1, Queued: 1}, sum.Calls)
	sched := sum.Queues[len(sum.Queues)-1]
	assert.Equal(t, "scheduling", sched.Name)
	assert.Equal(t, int64(1), sched.Depth)
	assert.Greater(t, sched.OldestWaitSeconds, 0.0)
	assert.Equal(t, web.OpsCounts{Last5m: 3, Last60m: 3}, sum.Verification.Attempts)
	assert.Equal(t, web.OpsCounts{Last5m: 3, Last60m: 3}, sum.Verification.Failures)
	assert.Equal(t, web.OpsCounts{Last5m: 1, Last60m: 1}, sum.Verification.FailedCalls)
	assert.Empty(t, sum.Unavailable)
	assertNoPHI(t, body)
	assert.NotContains(t, body, "20000000", "no digit the caller entered")
	assert.NotContains(t, body, "m_", "no member reference")

	t.Run("roles", func(t *testing.T) {
		code, _, _ := opsSummaryOf(t, signIn(t, base, "ada"))
		assert.Equal(t, http.StatusOK, code, "admin")
		code, _, body := opsSummaryOf(t, alice)
		assert.Equal(t, http.StatusForbidden, code, "an agent")
		assert.False(t, strings.Contains(body, "scheduling"))
		code, _, _ = opsSummaryOf(t, signIn(t, base, "sam"))
		assert.Equal(t, http.StatusForbidden, code, "a supervisor")
		code, _, _ = opsSummaryOf(t, &apiClient{t: t, base: base})
		assert.Equal(t, http.StatusUnauthorized, code, "no session")
	})

	// The caller hangs up in the queue.
	hangUp()
	<-done
	require.Eventually(t, func() bool {
		_, sum, _ = opsSummaryOf(t, otto)
		return sum.Calls == web.OpsCalls{}
	}, 5*time.Second, 50*time.Millisecond, "no call left")
	assert.Equal(t, 1, sum.Queues[len(sum.Queues)-1].Last5m.Abandoned, "the caller hung up: abandoned, not cancelled")
	assert.Equal(t, "1", metricLine(t, base, `callgate_routing_queue_wait_seconds_count{outcome="abandoned",queue="scheduling"}`))
	assert.Zero(t, sum.Queues[len(sum.Queues)-1].Depth)
	assertNoPHI(t, logs.String())
}
