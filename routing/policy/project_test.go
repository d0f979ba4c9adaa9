package policy_test

import (
	"testing"

	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/assert"
)

func TestProject(t *testing.T) {
	p := demo(t)
	full := james()
	partial := map[string]string{"name": "James Carter", "appointments": ""}
	withExtra := james()
	withExtra["ssn"] = "000-00-0000"
	withExtra["pin"] = "8642"
	cases := []struct {
		name     string
		decision policy.Decision
		member   map[string]string
		want     map[string]string
	}{
		{
			name:     "only permitted fields",
			decision: p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, policy.Agent{}),
			member:   full,
			want:     map[string]string{"name": "James Carter", "phone": "+1 207 555 0190 (mobile)", "appointments": full["appointments"]},
		},
		{
			name:     "nothing permitted is an empty map",
			decision: p.Decide(policy.Call{Level: "none", Role: "self", Purpose: "scheduling"}, policy.Agent{}),
			member:   full,
			want:     map[string]string{},
		},
		{
			name:     "absent fields stay absent, empty values are kept",
			decision: p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, policy.Agent{}),
			member:   partial,
			want:     map[string]string{"name": "James Carter", "appointments": ""},
		},
		{
			name:     "fields outside the policy are never shown",
			decision: policy.Decision{Fields: []string{"name", "ssn", "pin", "dob"}},
			member:   withExtra,
			want:     map[string]string{"name": "James Carter", "dob": "07/22/1955"},
		},
		{
			name:     "extra member fields are dropped",
			decision: p.Decide(policy.Call{Level: "partial", Role: "self", Purpose: "pharmacy"}, policy.Agent{}),
			member:   withExtra,
			want:     map[string]string{"name": "James Carter"},
		},
		{
			name:     "nil member",
			decision: p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "billing"}, policy.Agent{}),
			member:   nil,
			want:     map[string]string{},
		},
		{
			name:     "clinical field only for the clinical agent",
			decision: p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "nurse"}, policy.Agent{Clinical: false}),
			member:   full,
			want:     map[string]string{"name": "James Carter", "prescriptions": full["prescriptions"]},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(tc.member)
			got := p.Project(tc.decision, tc.member)
			assert.Equal(t, tc.want, got)
			assert.NotNil(t, got)
			assert.Len(t, tc.member, before, "member modified")
			for f := range got {
				assert.Contains(t, tc.decision.Fields, f)
				assert.Contains(t, tc.member, f)
			}
		})
	}
}
