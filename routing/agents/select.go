package agents

import (
	"slices"
	"strings"
	"time"
)

// Requirement is what a call needs of its agent.
type Requirement struct {
	Skills   []string // every one of these, e.g. the call's purpose
	Clinical bool     // clinical clearance
}

// Candidate is an agent as presence sees it when a call is to be routed.
type Candidate struct {
	Username  string
	Skills    []string
	Clinical  bool
	Available bool      // the agent's web status is available
	Reachable bool      // the agent's phone is registered or has a static contact that answers
	IdleSince time.Time // when the agent last finished a call or became available
	OnCall    bool
}

// eligible reports whether c may be offered a call with req.
func eligible(c *Candidate, req Requirement, excluded []string) bool {
	if !c.Available || !c.Reachable || c.OnCall || req.Clinical && !c.Clinical {
		return false
	}
	for _, s := range req.Skills {
		if !slices.Contains(c.Skills, s) {
			return false
		}
	}
	return !slices.Contains(excluded, c.Username)
}

// before reports whether a is tried before b: longer idle (earlier
// IdleSince) first, then by username.
func before(a, b *Candidate) bool { return compare(a, b) < 0 }

func compare(a, b *Candidate) int {
	if c := a.IdleSince.Compare(b.IdleSince); c != 0 {
		return c
	}
	return strings.Compare(a.Username, b.Username)
}

// Select returns the candidate to offer the call to: the longest-idle one
// that is available, reachable, not on a call, has every required skill
// and, when required, clinical clearance, and is not in excluded (the
// usernames already tried for this call: no answer, busy). Ties on
// IdleSince go to the smaller username; a zero IdleSince counts as idle
// the longest, so presence should set it when an agent becomes available.
// ok is false when no candidate is eligible. Select does not allocate and
// does not modify its arguments; it returns SelectionOrder's first
// candidate.
func Select(cands []Candidate, req Requirement, excluded []string) (Candidate, bool) {
	best := -1
	for i := range cands {
		if !eligible(&cands[i], req, excluded) {
			continue
		}
		if best < 0 || before(&cands[i], &cands[best]) {
			best = i
		}
	}
	if best < 0 {
		return Candidate{}, false
	}
	return cands[best], true
}

// SelectionOrder returns every eligible candidate (see Select) in the
// order they would be tried: longest idle first, ties by username, equal
// ones in input order. It returns nil when none is eligible.
func SelectionOrder(cands []Candidate, req Requirement, excluded []string) []Candidate {
	n := 0
	for i := range cands {
		if eligible(&cands[i], req, excluded) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]Candidate, 0, n)
	for i := range cands {
		if eligible(&cands[i], req, excluded) {
			out = append(out, cands[i])
		}
	}
	slices.SortStableFunc(out, func(a, b Candidate) int { return compare(&a, &b) })
	return out
}
