package agents_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // test clock

// cand returns an eligible candidate idle since t0+idle.
func cand(name string, idle time.Duration, skills ...string) agents.Candidate {
	return agents.Candidate{Username: name, Skills: skills, Available: true, Reachable: true, IdleSince: t0.Add(idle)}
}

func with(c agents.Candidate, f func(*agents.Candidate)) agents.Candidate {
	f(&c)
	return c
}

func TestSelect(t *testing.T) {
	alice := cand("alice", 0, "scheduling", "billing")
	bob := with(cand("bob", time.Minute, "pharmacy", "nurse"), func(c *agents.Candidate) { c.Clinical = true })
	carol := cand("carol", -time.Minute, "scheduling")
	dave := cand("dave", -2*time.Minute, "billing", "scheduling", "pharmacy")
	sched := agents.Requirement{Skills: []string{"scheduling"}}
	cases := []struct {
		name     string
		cands    []agents.Candidate
		req      agents.Requirement
		excluded []string
		want     []string // SelectionOrder usernames; Select returns the first
	}{
		{name: "empty", cands: nil, req: sched, want: nil},
		{name: "no requirement takes anyone eligible, longest idle first", cands: []agents.Candidate{alice, bob, carol, dave}, want: []string{"dave", "carol", "alice", "bob"}},
		{name: "one skill", cands: []agents.Candidate{alice, bob, carol}, req: sched, want: []string{"carol", "alice"}},
		{name: "all skills required", cands: []agents.Candidate{alice, carol, dave}, req: agents.Requirement{Skills: []string{"scheduling", "billing"}}, want: []string{"dave", "alice"}},
		{name: "skill nobody has", cands: []agents.Candidate{alice, bob, dave}, req: agents.Requirement{Skills: []string{"spanish"}}, want: nil},
		{name: "skill subset, not superset", cands: []agents.Candidate{carol}, req: agents.Requirement{Skills: []string{"scheduling", "billing"}}, want: nil},
		{name: "repeated required skill", cands: []agents.Candidate{carol}, req: agents.Requirement{Skills: []string{"scheduling", "scheduling"}}, want: []string{"carol"}},
		{name: "clinical required", cands: []agents.Candidate{dave, bob}, req: agents.Requirement{Skills: []string{"pharmacy"}, Clinical: true}, want: []string{"bob"}},
		{name: "clinical agent takes non-clinical calls", cands: []agents.Candidate{dave, bob}, req: agents.Requirement{Skills: []string{"pharmacy"}}, want: []string{"dave", "bob"}},
		{name: "unavailable", cands: []agents.Candidate{with(carol, func(c *agents.Candidate) { c.Available = false }), alice}, req: sched, want: []string{"alice"}},
		{name: "unreachable", cands: []agents.Candidate{with(carol, func(c *agents.Candidate) { c.Reachable = false }), alice}, req: sched, want: []string{"alice"}},
		{name: "on call", cands: []agents.Candidate{with(carol, func(c *agents.Candidate) { c.OnCall = true }), alice}, req: sched, want: []string{"alice"}},
		{name: "excluded", cands: []agents.Candidate{alice, carol, dave}, req: sched, excluded: []string{"dave", "nobody"}, want: []string{"carol", "alice"}},
		{name: "all excluded", cands: []agents.Candidate{alice, carol}, req: sched, excluded: []string{"carol", "alice"}, want: nil},
		{name: "tie on idle time goes to the smaller username", cands: []agents.Candidate{cand("zed", 0, "billing"), cand("amy", 0, "billing"), cand("max", 0, "billing")},
			req: agents.Requirement{Skills: []string{"billing"}}, want: []string{"amy", "max", "zed"}},
		{name: "longest idle beats username", cands: []agents.Candidate{cand("amy", time.Second, "billing"), cand("zed", 0, "billing")},
			req: agents.Requirement{Skills: []string{"billing"}}, want: []string{"zed", "amy"}},
		{name: "zero IdleSince counts as longest idle", cands: []agents.Candidate{alice, with(cand("new", 0, "scheduling"), func(c *agents.Candidate) { c.IdleSince = time.Time{} })},
			req: sched, want: []string{"new", "alice"}},
		{name: "same instant in another zone is a tie", cands: []agents.Candidate{cand("zed", 0), with(cand("amy", 0), func(c *agents.Candidate) { c.IdleSince = t0.In(time.FixedZone("EST", -5*3600)) })},
			want: []string{"amy", "zed"}},
		{name: "nobody eligible", cands: []agents.Candidate{with(alice, func(c *agents.Candidate) { c.Available = false }), with(carol, func(c *agents.Candidate) { c.OnCall = true })}, req: sched, want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			order := agents.SelectionOrder(tc.cands, tc.req, tc.excluded)
			var names []string
			for _, c := range order {
				names = append(names, c.Username)
			}
			assert.Equal(t, tc.want, names)
			got, ok := agents.Select(tc.cands, tc.req, tc.excluded)
			if len(tc.want) == 0 {
				assert.False(t, ok)
				assert.Equal(t, agents.Candidate{}, got)
				assert.Nil(t, order)
				return
			}
			require.True(t, ok)
			assert.Equal(t, order[0], got)
		})
	}
}

// TestSelectMatchesOrder checks on random presence states that Select is
// SelectionOrder's first candidate, that the order is by idle time then
// username, and that every eligible candidate is listed once.
func TestSelectMatchesOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	skills := []string{"scheduling", "billing", "pharmacy", "nurse"}
	for i := range 500 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			cands := make([]agents.Candidate, rng.IntN(20))
			for j := range cands {
				c := agents.Candidate{
					Username: fmt.Sprintf("u%d", rng.IntN(8)), Clinical: rng.IntN(2) == 0,
					Available: rng.IntN(4) != 0, Reachable: rng.IntN(4) != 0, OnCall: rng.IntN(4) == 0,
					IdleSince: t0.Add(time.Duration(rng.IntN(4)) * time.Second),
				}
				for _, s := range skills {
					if rng.IntN(2) == 0 {
						c.Skills = append(c.Skills, s)
					}
				}
				cands[j] = c
			}
			req := agents.Requirement{Skills: skills[:rng.IntN(3)], Clinical: rng.IntN(3) == 0}
			excluded := []string{fmt.Sprintf("u%d", rng.IntN(8))}
			order := agents.SelectionOrder(cands, req, excluded)
			got, ok := agents.Select(cands, req, excluded)
			require.Equal(t, len(order) > 0, ok)
			if ok {
				assert.Equal(t, order[0], got)
			}
			n := 0
			for _, c := range cands {
				if c.Available && c.Reachable && !c.OnCall && (!req.Clinical || c.Clinical) && c.Username != excluded[0] && hasAll(c.Skills, req.Skills) {
					n++
				}
			}
			assert.Len(t, order, n)
			for j := 1; j < len(order); j++ {
				a, b := order[j-1], order[j]
				assert.True(t, a.IdleSince.Before(b.IdleSince) || a.IdleSince.Equal(b.IdleSince) && a.Username <= b.Username)
			}
		})
	}
}

func hasAll(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func TestSelectDoesNotModifyInput(t *testing.T) {
	cands := []agents.Candidate{cand("b", 0, "x"), cand("a", 0, "x")}
	before := []agents.Candidate{cand("b", 0, "x"), cand("a", 0, "x")}
	_, _ = agents.Select(cands, agents.Requirement{Skills: []string{"x"}}, nil)
	_ = agents.SelectionOrder(cands, agents.Requirement{Skills: []string{"x"}}, nil)
	assert.Equal(t, before, cands)
}
