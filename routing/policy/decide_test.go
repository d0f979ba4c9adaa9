package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oracle is DESIGN.md's demo disclosure table written out by hand, with
// the demo policy's documented choices (package doc): it shares no code
// with Decide. It returns the permitted fields (sorted, nil for none), the
// banner and the name prefixes of the expected notices, in order.
func oracle(c policy.Call, clinical bool) (fields []string, banner string, notices []string) {
	level := c.Level
	if level != "partial" && level != "full" {
		level = "none"
	}
	if slices.Contains(c.Flags, "locked_out") {
		level = "none"
	}
	switch level {
	case "none":
		banner = "UNVERIFIED"
	case "partial":
		banner = "PARTIALLY VERIFIED"
	}

	for _, f := range []string{"locked_out", "suspected_pretexting", "verification_failed"} {
		if slices.Contains(c.Flags, f) {
			notices = append(notices, f+": ")
		}
	}
	unknown := false
	for _, r := range c.Restrictions {
		if r != "" && r != "no-family-disclosure" && r != "contact-mobile-only" {
			unknown = true
		}
	}
	for _, r := range []string{"contact-mobile-only", "no-family-disclosure"} {
		if slices.Contains(c.Restrictions, r) {
			notices = append(notices, r+": ")
		}
	}
	if unknown {
		notices = append(notices, "unknown restriction: ")
	}

	knownRole := c.Role == "unknown" || c.Role == "self" || c.Role == "representative" || c.Role == "involved"
	switch {
	case level == "none", !knownRole, unknown:
		return nil, banner, notices
	case slices.Contains(c.Restrictions, "no-family-disclosure") && c.Role != "self":
		return nil, banner, notices
	}

	withheldClinical := false
	switch {
	case level == "partial" && c.Role == "self":
		switch c.Purpose {
		case "scheduling":
			fields = []string{"name", "appointments"}
		case "billing":
			fields = []string{"name", "plan"}
		case "pharmacy", "nurse":
			fields = []string{"name"}
		}
	case level == "full" && c.Role == "self":
		switch c.Purpose {
		case "scheduling":
			fields = []string{"name", "phone", "appointments"}
		case "billing":
			fields = []string{"name", "plan", "balance", "claims"}
		case "pharmacy":
			fields = []string{"name", "prescriptions"}
		case "nurse":
			fields = []string{"name", "prescriptions"}
			if clinical {
				fields = append(fields, "lab_results")
			} else {
				withheldClinical = true
			}
		}
	case level == "full" && c.Role == "representative" && slices.Contains(c.RepScope, c.Purpose):
		switch c.Purpose {
		case "scheduling":
			fields = []string{"name", "appointments"}
		case "billing":
			fields = []string{"name", "plan", "balance"}
		}
	}
	if withheldClinical {
		notices = append(notices, "clinical: ")
	}
	slices.Sort(fields)
	return fields, banner, notices
}

// TestDecideExhaustive checks every combination of level, role, purpose,
// clearance, restrictions, representative scope and flags against the
// oracle, and that Project shows exactly the decided fields.
func TestDecideExhaustive(t *testing.T) {
	p := demo(t)
	member := james()
	levels := []string{"none", "partial", "full", "verified"}
	roles := []string{"unknown", "self", "representative", "involved", "spouse"}
	purposes := []string{"scheduling", "billing", "pharmacy", "nurse", "claims-appeal"}
	restrictions := []struct {
		name string
		list []string
	}{
		{"none", nil},
		{"nfd", []string{"no-family-disclosure"}},
		{"cmo", []string{"contact-mobile-only"}},
		{"nfd+cmo", []string{"contact-mobile-only", "no-family-disclosure"}},
		{"unlisted", []string{"no-email"}},
	}
	scopes := []struct {
		name string
		list []string
	}{
		{"noscope", nil},
		{"scope=scheduling+billing", []string{"scheduling", "billing"}},
		{"scope=scheduling", []string{"scheduling"}},
	}
	flags := []struct {
		name string
		list []string
	}{
		{"noflags", nil},
		{"locked_out", []string{"locked_out"}},
		{"pretexting", []string{"suspected_pretexting"}},
	}
	n := 0
	for _, lv := range levels {
		for _, rl := range roles {
			for _, pu := range purposes {
				for _, clinical := range []bool{false, true} {
					for _, rs := range restrictions {
						for _, sc := range scopes {
							for _, fl := range flags {
								c := policy.Call{Level: lv, Role: rl, Purpose: pu, Restrictions: rs.list, RepScope: sc.list, Flags: fl.list}
								agent := "agent"
								if clinical {
									agent = "clinical"
								}
								name := strings.Join([]string{lv, rl, pu, agent, rs.name, sc.name, fl.name}, "/")
								n++
								t.Run(name, func(t *testing.T) {
									wantFields, wantBanner, wantNotices := oracle(c, clinical)
									d := p.Decide(c, policy.Agent{Username: "a", Clinical: clinical})
									assert.Equal(t, wantFields, d.Fields, "fields")
									assert.Equal(t, wantBanner, d.Banner, "banner")
									require.Len(t, d.Notices, len(wantNotices), "notices %q", d.Notices)
									for i, prefix := range wantNotices {
										assert.True(t, strings.HasPrefix(d.Notices[i], prefix), "notice %d %q, want %q...", i, d.Notices[i], prefix)
									}
									assert.NotEmpty(t, d.Reason)
									shown := p.Project(d, member)
									assert.Len(t, shown, len(d.Fields))
									for _, f := range d.Fields {
										assert.Equal(t, member[f], shown[f], f)
									}
								})
							}
						}
					}
				}
			}
		}
	}
	require.Equal(t, 4*5*5*2*5*3*3, n)
}

