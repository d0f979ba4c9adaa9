package web

import "maps"

// ScreenPop is what an agent's screen shows for a call (DESIGN.md § Agent
// screen): who is calling, how well verified, for what, and what may and
// may not be disclosed. It carries no PHI except the permitted Context.
type ScreenPop struct {
	CallID            string   `json:"call_id"`            // the caller's SIP Call-ID
	VerificationLevel string   `json:"verification_level"` // none, partial, full
	CallerRole        string   `json:"caller_role"`        // unknown, self, representative, involved
	Purpose           string   `json:"purpose"`            // e.g. scheduling, billing, pharmacy, nurse
	RecordingConsent  string   `json:"recording_consent"`  // granted, declined, unanswered
	Restrictions      []string `json:"restrictions"`       // the member's restrictions; [] when none
	Flags             []string `json:"flags"`              // signals such as verification_failed; [] when none
	Banner            string   `json:"banner,omitempty"`   // one line the agent must see first, e.g. "Do not record"
	Notices           []string `json:"notices,omitempty"`  // further guidance for the agent
	// Context holds only the member fields the disclosure policy permits
	// for this call and this agent; a field not permitted is absent, not
	// masked. {} when none. Its values are PHI: never logged.
	Context map[string]string `json:"context"`
	// Sensitive names the Context fields the agent page keeps hidden until
	// the agent asks to reveal one (POST /api/v1/agent/reveal, recorded in
	// the ledger). [] when none.
	Sensitive []string `json:"sensitive"`

	// Subject and Policy are for the ledger entries of reveals: the
	// member's opaque reference and the policy version. Never sent.
	Subject string `json:"-"`
	Policy  string `json:"-"`
}

// clone returns a deep copy of p in which Restrictions, Flags and Context
// are never nil, so they encode as [] and {} rather than null.
func (p ScreenPop) clone() ScreenPop {
	p.Restrictions = cloneStrings(p.Restrictions)
	p.Flags = cloneStrings(p.Flags)
	p.Sensitive = cloneStrings(p.Sensitive)
	if p.Notices != nil {
		p.Notices = cloneStrings(p.Notices)
	}
	if p.Context == nil {
		p.Context = map[string]string{}
	} else {
		p.Context = maps.Clone(p.Context)
	}
	return p
}

// cloneStrings copies s, returning an empty, non-nil slice for nil.
func cloneStrings(s []string) []string {
	out := make([]string, len(s))
	copy(out, s)
	return out
}
