package policy_test

import (
	"fmt"

	"github.com/callgate/callgate/routing/policy"
)

// James Carter's daughter Ann, a verified representative for scheduling,
// calls while James has no-family-disclosure: the screen shows nothing but
// the notices. James himself, fully verified, on the nurse line with a
// nurse: name, prescriptions and lab results.
func ExamplePolicy_Decide() {
	p, err := policy.LoadDemo()
	if err != nil {
		fmt.Println(err)
		return
	}
	restrictions := []string{"contact-mobile-only", "no-family-disclosure"}
	ann := p.Decide(policy.Call{Level: "full", Role: "representative", Purpose: "scheduling",
		Restrictions: restrictions, RepScope: []string{"scheduling"}}, policy.Agent{Username: "alice"})
	fmt.Printf("%q %q\n", ann.Fields, ann.Reason)
	for _, n := range ann.Notices {
		fmt.Println(n)
	}

	james := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "nurse", Restrictions: restrictions},
		policy.Agent{Username: "bob", Clinical: true})
	fmt.Printf("%q %q %q\n", james.Fields, james.Reason, james.Banner)
	screen := p.Project(james, map[string]string{"name": "James Carter", "dob": "07/22/1955", "prescriptions": "metoprolol"})
	fmt.Println(screen)
	// Output:
	// [] "restricted: no-family-disclosure"
	// contact-mobile-only: contact only on the mobile number on file; no other phone, mail or callback channel
	// no-family-disclosure: disclose nothing to family, caregivers or other third parties
	// ["lab_results" "name" "prescriptions"] "rule full/self/nurse" ""
	// map[name:James Carter prescriptions:metoprolol]
}
