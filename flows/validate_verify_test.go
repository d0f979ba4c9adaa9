package flows_test

import "testing"

// identityFlow is a member ID + DOB check whose verify node "check" (at
// 20:3) gets the given lines from line 23 on. The collects are secure and
// fill member_id and dob; ok and fail (lines 18-19) are targets.
func identityFlow(verify ...string) []byte {
	lines := []string{
		"id: t",                          // 1
		"entry: member",                  // 2
		"nodes:",                         // 3
		"  member:",                      // 4
		"    kind: collect",              // 5
		"    prompts: [enter_member_id]", // 6
		"    into: member_id",            // 7
		"    max_digits: 8",              // 8
		"    secure: true",               // 9
		"    next: dob",                  // 10
		"  dob:",                         // 11
		"    kind: collect",              // 12
		"    prompts: [enter_dob]",       // 13
		"    into: dob",                  // 14
		"    max_digits: 8",              // 15
		"    secure: true",               // 16
		"    next: check",                // 17
		"  ok: {kind: hangup}",           // 18
		"  fail: {kind: hangup}",         // 19
		"  check:",                       // 20
		"    kind: verify",               // 21
		"    retry: member",              // 22
	}
	return doc(append(lines, verify...)...)
}

func TestValidateVerify(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "needs step, inputs, next and on_failure",
			src:  identityFlow(),
			want: []string{
				`18:3 node "ok" is never reached`,
				`19:3 node "fail" is never reached`,
				`20:3 node "check": a verify node needs step`,
				`20:3 node "check": a verify node needs inputs`,
				`20:3 node "check": a verify node needs next`,
				`20:3 node "check": a verify node needs on_failure`,
			},
		},
		{
			name: "needs retry",
			src: doc(
				"id: t",                  // 1
				"entry: a",               // 2
				"nodes:",                 // 3
				"  a:",                   // 4
				"    kind: verify",       // 5
				"    step: pin",          // 6
				"    inputs: {pin: pin}", // 7
				"    next: a",            // 8
				"    on_failure: a",      // 9
			),
			want: []string{
				`4:3 node "a": a verify node needs retry, the node to go back to after a failed try`,
				`4:3 node "a" goes straight back to itself, a loop that never waits for the caller`,
				`7:14 node "a": input "pin" reads slot "pin", which no collect node fills`,
			},
		},
		{
			name: "unknown step",
			src: identityFlow(
				"    step: voiceprint",                         // 23
				"    inputs: {member_id: member_id, dob: dob}", // 24
				"    next: ok",                                 // 25
				"    on_failure: fail",                         // 26
			),
			want: []string{`23:5 node "check": unknown step "voiceprint"; use identity, pin, rep_code or otp`},
		},
		{
			name: "inputs miss a key and have an extra one",
			src: identityFlow(
				"    step: identity",                           // 23
				"    inputs: {member_id: member_id, pin: dob}", // 24
				"    next: ok",                                 // 25
				"    on_failure: fail",                         // 26
			),
			want: []string{
				`24:5 node "check": an identity step needs input "dob"`,
				`24:36 node "check": input "pin" is not read by an identity step`,
			},
		},
		{
			name: "input reads a slot no collect fills",
			src: identityFlow(
				"    step: identity",                        // 23
				"    inputs: {member_id: member, dob: dob}", // 24
				"    next: ok",                              // 25
				"    on_failure: fail",                      // 26
			),
			want: []string{`24:14 node "check": input "member_id" reads slot "member", which no collect node fills`},
		},
		{
			name: "tries out of range",
			src: identityFlow(
				"    step: identity",                           // 23
				"    inputs: {member_id: member_id, dob: dob}", // 24
				"    next: ok",                                 // 25
				"    on_failure: fail",                         // 26
				"    tries: 20",                                // 27
			),
			want: []string{`27:5 node "check": tries must be between 1 and 10, not 20`},
		},
		{
			name: "collect feeding verification is not secure",
			src: doc(
				"id: t",                    // 1
				"entry: pin",               // 2
				"nodes:",                   // 3
				"  pin:",                   // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: pin",            // 7
				"    max_digits: 4",        // 8
				"    next: check",          // 9
				"  check:",                 // 10
				"    kind: verify",         // 11
				"    step: pin",            // 12
				"    inputs: {pin: pin}",   // 13
				"    retry: pin",           // 14
				"    next: done",           // 15
				"    on_failure: done",     // 16
				"  done: {kind: hangup}",   // 17
			),
			want: []string{`4:3 collect "pin" feeds verification but is not secure: true`},
		},
		{
			name: "verify retrying itself loops",
			src: doc(
				"id: t",      // 1
				"entry: pin", // 2
				"nodes:",     // 3
				"  pin: {kind: collect, prompts: [enter_pin], into: pin, max_digits: 4, secure: true, next: check}", // 4
				"  check:",               // 5
				"    kind: verify",       // 6
				"    step: pin",          // 7
				"    inputs: {pin: pin}", // 8
				"    retry: check",       // 9
				"    next: done",         // 10
				"    on_failure: done",   // 11
				"  done: {kind: hangup}", // 12
			),
			want: []string{`5:3 node "check" goes straight back to itself, a loop that never waits for the caller`},
		},
	})
}

func TestValidateConsentAndSet(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "consent keys the same",
			src: doc(
				"id: t",                  // 1
				"entry: a",               // 2
				"nodes:",                 // 3
				"  a:",                   // 4
				"    kind: consent",      // 5
				"    prompts: [consent]", // 6
				"    grant: \"2\"",       // 7
				"    next: b",            // 8
				"  b: {kind: hangup}",    // 9
			),
			want: []string{`7:5 node "a": grant and decline are both "2"; they must be different keys`},
		},
		{
			name: "consent key not a single key",
			src: doc(
				"id: t",                  // 1
				"entry: a",               // 2
				"nodes:",                 // 3
				"  a:",                   // 4
				"    kind: consent",      // 5
				"    prompts: [consent]", // 6
				"    decline: \"99\"",    // 7
				"  b: {kind: hangup}",    // 8
			),
			want: []string{
				`4:3 node "a": a consent node needs next`,
				`7:5 node "a": decline "99" is not a single key`,
				`8:3 node "b" is never reached`,
			},
		},
		{
			name: "set is empty",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: set",       // 5
				"    set: {}",         // 6
				"    next: b",         // 7
				"  b: {kind: hangup}", // 8
			),
			want: []string{`6:5 node "a": a set node needs set`},
		},
		{
			name: "set tags and values",
			src: doc(
				"id: t",                       // 1
				"entry: a",                    // 2
				"languages: [en, es]",         // 3
				"nodes:",                      // 4
				"  a:",                        // 5
				"    kind: set",               // 6
				"    set:",                    // 7
				"      purpose: Billing",      // 8
				"      language: fr",          // 9
				"      flags: locked_out",     // 10
				"      subject: x",            // 11
				"      caller_role: involved", // 12
				"    next: b",                 // 13
				"  b: {kind: hangup}",         // 14
			),
			want: []string{
				`8:7 node "a": purpose "Billing" is not valid: use a lowercase word`,
				`9:7 node "a": language "fr" is not one of the flow's languages (en, es)`,
				`10:7 node "a": flags can only be set to verification_failed, not "locked_out"`,
				`11:7 node "a": cannot set tag "subject"`,
			},
		},
	})
}
