package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleOps(context.Context) OpsSummary {
	return OpsSummary{
		GeneratedAt: t0,
		Calls:       OpsCalls{Active: 4, InIVR: 1, Queued: 2, Bridged: 1},
		Queues: []OpsQueue{{Name: "scheduling", Depth: 3, OldestWaitSeconds: 42.5,
			Last5m: OpsQueueWindow{Answered: 2, Abandoned: 1, AvgAnswerSeconds: 12}}},
		Agents:       map[string]int{"offline": 1, "away": 0, "available": 2, "on_call": 1, "wrap_up": 0},
		Verification: OpsVerification{Attempts: OpsCounts{9, 30}, Failures: OpsCounts{2, 5}, Lockouts: OpsCounts{0, 1}},
		Callbacks:    OpsCallbacks{Pending: 3},
	}
}

func TestOpsSummaryRoute(t *testing.T) {
	f := newFixture(t, Config{Demo: true, Ops: OpsSourceFunc(sampleOps)}, nil)
	tests := []struct {
		user string
		want int
	}{
		{"otto", http.StatusOK},         // ops
		{"ada", http.StatusOK},          // admin
		{"alice", http.StatusForbidden}, // agent
		{"sam", http.StatusForbidden},   // supervisor
		{"", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run("user "+tc.user, func(t *testing.T) {
			token := ""
			if tc.user != "" {
				token = f.login(t, tc.user)
			}
			w := f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, token)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want != http.StatusOK {
				assert.NotContains(t, w.Body.String(), "scheduling")
				return
			}
			assert.JSONEq(t, `{
				"generated_at": "2026-06-10T09:00:00Z",
				"calls": {"active": 4, "in_ivr": 1, "queued": 2, "bridged": 1},
				"queues": [{"name": "scheduling", "depth": 3, "oldest_wait_seconds": 42.5,
					"last_5m": {"answered": 2, "abandoned": 1, "timed_out": 0, "avg_answer_seconds": 12}}],
				"agents": {"offline": 1, "away": 0, "available": 2, "on_call": 1, "wrap_up": 0},
				"verification": {
					"attempts": {"last_5m": 9, "last_60m": 30},
					"failures": {"last_5m": 2, "last_60m": 5},
					"failed_calls": {"last_5m": 0, "last_60m": 0},
					"lockouts": {"last_5m": 0, "last_60m": 1},
					"suspected_pretexting": {"last_5m": 0, "last_60m": 0}},
				"callbacks": {"pending": 3},
				"unavailable": []
			}`, w.Body.String())
		})
	}
}

func TestOpsSummaryEmptyAndMissing(t *testing.T) {
	f := newFixture(t, Config{Demo: true, Ops: OpsSourceFunc(func(context.Context) OpsSummary {
		return OpsSummary{Unavailable: []string{"agents"}}
	})}, nil)
	w := f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, f.login(t, "otto"))
	require.Equal(t, http.StatusOK, w.Code)
	var got map[string]any
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, []any{}, got["queues"], "an empty list, not null")
	assert.Equal(t, map[string]any{}, got["agents"])
	assert.Equal(t, []any{"agents"}, got["unavailable"])

	f = newFixture(t, Config{Demo: true}, nil)
	w = f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, f.login(t, "otto"))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code, "no source configured")
}

func TestOpsSummaryDoesNotRefreshTheSession(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: time.Minute, Ops: OpsSourceFunc(sampleOps)}, nil)
	token := f.login(t, "otto")
	for range 2 {
		f.clock.Advance(20 * time.Second)
		require.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, token).Code)
	}
	f.clock.Advance(25 * time.Second)
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, token).Code,
		"polling the summary does not keep an idle session alive")
}

func TestOpsSummaryRefusedWhileLocked(t *testing.T) {
	f := newFixture(t, Config{Demo: true, ScreenLock: time.Minute, Ops: OpsSourceFunc(sampleOps)}, nil)
	token := f.login(t, "otto")
	f.clock.Advance(time.Minute)
	w := f.call(t, http.MethodGet, "/api/v1/ops/summary", nil, token)
	assert.Equal(t, http.StatusLocked, w.Code, "a locked screen shows nothing until unlocked")
}
