package agents_test

import (
	"fmt"
	"time"

	"github.com/callgate/callgate/routing/agents"
)

// A nurse-line call needs the nurse skill and clinical clearance; carol
// has been idle longer than bob but was already tried for this call.
func ExampleSelect() {
	now := time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)
	cands := []agents.Candidate{
		{Username: "alice", Skills: []string{"scheduling", "billing"}, Available: true, Reachable: true, IdleSince: now.Add(-9 * time.Minute)},
		{Username: "bob", Skills: []string{"pharmacy", "nurse"}, Clinical: true, Available: true, Reachable: true, IdleSince: now.Add(-2 * time.Minute)},
		{Username: "carol", Skills: []string{"nurse"}, Clinical: true, Available: true, Reachable: true, IdleSince: now.Add(-5 * time.Minute)},
		{Username: "dan", Skills: []string{"nurse"}, Clinical: true, Available: true, Reachable: true, OnCall: true, IdleSince: now.Add(-7 * time.Minute)},
	}
	req := agents.Requirement{Skills: []string{"nurse"}, Clinical: true}
	first, _ := agents.Select(cands, req, nil)
	next, _ := agents.Select(cands, req, []string{first.Username})
	fmt.Println(first.Username, next.Username)
	// Output: carol bob
}
