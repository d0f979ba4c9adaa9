package policy_test

import (
	"testing"

	"github.com/callgate/callgate/routing/policy"
)

// Sinks keep benchmark results on the heap, as a real caller's would be.
var (
	decisionSink policy.Decision   //nolint:gochecknoglobals // benchmark sink
	screenSink   map[string]string //nolint:gochecknoglobals // benchmark sink
)

func BenchmarkDecide(b *testing.B) {
	p := demo(b)
	cases := []struct {
		name  string
		call  policy.Call
		agent policy.Agent
	}{
		{"unverified", policy.Call{Level: "none", Role: "unknown", Purpose: "scheduling"}, policy.Agent{}},
		{"full-self-billing", policy.Call{Level: "full", Role: "self", Purpose: "billing"}, policy.Agent{}},
		{"full-self-nurse-restricted-flagged", policy.Call{Level: "full", Role: "self", Purpose: "nurse",
			Restrictions: []string{"contact-mobile-only", "no-family-disclosure"}, Flags: []string{"suspected_pretexting"}}, policy.Agent{Clinical: true}},
		{"representative-denied", policy.Call{Level: "full", Role: "representative", Purpose: "scheduling",
			Restrictions: []string{"contact-mobile-only", "no-family-disclosure"}, RepScope: []string{"scheduling"}}, policy.Agent{}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				decisionSink = p.Decide(tc.call, tc.agent)
			}
		})
	}
}

func BenchmarkProject(b *testing.B) {
	p := demo(b)
	d := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "billing"}, policy.Agent{})
	member := james()
	b.ReportAllocs()
	for b.Loop() {
		screenSink = p.Project(d, member)
	}
}

func BenchmarkParseDemo(b *testing.B) {
	src := policy.DemoSource()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Parse(src); err != nil {
			b.Fatal(err)
		}
	}
}
