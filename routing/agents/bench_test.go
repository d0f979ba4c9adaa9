package agents_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/agents"
)

// candidates returns n candidates: a quarter unavailable, some on calls,
// skills and clearance spread, idle times distinct.
func candidates(n int) []agents.Candidate {
	skills := [][]string{{"scheduling", "billing"}, {"pharmacy", "nurse"}, {"billing"}, {"scheduling", "billing", "pharmacy"}}
	out := make([]agents.Candidate, n)
	for i := range out {
		out[i] = agents.Candidate{
			Username: fmt.Sprintf("agent%04d", i), Skills: skills[i%len(skills)], Clinical: i%7 == 0,
			Available: i%4 != 0, Reachable: i%9 != 0, OnCall: i%5 == 0,
			IdleSince: t0.Add(time.Duration((i*7919)%n) * time.Second),
		}
	}
	return out
}

var (
	candSink  agents.Candidate   //nolint:gochecknoglobals // benchmark sink
	orderSink []agents.Candidate //nolint:gochecknoglobals // benchmark sink
)

func BenchmarkSelect(b *testing.B) {
	cands := candidates(1000)
	req := agents.Requirement{Skills: []string{"billing"}}
	excluded := []string{"agent0001", "agent0002"}
	b.ReportAllocs()
	for b.Loop() {
		c, ok := agents.Select(cands, req, excluded)
		if !ok {
			b.Fatal("none")
		}
		candSink = c
	}
}

func BenchmarkSelectionOrder(b *testing.B) {
	cands := candidates(1000)
	req := agents.Requirement{Skills: []string{"billing"}}
	b.ReportAllocs()
	for b.Loop() {
		orderSink = agents.SelectionOrder(cands, req, nil)
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	a := demoAgents(b)[0]
	pw := []byte("alice-demo-1")
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := agents.VerifyPassword(a.PasswordHash, pw); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