// TestDecideTable has one named case for every cell of DESIGN.md's demo
// table, and for the demo policy's own choices, with the exact reason.
func TestDecideTable(t *testing.T) {
	p := demo(t)
	agent := policy.Agent{Username: "alice"}
	nurse := policy.Agent{Username: "bob", Clinical: true}
	carlos := []string{"scheduling", "billing"} // Maria's spouse
	ann := []string{"scheduling"}               // James's daughter
	jamesRestr := []string{"contact-mobile-only", "no-family-disclosure"}
	cases := []struct {
		name        string
		call        policy.Call
		agent       policy.Agent
		wantFields  []string
		wantBanner  string
		wantReason  string
		wantNotices []string // name prefixes
	}{
		// Row: none.
		{name: "none scheduling", call: policy.Call{Level: "none", Role: "self", Purpose: "scheduling"}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "level none"},
		{name: "none billing", call: policy.Call{Level: "none", Role: "self", Purpose: "billing"}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "level none"},
		{name: "none pharmacy", call: policy.Call{Level: "none", Role: "unknown", Purpose: "pharmacy"}, agent: nurse,
			wantBanner: "UNVERIFIED", wantReason: "level none"},
		{name: "none nurse clinical", call: policy.Call{Level: "none", Role: "self", Purpose: "nurse"}, agent: nurse,
			wantBanner: "UNVERIFIED", wantReason: "level none"},
		{name: "none representative", call: policy.Call{Level: "none", Role: "representative", Purpose: "scheduling", RepScope: carlos}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "level none"},

		// Row: partial, self.
		{name: "partial self scheduling", call: policy.Call{Level: "partial", Role: "self", Purpose: "scheduling"}, agent: agent,
			wantFields: []string{"appointments", "name"}, wantBanner: "PARTIALLY VERIFIED", wantReason: "rule partial/self/scheduling"},
		{name: "partial self billing", call: policy.Call{Level: "partial", Role: "self", Purpose: "billing"}, agent: agent,
			wantFields: []string{"name", "plan"}, wantBanner: "PARTIALLY VERIFIED", wantReason: "rule partial/self/billing"},
		{name: "partial self pharmacy", call: policy.Call{Level: "partial", Role: "self", Purpose: "pharmacy"}, agent: nurse,
			wantFields: []string{"name"}, wantBanner: "PARTIALLY VERIFIED", wantReason: "rule partial/self/pharmacy"},
		{name: "partial self nurse clinical", call: policy.Call{Level: "partial", Role: "self", Purpose: "nurse"}, agent: nurse,
			wantFields: []string{"name"}, wantBanner: "PARTIALLY VERIFIED", wantReason: "rule partial/self/nurse"},

		// Row: full, self.
		{name: "full self scheduling", call: policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, agent: agent,
			wantFields: []string{"appointments", "name", "phone"}, wantReason: "rule full/self/scheduling"},
		{name: "full self billing", call: policy.Call{Level: "full", Role: "self", Purpose: "billing"}, agent: agent,
			wantFields: []string{"balance", "claims", "name", "plan"}, wantReason: "rule full/self/billing"},
		{name: "full self pharmacy", call: policy.Call{Level: "full", Role: "self", Purpose: "pharmacy"}, agent: nurse,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/pharmacy"},
		{name: "full self nurse clinical agent", call: policy.Call{Level: "full", Role: "self", Purpose: "nurse"}, agent: nurse,
			wantFields: []string{"lab_results", "name", "prescriptions"}, wantReason: "rule full/self/nurse"},
		{name: "full self nurse non-clinical agent", call: policy.Call{Level: "full", Role: "self", Purpose: "nurse"}, agent: agent,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/nurse", wantNotices: []string{"clinical: "}},

		// Row: full, representative, purpose in scope.
		{name: "representative scheduling in scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "scheduling", RepScope: carlos}, agent: agent,
			wantFields: []string{"appointments", "name"}, wantReason: "rule full/representative/scheduling"},
		{name: "representative billing in scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "billing", RepScope: carlos}, agent: agent,
			wantFields: []string{"balance", "name", "plan"}, wantReason: "rule full/representative/billing"},
		{name: "representative pharmacy in scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "pharmacy", RepScope: []string{"pharmacy"}}, agent: nurse,
			wantReason: "no rule"},
		{name: "representative nurse in scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "nurse", RepScope: []string{"nurse"}}, agent: nurse,
			wantReason: "no rule"},
		{name: "representative billing out of scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "billing", RepScope: ann}, agent: agent,
			wantReason: "out of scope: rule full/representative/billing"},
		{name: "representative with no scope", call: policy.Call{Level: "full", Role: "representative", Purpose: "scheduling"}, agent: agent,
			wantReason: "out of scope: rule full/representative/scheduling"},
		{name: "representative partial", call: policy.Call{Level: "partial", Role: "representative", Purpose: "scheduling", RepScope: carlos}, agent: agent,
			wantBanner: "PARTIALLY VERIFIED", wantReason: "no rule"},

		// Row: no-family-disclosure, caller not self.
		{name: "no-family-disclosure representative scheduling", call: policy.Call{Level: "full", Role: "representative", Purpose: "scheduling", RepScope: ann, Restrictions: jamesRestr}, agent: agent,
			wantReason: "restricted: no-family-disclosure", wantNotices: []string{"contact-mobile-only: ", "no-family-disclosure: "}},
		{name: "no-family-disclosure representative billing", call: policy.Call{Level: "full", Role: "representative", Purpose: "billing", RepScope: carlos, Restrictions: []string{"no-family-disclosure"}}, agent: agent,
			wantReason: "restricted: no-family-disclosure", wantNotices: []string{"no-family-disclosure: "}},
		{name: "no-family-disclosure involved pharmacy", call: policy.Call{Level: "full", Role: "involved", Purpose: "pharmacy", Restrictions: jamesRestr}, agent: nurse,
			wantReason: "restricted: no-family-disclosure", wantNotices: []string{"contact-mobile-only: ", "no-family-disclosure: "}},
		{name: "no-family-disclosure involved nurse", call: policy.Call{Level: "full", Role: "involved", Purpose: "nurse", Restrictions: jamesRestr}, agent: nurse,
			wantReason: "restricted: no-family-disclosure", wantNotices: []string{"contact-mobile-only: ", "no-family-disclosure: "}},
		{name: "no-family-disclosure self is a notice only", call: policy.Call{Level: "full", Role: "self", Purpose: "scheduling", Restrictions: jamesRestr}, agent: agent,
			wantFields: []string{"appointments", "name", "phone"}, wantReason: "rule full/self/scheduling",
			wantNotices: []string{"contact-mobile-only: ", "no-family-disclosure: "}},

		// The demo policy's own choices.
		{name: "contact-mobile-only keeps the mobile phone", call: policy.Call{Level: "full", Role: "self", Purpose: "scheduling", Restrictions: []string{"contact-mobile-only"}}, agent: agent,
			wantFields: []string{"appointments", "name", "phone"}, wantReason: "rule full/self/scheduling", wantNotices: []string{"contact-mobile-only: "}},
		{name: "unlisted restriction blocks everything", call: policy.Call{Level: "full", Role: "self", Purpose: "scheduling", Restrictions: []string{"no-voicemail"}}, agent: agent,
			wantReason: "restricted: unknown restriction", wantNotices: []string{"unknown restriction: "}},
		{name: "empty restriction names are ignored", call: policy.Call{Level: "full", Role: "self", Purpose: "pharmacy", Restrictions: []string{""}}, agent: agent,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/pharmacy"},
		{name: "locked out after partial", call: policy.Call{Level: "partial", Role: "self", Purpose: "scheduling", Flags: []string{"locked_out", "verification_failed"}}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "flag: locked_out", wantNotices: []string{"locked_out: ", "verification_failed: "}},
		{name: "locked out at level none", call: policy.Call{Level: "none", Role: "unknown", Purpose: "billing", Flags: []string{"locked_out"}}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "level none", wantNotices: []string{"locked_out: "}},
		{name: "suspected pretexting does not narrow or widen", call: policy.Call{Level: "full", Role: "self", Purpose: "billing", Flags: []string{"suspected_pretexting"}}, agent: agent,
			wantFields: []string{"balance", "claims", "name", "plan"}, wantReason: "rule full/self/billing", wantNotices: []string{"suspected_pretexting: "}},
		{name: "unlisted flag is ignored", call: policy.Call{Level: "full", Role: "self", Purpose: "pharmacy", Flags: []string{"vip"}}, agent: agent,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/pharmacy"},
		{name: "notices in name order, once each", call: policy.Call{Level: "full", Role: "self", Purpose: "pharmacy",
			Flags:        []string{"verification_failed", "suspected_pretexting", "verification_failed"},
			Restrictions: []string{"no-family-disclosure", "contact-mobile-only", "no-family-disclosure"}}, agent: agent,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/pharmacy",
			wantNotices: []string{"suspected_pretexting: ", "verification_failed: ", "contact-mobile-only: ", "no-family-disclosure: "}},
		{name: "unknown level", call: policy.Call{Level: "FULL", Role: "self", Purpose: "scheduling"}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "unknown level"},
		{name: "empty level", call: policy.Call{Role: "self", Purpose: "scheduling"}, agent: agent,
			wantBanner: "UNVERIFIED", wantReason: "unknown level"},
		{name: "unknown role", call: policy.Call{Level: "full", Role: "guardian", Purpose: "scheduling"}, agent: agent,
			wantReason: "unknown role"},
		{name: "role unknown", call: policy.Call{Level: "full", Role: "unknown", Purpose: "scheduling"}, agent: agent,
			wantReason: "no rule"},
		{name: "involved has no rule", call: policy.Call{Level: "full", Role: "involved", Purpose: "scheduling"}, agent: agent,
			wantReason: "no rule"},
		{name: "unknown purpose", call: policy.Call{Level: "full", Role: "self", Purpose: "records"}, agent: agent,
			wantReason: "no rule"},
		{name: "scope does not matter for self", call: policy.Call{Level: "full", Role: "self", Purpose: "pharmacy", RepScope: ann}, agent: agent,
			wantFields: []string{"name", "prescriptions"}, wantReason: "rule full/self/pharmacy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := p.Decide(tc.call, tc.agent)
			assert.Equal(t, tc.wantFields, d.Fields, "fields")
			assert.Equal(t, tc.wantBanner, d.Banner, "banner")
			assert.Equal(t, tc.wantReason, d.Reason, "reason")
			require.Len(t, d.Notices, len(tc.wantNotices), "notices %q", d.Notices)
			for i, prefix := range tc.wantNotices {
				assert.True(t, strings.HasPrefix(d.Notices[i], prefix), "notice %d %q, want %q...", i, d.Notices[i], prefix)
			}
		})
	}
}

// TestDecideDoesNotModifyCall checks that Decide leaves the call's slices
// alone and that decisions do not share memory.
func TestDecideDoesNotModifyCall(t *testing.T) {
	p := demo(t)
	c := policy.Call{Level: "full", Role: "self", Purpose: "billing",
		Restrictions: []string{"no-family-disclosure", "contact-mobile-only"}, Flags: []string{"verification_failed"}, RepScope: []string{"billing"}}
	before := policy.Call{Level: c.Level, Role: c.Role, Purpose: c.Purpose,
		Restrictions: slices.Clone(c.Restrictions), Flags: slices.Clone(c.Flags), RepScope: slices.Clone(c.RepScope)}
	d1 := p.Decide(c, policy.Agent{})
	assert.Equal(t, before, c)
	d1.Fields[0], d1.Notices[0] = "dob", "tampered"
	d2 := p.Decide(c, policy.Agent{})
	assert.Equal(t, []string{"balance", "claims", "name", "plan"}, d2.Fields)
	assert.NotEqual(t, "tampered", d2.Notices[0])
}

func TestDecideNilPolicy(t *testing.T) {
	var p *policy.Policy
	d := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, policy.Agent{Clinical: true})
	assert.Equal(t, policy.Decision{Banner: "UNVERIFIED", Reason: "no policy"}, d)
	assert.Empty(t, p.Project(policy.Decision{Fields: []string{"name"}}, james()))
}
