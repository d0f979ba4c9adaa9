package flows_test

import "testing"

func TestValidateMenu(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "no choices",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: menu",      // 5
				"    prompts: [role]", // 6
				"    choices: {}",     // 7
			),
			want: []string{`7:5 node "a": a menu node needs choices`},
		},
		{
			name: "choice key not a single key",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: menu",      // 5
				"    prompts: [role]", // 6
				"    choices:",        // 7
				"      12: b",         // 8
				"      E: b",          // 9
				"  b: {kind: hangup}", // 10
			),
			want: []string{
				`8:7 node "a": choice "12" is not a single key`,
				`9:7 node "a": choice "E" is not a single key`,
			},
		},
		{
			name: "choice target undefined, integer key",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: menu",      // 5
				"    prompts: [role]", // 6
				"    choices:",        // 7
				"      1: b",          // 8
				"      2: {next: c}",  // 9
				"  b: {kind: hangup}", // 10
			),
			want: []string{`9:11 node "a": choice "2" names undefined target "c"`},
		},
		{
			name: "choice sets a tag it may not",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: menu",      // 5
				"    prompts: [role]", // 6
				"    choices:",        // 7
				"      \"1\": {next: b, set: {verification_level: full}}", // 8
				"      \"2\": {next: b, set: {caller_role: boss}}",        // 9
				"  b: {kind: hangup}", // 10
			),
			want: []string{
				`8:28 node "a": choice "1" cannot set tag "verification_level"`,
				`9:28 node "a": choice "2" caller_role cannot be "boss"; use one of unknown, self, representative, involved`,
			},
		},
		{
			name: "retries out of range",
			src: doc(
				"id: t",                   // 1
				"entry: a",                // 2
				"nodes:",                  // 3
				"  a:",                    // 4
				"    kind: menu",          // 5
				"    prompts: [role]",     // 6
				"    choices: {\"1\": b}", // 7
				"    retries: 11",         // 8
				"  b: {kind: hangup}",     // 9
			),
			want: []string{`8:5 node "a": retries must be between 1 and 10, not 11`},
		},
		{
			name: "retries zero",
			src: doc(
				"id: t",                   // 1
				"entry: a",                // 2
				"nodes:",                  // 3
				"  a:",                    // 4
				"    kind: menu",          // 5
				"    prompts: [role]",     // 6
				"    choices: {\"1\": b}", // 7
				"    retries: 0",          // 8
				"  b: {kind: hangup}",     // 9
			),
			want: []string{`8:5 node "a": retries must be between 1 and 10, not 0`},
		},
		{
			name: "timeout out of range",
			src: doc(
				"id: t",                   // 1
				"entry: a",                // 2
				"nodes:",                  // 3
				"  a:",                    // 4
				"    kind: menu",          // 5
				"    prompts: [role]",     // 6
				"    choices: {\"1\": b}", // 7
				"    timeout: 90s",        // 8
				"  b: {kind: hangup}",     // 9
			),
			want: []string{`8:5 node "a": timeout must be between 1s and 1m, not 1m30s`},
		},
	})
}

func TestValidateCollect(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "needs into, max_digits and next",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
			),
			want: []string{
				`4:3 node "a": a collect node needs into`,
				`4:3 node "a": a collect node needs max_digits`,
				`4:3 node "a": a collect node needs next`,
			},
		},
		{
			name: "digit limits",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: pin",            // 7
				"    min_digits: 8",        // 8
				"    max_digits: 4",        // 9
				"    next: b",              // 10
				"  b: {kind: hangup}",      // 11
			),
			want: []string{`8:5 node "a": min_digits (8) is more than max_digits (4)`},
		},
		{
			name: "max_digits zero",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: pin",            // 7
				"    max_digits: 0",        // 8
				"    next: b",              // 9
				"  b: {kind: hangup}",      // 10
			),
			want: []string{`8:5 node "a": max_digits must be between 1 and 32, not 0`},
		},
		{
			name: "terminator not # or *",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: pin",            // 7
				"    max_digits: 4",        // 8
				"    terminator: \"0\"",    // 9
				"    next: b",              // 10
				"  b: {kind: hangup}",      // 11
			),
			want: []string{`9:5 node "a": terminator "0" must be "#", "*" or "" (none)`},
		},
		{
			name: "slot name not valid",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: PIN",            // 7
				"    max_digits: 4",        // 8
				"    next: b",              // 9
				"  b: {kind: hangup}",      // 10
			),
			want: []string{`7:5 node "a": slot name "PIN" is not valid`},
		},
		{
			name: "timeouts out of range",
			src: doc(
				"id: t",                          // 1
				"entry: a",                       // 2
				"nodes:",                         // 3
				"  a:",                           // 4
				"    kind: collect",              // 5
				"    prompts: [enter_pin]",       // 6
				"    into: pin",                  // 7
				"    max_digits: 4",              // 8
				"    timeout: 0s",                // 9
				"    inter_digit_timeout: 500ms", // 10
				"    next: b",                    // 11
				"  b: {kind: hangup}",            // 12
			),
			want: []string{
				`9:5 node "a": timeout must be between 1s and 1m, not 0s`,
				`10:5 node "a": inter_digit_timeout must be between 1s and 1m, not 500ms`,
			},
		},
	})
}
