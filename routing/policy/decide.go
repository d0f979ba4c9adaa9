package policy

// Call is what the call's tags say, as Decide needs it. Values are the
// tag values (lowercase words); the comma lists are split by the caller.
type Call struct {
	Level        string   // verification_level: none, partial, full
	Role         string   // caller_role: unknown, self, representative, involved
	Purpose      string   // purpose, e.g. scheduling
	Restrictions []string // the member's restriction names
	Flags        []string // the call's flags, e.g. locked_out
	RepScope     []string // a verified representative's purposes
}

// Agent is the agent the screen is for.
type Agent struct {
	Username string // for the caller's ledger entry; Decide does not use it
	Clinical bool   // clinical clearance: may see fields granted with clinical: true
}

// Decision is what an agent's screen may show for a call.
type Decision struct {
	// Fields are the member fields the screen may show, sorted by name;
	// nil when nothing is permitted.
	Fields []string
	// Notices are lines the screen must show: the notice of each of the
	// call's flags (by flag name), then of each of the member's
	// restrictions (by restriction name), then NoticeUnknownRestriction
	// and NoticeClinical when they apply. Nil when there are none.
	Notices []string
	// Banner is BannerUnverified at effective level none (no, unknown or
	// locked-out verification), BannerPartial at partial and "" at full.
	Banner string
	// Reason is why Fields is what it is, for the disclosure ledger. It is
	// bounded (see the Reason constants) and never holds call data.
	Reason string
}

// Decide returns what agent a may be shown about the member on call c.
// It follows, in order:
//
//  1. A level that is not none, partial or full counts as none. A flag
//     marked unverified (demo: locked_out) makes the call count as none.
//     At level none nothing is shown.
//  2. A role that is not one of the four shows nothing.
//  3. A restriction of the member that the policy does not list shows
//     nothing (it cannot be enforced); one whose deny_roles holds the
//     caller's role shows nothing.
//  4. The rule for the level and role, and its entry for the purpose,
//     grant fields; no rule or no entry shows nothing. A rule with
//     in_scope shows nothing unless the purpose is in c.RepScope.
//  5. Fields granted with clinical: true are shown only to a clinical
//     agent. deny_fields of the call's restrictions and flags are removed.
//
// Restrictions and flags only take away; notices are added whatever the
// outcome. A nil policy shows nothing. Decide does not modify c.
func (p *Policy) Decide(c Call, a Agent) Decision {
	if p == nil {
		return Decision{Banner: BannerUnverified, Reason: ReasonNoPolicy}
	}
	var d Decision
	mask, clinicalWithheld, unknownRestr := p.decide(c, a, &d)
	d.Fields = p.names(mask)
	d.Notices = p.notices(c, unknownRestr, clinicalWithheld)
	return d
}

// decide sets d.Banner and d.Reason and returns the permitted field mask,
// whether clinical fields were withheld from a non-clinical agent, and
// whether the member has a restriction the policy does not list.
func (p *Policy) decide(c Call, a Agent, d *Decision) (mask uint64, clinicalWithheld, unknownRestr bool) {
	unknownRestr = p.unknownRestriction(c.Restrictions)
	lv, ok := levelOf(c.Level)
	switch {
	case !ok:
		d.Banner, d.Reason = BannerUnverified, ReasonUnknownLevel
		return 0, false, unknownRestr
	case lv == levelNone:
		d.Banner, d.Reason = BannerUnverified, ReasonLevelNone
		return 0, false, unknownRestr
	}
	for _, cond := range p.flagOrder {
		if cond.unverified && has(c.Flags, cond.name) {
			d.Banner, d.Reason = BannerUnverified, cond.reason
			return 0, false, unknownRestr
		}
	}
	if lv == levelPartial {
		d.Banner = BannerPartial
	}
	rl, ok := roleOf(c.Role)
	switch {
	case !ok:
		d.Reason = ReasonUnknownRole
		return 0, false, unknownRestr
	case unknownRestr:
		d.Reason = ReasonUnknownRestriction
		return 0, false, true
	}
	var deny uint64
	for _, set := range [2]struct {
		order []*condition
		have  []string
	}{{p.restrOrder, c.Restrictions}, {p.flagOrder, c.Flags}} {
		for _, cond := range set.order {
			if !has(set.have, cond.name) {
				continue
			}
			if cond.denyRoles&(1<<rl) != 0 {
				d.Reason = cond.reason
				return 0, false, false
			}
			deny |= cond.denyFields
		}
	}
	r := p.rules[lv][rl]
	if r == nil {
		d.Reason = ReasonNoRule
		return 0, false, false
	}
	g := r.purposes[c.Purpose]
	if g == nil {
		d.Reason = ReasonNoRule
		return 0, false, false
	}
	if r.inScope && !has(c.RepScope, c.Purpose) {
		d.Reason = g.outOfScope
		return 0, false, false
	}
	d.Reason = g.reason
	mask = g.base
	if a.Clinical {
		mask |= g.clinical
	} else {
		clinicalWithheld = g.clinical&^deny != 0
	}
	return mask &^ deny, clinicalWithheld, false
}

// unknownRestriction reports whether names holds a restriction the policy
// does not list. Empty names are ignored.
func (p *Policy) unknownRestriction(names []string) bool {
	for _, name := range names {
		if _, ok := p.restrictions[name]; !ok && name != "" {
			return true
		}
	}
	return false
}

// notices lists the notices for c, in the order Decision.Notices
// documents, in one allocation.
func (p *Policy) notices(c Call, unknownRestr, clinicalWithheld bool) []string {
	n := 0
	if unknownRestr {
		n++
	}
	if clinicalWithheld {
		n++
	}
	for _, cond := range p.flagOrder {
		if cond.notice != "" && has(c.Flags, cond.name) {
			n++
		}
	}
	for _, cond := range p.restrOrder {
		if cond.notice != "" && has(c.Restrictions, cond.name) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]string, 0, n)
	for _, cond := range p.flagOrder {
		if cond.notice != "" && has(c.Flags, cond.name) {
			out = append(out, cond.notice)
		}
	}
	for _, cond := range p.restrOrder {
		if cond.notice != "" && has(c.Restrictions, cond.name) {
			out = append(out, cond.notice)
		}
	}
	if unknownRestr {
		out = append(out, NoticeUnknownRestriction)
	}
	if clinicalWithheld {
		out = append(out, NoticeClinical)
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
