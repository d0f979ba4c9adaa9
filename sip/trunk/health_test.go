package trunk

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // test constant

func ok(rtt time.Duration) Result          { return Result{Code: 200, RTT: rtt} }
func code(c int, rtt time.Duration) Result { return Result{Code: c, RTT: rtt} }
func noAnswer() Result                     { return Result{} }

func TestHealthNext(t *testing.T) {
	p := Probe{Interval: time.Second, DownAfter: 3, DegradedRTT: 100 * time.Millisecond}
	tests := []struct {
		name         string
		results      []Result
		want         State
		wantFailures int
		wantChanges  int // state changes along the way
	}{
		{"not probed", nil, StateUnknown, 0, 0},
		{"200 is up", []Result{ok(5 * time.Millisecond)}, StateUp, 0, 1},
		{"any final response is alive: 404", []Result{code(404, time.Millisecond)}, StateUp, 0, 1},
		{"any final response is alive: 603", []Result{code(603, time.Millisecond)}, StateUp, 0, 1},
		{"503 is degraded", []Result{code(503, time.Millisecond)}, StateDegraded, 0, 1},
		{"slow answer is degraded", []Result{ok(150 * time.Millisecond)}, StateDegraded, 0, 1},
		{"RTT at the threshold is up", []Result{ok(100 * time.Millisecond)}, StateUp, 0, 1},
		{"degraded recovers", []Result{code(503, time.Millisecond), ok(time.Millisecond)}, StateUp, 0, 2},
		{"failures below DownAfter keep up", []Result{ok(time.Millisecond), noAnswer(), noAnswer()}, StateUp, 2, 1},
		{"DownAfter failures make down", []Result{ok(time.Millisecond), noAnswer(), noAnswer(), noAnswer()}, StateDown, 3, 2},
		{"never answered: unknown, then down", []Result{noAnswer(), noAnswer(), noAnswer()}, StateDown, 3, 1},
		{"an answer resets the count", []Result{ok(time.Millisecond), noAnswer(), noAnswer(), ok(time.Millisecond), noAnswer(), noAnswer()}, StateUp, 2, 1},
		{"one answer brings down back up", []Result{noAnswer(), noAnswer(), noAnswer(), ok(time.Millisecond)}, StateUp, 0, 2},
		{"a 1xx is not an answer", []Result{code(100, time.Millisecond), code(100, time.Millisecond), code(100, time.Millisecond)}, StateDown, 3, 1},
		{"down stays down", []Result{noAnswer(), noAnswer(), noAnswer(), noAnswer(), noAnswer()}, StateDown, 5, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var h Health
			changes := 0
			var lastChange time.Time
			for i, r := range tc.results {
				r.At = t0.Add(time.Duration(i) * time.Second)
				next := h.Next(r, p)
				if next.State != h.State {
					changes++
					lastChange = r.At
				}
				assert.Equal(t, r.At, next.LastProbe)
				h = next
			}
			assert.Equal(t, tc.want, h.State)
			assert.Equal(t, tc.wantFailures, h.Failures)
			assert.Equal(t, tc.wantChanges, changes)
			assert.Equal(t, lastChange, h.LastChange)
			assert.Equal(t, uint64(len(tc.results)), h.Probes)
		})
	}
}

func TestHealthNextIsPure(t *testing.T) {
	var h Health
	h = h.Next(Result{At: t0, Code: 200, RTT: time.Millisecond}, Probe{})
	before := h
	_ = h.Next(Result{At: t0.Add(time.Second), Code: 200, RTT: 2 * time.Millisecond}, Probe{})
	assert.Equal(t, before, h, "Next does not modify its receiver")
	assert.Equal(t, []time.Duration{time.Millisecond}, h.RTTHistory())
}

func TestHealthDefaultsDownAfter(t *testing.T) {
	var h Health
	for i := range DefaultDownAfter {
		require.NotEqual(t, StateDown, h.State, "after %d failures", i)
		h = h.Next(Result{At: t0}, Probe{})
	}
	assert.Equal(t, StateDown, h.State)
}

func TestRTTHistoryRing(t *testing.T) {
	var h Health
	for i := 1; i <= HistorySize+5; i++ {
		h = h.Next(Result{At: t0, Code: 200, RTT: time.Duration(i) * time.Millisecond}, Probe{})
		if i == 3 {
			h = h.Next(Result{At: t0}, Probe{}) // a failure adds no RTT
		}
	}
	got := h.RTTHistory()
	require.Len(t, got, HistorySize)
	assert.Equal(t, 6*time.Millisecond, got[0], "oldest kept")
	assert.Equal(t, time.Duration(HistorySize+5)*time.Millisecond, got[HistorySize-1], "newest last")
}

func TestAggregate(t *testing.T) {
	u, up, dg, dn := StateUnknown, StateUp, StateDegraded, StateDown
	tests := []struct {
		name string
		in   []State
		want State
	}{
		{"no addresses", nil, u},
		{"all unknown", []State{u, u}, u},
		{"all up", []State{up, up}, up},
		{"unknown ignored", []State{up, u}, up},
		{"all down", []State{dn, dn}, dn},
		{"some down", []State{up, dn}, dg},
		{"one degraded", []State{up, dg}, dg},
		{"degraded and down", []State{dg, dn}, dg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Aggregate(tc.in))
		})
	}
}

func TestProbeDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Probe
		want Probe
	}{
		{"zero", Probe{}, Probe{Interval: DefaultInterval, Timeout: MaxDefaultTimeout, DownAfter: DefaultDownAfter, DegradedRTT: DefaultDegradedRTT}},
		{"short interval halves the timeout", Probe{Interval: 200 * time.Millisecond}, Probe{Interval: 200 * time.Millisecond, Timeout: 100 * time.Millisecond, DownAfter: DefaultDownAfter, DegradedRTT: DefaultDegradedRTT}},
		{"explicit kept", Probe{Interval: time.Minute, Timeout: time.Second, DownAfter: 5, DegradedRTT: 300 * time.Millisecond}, Probe{Interval: time.Minute, Timeout: time.Second, DownAfter: 5, DegradedRTT: 300 * time.Millisecond}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.in.WithDefaults())
		})
	}
}
