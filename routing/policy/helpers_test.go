package policy_test

import (
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/require"
)

// demo returns the bundled demo policy.
func demo(tb testing.TB) *policy.Policy {
	tb.Helper()
	p, err := policy.LoadDemo()
	require.NoError(tb, err)
	return p
}

// doc joins lines into a YAML source.
func doc(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// james is the demo member James Carter's record as the member directory
// returns it (DESIGN.md § Demo data; routing/members/demo-members.yaml).
func james() map[string]string {
	return map[string]string{
		"name":          "James Carter",
		"dob":           "07/22/1955",
		"phone":         "+1 207 555 0190 (mobile)",
		"address":       "27 Harbor View Rd, Apt 5, Portland, ME 04101",
		"plan":          "Medicare Advantage HMO",
		"appointments":  "2025-07-21 14:00 cardiology follow-up",
		"balance":       "$0.00",
		"claims":        "CLM-77001 paid",
		"prescriptions": "metoprolol 25 mg twice daily",
		"lab_results":   "2025-06-30 lipid panel (normal)",
	}
}
