package policy

import (
	"math/bits"
	"slices"
)

// Policy is a parsed disclosure policy. It is immutable once Parse returns
// it and safe for concurrent use.
type Policy struct {
	// Version is the format version of the source (1).
	Version int

	id string // "sha256:" and the hex SHA-256 of the source

	fields []string       // member fields as declared; bit i is fields[i]
	index  map[string]int // field name → bit
	sorted []int          // bits in field-name order, for Decision.Fields

	sensitive uint64 // fields hidden until revealed

	rules [numLevels][numRoles]*rule

	restrictions map[string]*condition
	restrOrder   []*condition // by name
	flags        map[string]*condition
	flagOrder    []*condition // by name
}

// rule is one compiled entry of rules: what a level and role may see, by
// purpose.
type rule struct {
	inScope  bool // the purpose must be in the representative's scope
	purposes map[string]*grant
}

// grant is what one rule grants for one purpose, as field bit masks.
type grant struct {
	base       uint64 // for every agent
	clinical   uint64 // for clinically cleared agents only
	reason     string // "rule full/self/nurse"
	outOfScope string // "out of scope: rule full/representative/nurse"
}

// condition is a compiled restriction or flag.
type condition struct {
	name       string
	denyRoles  uint8  // bit per role
	denyFields uint64 // field bits withheld whatever the rule grants
	unverified bool   // flags only: the call counts as level none
	notice     string // "<name>: <text>", or ""
	reason     string // "restricted: <name>" or "flag: <name>"
}

// Fields returns the member fields the policy knows, in declared order.
func (p *Policy) Fields() []string { return slices.Clone(p.fields) }

// ID identifies the exact policy text: "sha256:" and the hex SHA-256 of
// the source it was parsed from. The ledger records it with every
// disclosure, so an accounting names the policy that permitted it. A nil
// policy (none could be loaded) has the ID "".
func (p *Policy) ID() string {
	if p == nil {
		return ""
	}
	return p.id
}

// Sensitive returns the fields the agent page hides until the agent asks
// to reveal one, sorted by name; nil when none.
func (p *Policy) Sensitive() []string { return p.names(p.sensitive) }

// IsSensitive reports whether field is hidden until revealed.
func (p *Policy) IsSensitive(field string) bool {
	bit, ok := p.index[field]
	return ok && p.sensitive&(1<<bit) != 0
}

// names returns the fields in mask, sorted by name; nil when mask is 0.
func (p *Policy) names(mask uint64) []string {
	if mask == 0 {
		return nil
	}
	out := make([]string, 0, bits.OnesCount64(mask))
	for _, b := range p.sorted {
		if mask&(1<<b) != 0 {
			out = append(out, p.fields[b])
		}
	}
	return out
}
