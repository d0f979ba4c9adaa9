package sip

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ trunk.Pinger = (*Server)(nil)

func TestOptionsPingsOurselves(t *testing.T) {
	caller := newCaller(t)
	ts := startServer(t, Config{}, nil)
	for _, tr := range []string{"udp", "tcp"} {
		t.Run(tr, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			code, err := caller.Options(ctx, ts.Addr(tr).String(), tr)
			require.NoError(t, err)
			assert.Equal(t, 200, code)
		})
	}
	ts.Drain()
	code, err := caller.Options(context.Background(), ts.udp.String(), "udp")
	require.NoError(t, err)
	assert.Equal(t, 503, code, "a draining peer answers 503: degraded")

	_, err = caller.Options(context.Background(), "no-port", "udp")
	require.Error(t, err)
}

// TestSIPpTrunkOptionsUpDown probes a SIPp UAS answering OPTIONS: the
// trunk goes up, and once SIPp is stopped down within three intervals.
func TestSIPpTrunkOptionsUpDown(t *testing.T) {
	siptest.RequireSipp(t)
	const interval = 200 * time.Millisecond
	for _, tc := range []struct{ transport, sipp string }{{"udp", "u1"}, {"tcp", "t1"}} {
		t.Run(tc.transport, func(t *testing.T) {
			uas := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_options", Calls: -1, Transport: tc.sipp, Timeout: time.Minute})
			ts := startServer(t, Config{}, nil)
			tab := table(t, trunk.Trunk{Name: "carrier", Addresses: []string{uas.Addr()}, Transport: tc.transport,
				Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Probe: trunk.Probe{Interval: interval}})
			m, err := trunk.NewMonitor(tab, ts.Server, trunk.WithLogger(testLogger(t)))
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- m.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })

			state := func() trunk.Status { return m.Snapshot()[0] }
			checkFor(t, 5*time.Second, func() error {
				if s := state(); s.State != trunk.StateUp || s.Addresses[0].Probes < 3 {
					return errors.New("state " + s.State.String())
				}
				return nil
			})
			st := state().Addresses[0]
			assert.Equal(t, 200, st.LastCode)
			assert.Positive(t, st.LastRTT)
			assert.Less(t, st.LastRTT, interval)

			res := uas.Stop()
			assert.GreaterOrEqual(t, res.Successful, 3, "SIPp answered each OPTIONS")
			stopped := time.Now()
			checkFor(t, 3*interval, func() error {
				if s := state(); s.State != trunk.StateDown {
					return errors.New("state " + s.State.String())
				}
				return nil
			})
			t.Logf("%s: down %v after SIPp stopped (interval %v)", tc.transport, time.Since(stopped).Round(time.Millisecond), interval)
			assert.Equal(t, trunk.DefaultDownAfter, state().Addresses[0].Failures)
		})
	}
}
