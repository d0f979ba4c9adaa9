package main

import (
	"context"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/callgate/callgate/web"
)

// presence adapts the Redis roster to web.Presence.
type presence struct{ r *dispatch.RedisRoster }

func (p presence) SetStatus(ctx context.Context, username string, s web.Status, at time.Time) error {
	return p.r.SetStatus(ctx, username, string(s), at)
}

func nonNil(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// revealHook records a reveal in the ledger before the value is sent.
func revealHook(l *audit.Ledger) web.RevealFunc {
	return func(ctx context.Context, r web.Reveal) error {
		_, err := l.Append(ctx, audit.Entry{
			Kind: audit.KindReveal, Actor: r.Agent, CallID: r.CallID, Subject: r.Subject,
			Purpose: r.Purpose, Fields: []string{r.Field}, Policy: r.Policy,
		})
		return err
	}
}

// auditHook records sign-ins, failures and status changes in the ledger.
func auditHook(l *audit.Ledger) func(kind, actor string, detail map[string]string) {
	return func(kind, actor string, detail map[string]string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_, _ = l.Append(ctx, audit.Entry{Kind: audit.Kind(kind), Actor: actor, Detail: detail})
	}
}

// trunkSource adapts the trunk monitor and the SIP server's per-trunk
// call counts to web.TrunkSource.
type trunkSource struct{ a *App }

func (t trunkSource) Trunks(context.Context) []web.Trunk {
	if t.a.monitor == nil {
		return nil
	}
	var calls map[string]int
	if t.a.sip != nil {
		calls = t.a.sip.TrunkCalls()
	}
	snap := t.a.monitor.Snapshot()
	out := make([]web.Trunk, 0, len(snap))
	for _, st := range snap {
		wt := web.Trunk{
			Name: st.Name, Transport: st.Transport, Status: st.State.String(),
			ActiveCalls: calls[st.Name], MaxCalls: st.MaxCalls, ProbeIntervalMS: st.Interval.Milliseconds(),
			Addresses: make([]web.TrunkAddress, 0, len(st.Addresses)),
		}
		for _, ad := range st.Addresses {
			hist := ad.RTTHistory()
			ms := make([]float64, len(hist))
			for i, d := range hist {
				ms[i] = millis(d)
			}
			wt.Addresses = append(wt.Addresses, web.TrunkAddress{
				Address: ad.Address, Status: ad.State.String(), LastCode: ad.LastCode, RTTMS: millis(ad.LastRTT),
				ConsecutiveFailures: ad.Failures, Probes: ad.Probes,
				LastProbe: timePtr(ad.LastProbe), LastChange: timePtr(ad.LastChange), RTTHistoryMS: ms,
			})
		}
		out = append(out, wt)
	}
	return out
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func trunkNames(t *trunk.Table) []string {
	names := make([]string, 0, t.Len())
	for _, tr := range t.Trunks() {
		names = append(names, tr.Name)
	}
	return names
}

var (
	_ web.Presence    = presence{}
	_ web.TrunkSource = trunkSource{}
)
