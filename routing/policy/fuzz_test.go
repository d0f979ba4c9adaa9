package policy_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/callgate/callgate/routing/policy"
)

// FuzzParsePolicy checks that Parse never panics, that every error is a
// positioned *ParseError wrapping ErrInvalidPolicy, and that whatever
// policy parses keeps Decide's invariants: fields sorted, known and
// unique; nothing at level none or for role unknown; nothing to a
// representative outside their scope unless no rule needs it; Project
// within the decision. (Named FuzzParsePolicy, not FuzzParse: the
// Makefile's fuzz target finds each name in one package only, and
// flows has FuzzParse. `go test -fuzz FuzzParse ./routing/policy` runs it.)
func FuzzParsePolicy(f *testing.F) {
	f.Add(policy.DemoSource())
	f.Add(doc("version: 1", "fields: [name]", "rules: []"))
	f.Add(doc("version: 1", "fields: [a, b]", "rules: [{level: full, role: representative, in_scope: true, purposes: {p: [a, {field: b, clinical: true}]}}]",
		"restrictions: {r: {deny_roles: [self], deny_fields: [a], notice: n}}", "flags: {f: {unverified: true}}"))
	f.Add(doc("version: 1", "fields: &x [a]", "rules: *x"))
	f.Add(doc("version: 1", "fields: [a", "rules:"))
	f.Add([]byte("- a\n---\nb: c\n"))

	levels := []string{"none", "partial", "full", "x"}
	roles := []string{"unknown", "self", "representative", "involved"}
	member := map[string]string{"a": "1", "b": "2", "name": "n", "p": "3"}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := policy.Parse(src)
		if err != nil {
			var pe *policy.ParseError
			if !errors.As(err, &pe) || !errors.Is(err, policy.ErrInvalidPolicy) || pe.Line < 1 || pe.Column < 1 || pe.Msg == "" || pe.Class == nil {
				t.Fatalf("bad error %#v: %v", err, err)
			}
			if p != nil {
				t.Fatal("policy with an error")
			}
			return
		}
		known := p.Fields()
		purposes := append(slices.Clone(known), "scheduling", "p", "")
		for _, lv := range levels {
			for _, rl := range roles {
				for _, pu := range purposes {
					for _, clinical := range []bool{false, true} {
						c := policy.Call{Level: lv, Role: rl, Purpose: pu, Restrictions: known[:1], Flags: known[:1]}
						d := p.Decide(c, policy.Agent{Clinical: clinical})
						if !slices.IsSorted(d.Fields) || len(slices.Compact(slices.Clone(d.Fields))) != len(d.Fields) {
							t.Fatalf("fields not sorted and unique: %q", d.Fields)
						}
						for _, fl := range d.Fields {
							if !slices.Contains(known, fl) {
								t.Fatalf("unknown field %q", fl)
							}
						}
						if d.Reason == "" {
							t.Fatal("no reason")
						}
						if (lv != "partial" && lv != "full" || rl == "unknown") && d.Fields != nil {
							t.Fatalf("%s/%s shows %q", lv, rl, d.Fields)
						}
						if (lv == "none" || lv == "x") && d.Banner != policy.BannerUnverified {
							t.Fatalf("%s banner %q", lv, d.Banner)
						}
						if rl == "representative" && d.Fields != nil {
							t.Fatalf("representative with no scope shown %q", d.Fields)
						}
						shown := p.Project(d, member)
						for k := range shown {
							if !slices.Contains(d.Fields, k) {
								t.Fatalf("projected %q not in %q", k, d.Fields)
							}
						}
					}
				}
			}
		}
	})
}
