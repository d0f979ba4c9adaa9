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

func sampleTrunks(context.Context) []Trunk {
	probe := t0.Add(-time.Second)
	return []Trunk{{
		Name: "carrier-a", Transport: "udp", Status: "up", ActiveCalls: 2, MaxCalls: 30, ProbeIntervalMS: 30000,
		Addresses: []TrunkAddress{{Address: "192.0.2.10:5060", Status: "up", LastCode: 200, RTTMS: 12.5, Probes: 7,
			LastProbe: &probe, LastChange: &probe, RTTHistoryMS: []float64{11, 12.5}}},
	}}
}

func TestTrunksRoute(t *testing.T) {
	f := newFixture(t, Config{Demo: true, Trunks: TrunkSourceFunc(sampleTrunks)}, nil)
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
			w := f.call(t, http.MethodGet, "/api/v1/trunks", nil, token)
			require.Equal(t, tc.want, w.Code, w.Body.String())
			if tc.want != http.StatusOK {
				assert.NotContains(t, w.Body.String(), "carrier-a")
				return
			}
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))
			var got struct {
				Trunks []map[string]any `json:"trunks"`
			}
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
			require.Len(t, got.Trunks, 1)
			tr := got.Trunks[0]
			assert.Equal(t, "carrier-a", tr["name"])
			assert.Equal(t, "up", tr["status"])
			assert.InDelta(t, 2, tr["active_calls"], 0)
			addrs, ok := tr["addresses"].([]any)
			require.True(t, ok)
			a, ok := addrs[0].(map[string]any)
			require.True(t, ok)
			for _, k := range []string{"address", "status", "last_code", "rtt_ms", "consecutive_failures", "probes", "last_probe", "last_change", "rtt_history_ms"} {
				assert.Contains(t, a, k)
			}
		})
	}
}

func TestTrunksRouteWithoutSource(t *testing.T) {
	f := newFixture(t, Config{Demo: true}, nil)
	w := f.call(t, http.MethodGet, "/api/v1/trunks", nil, f.login(t, "otto"))
	require.Equal(t, http.StatusOK, w.Code)
	assert.JSONEq(t, `{"trunks":[]}`, w.Body.String())
}

func TestTrunksRouteDoesNotRefreshTheSession(t *testing.T) {
	f := newFixture(t, Config{Demo: true, IdleTimeout: time.Minute, Trunks: TrunkSourceFunc(sampleTrunks)}, nil)
	token := f.login(t, "otto")
	for range 2 {
		f.clock.Advance(20 * time.Second)
		require.Equal(t, http.StatusOK, f.call(t, http.MethodGet, "/api/v1/trunks", nil, token).Code)
	}
	f.clock.Advance(25 * time.Second) // 65 s after sign-in, 25 s after the last poll
	assert.Equal(t, http.StatusUnauthorized, f.call(t, http.MethodGet, "/api/v1/trunks", nil, token).Code,
		"polling the trunks does not keep an idle session alive")
}
