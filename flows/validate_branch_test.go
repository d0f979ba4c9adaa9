package flows_test

import "testing"

func TestValidateBranch(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "no mode",
			src: doc(
				"id: t",                           // 1
				"entry: a",                        // 2
				"nodes:",                          // 3
				"  a: {kind: branch, default: b}", // 4
				"  b: {kind: hangup}",             // 5
			),
			want: []string{`4:3 node "a": a branch node needs one of tag, hours or language: true`},
		},
		{
			name: "two modes",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: branch",    // 5
				"    tag: purpose",    // 6
				"    language: true",  // 7
				"    cases: {en: b}",  // 8
				"    default: b",      // 9
				"  b: {kind: hangup}", // 10
			),
			want: []string{`7:5 node "a": a branch node takes only one of tag, hours and language: true; this one has tag and language`},
		},
		{
			name: "tag unknown",
			src: doc(
				"id: t",                   // 1
				"entry: a",                // 2
				"nodes:",                  // 3
				"  a:",                    // 4
				"    kind: branch",        // 5
				"    tag: purpos",         // 6
				"    cases: {billing: b}", // 7
				"    default: b",          // 8
				"  b: {kind: hangup}",     // 9
			),
			want: []string{`6:5 node "a": cannot branch on tag "purpos"; use one of caller_role, purpose, recording_consent, verification_level; did you mean "purpose"?`},
		},
		{
			name: "tag: language",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: branch",    // 5
				"    tag: language",   // 6
				"    cases: {en: b}",  // 7
				"    default: b",      // 8
				"  b: {kind: hangup}", // 9
			),
			want: []string{`6:5 node "a": to branch on the call's language, write language: true instead of tag: language`},
		},
		{
			name: "tag branch needs cases",
			src: doc(
				"id: t",                // 1
				"entry: a",             // 2
				"nodes:",               // 3
				"  a:",                 // 4
				"    kind: branch",     // 5
				"    tag: caller_role", // 6
				"    default: b",       // 7
				"  b: {kind: hangup}",  // 8
			),
			want: []string{`4:3 node "a": a branch node needs cases, the value -> node pairs to branch on`},
		},
		{
			name: "language branch needs cases and default",
			src: doc(
				"id: t",              // 1
				"entry: a",           // 2
				"nodes:",             // 3
				"  a:",               // 4
				"    kind: branch",   // 5
				"    language: true", // 6
			),
			want: []string{
				`4:3 node "a": a branch node needs cases`,
				`4:3 node "a": a branch node needs default, the node to go to when no case matches`,
			},
		},
		{
			name: "tag branch needs cases and default; case values",
			src: doc(
				"id: t",                       // 1
				"entry: a",                    // 2
				"nodes:",                      // 3
				"  a:",                        // 4
				"    kind: branch",            // 5
				"    tag: verification_level", // 6
				"    cases: {fully: b}",       // 7
				"    open: b",                 // 8
				"  b: {kind: hangup}",         // 9
			),
			want: []string{
				`4:3 node "a": a branch node needs default`,
				`7:13 node "a": case "fully" is not a value of verification_level; use one of none, partial, full`,
				`8:5 node "a": open does not apply to a tag branch`,
			},
		},
		{
			name: "language branch needs cases in the flow's languages",
			src: doc(
				"id: t",                     // 1
				"entry: a",                  // 2
				"languages: [en, es]",       // 3
				"nodes:",                    // 4
				"  a:",                      // 5
				"    kind: branch",          // 6
				"    language: true",        // 7
				"    cases: {en: b, fr: b}", // 8
				"    default: b",            // 9
				"  b: {kind: hangup}",       // 10
			),
			want: []string{`8:20 node "a": case "fr" is not one of the flow's languages (en, es)`},
		},
		{
			name: "hours branch needs a timezone, open and closed",
			src: doc(
				"id: t",            // 1
				"entry: a",         // 2
				"nodes:",           // 3
				"  a:",             // 4
				"    kind: branch", // 5
				"    hours: {weekly: {mon-fri: 08:00-17:00}}", // 6
				"    open: b",         // 7
				"  b: {kind: hangup}", // 8
			),
			want: []string{
				`4:3 node "a": a branch node needs closed`,
				`6:5 node "a": an hours branch needs the flow's timezone`,
			},
		},
		{
			name: "hours days, times and holidays",
			src: doc(
				"id: t",                                    // 1
				"entry: a",                                 // 2
				"timezone: America/New_York",               // 3
				"nodes:",                                   // 4
				"  a:",                                     // 5
				"    kind: branch",                         // 6
				"    hours:",                               // 7
				"      weekly:",                            // 8
				"        mon-fri: \"08:00-20:00\"",         // 9
				"        fri: \"08:00-12:00\"",             // 10
				"        sun-mon: \"10:00-11:00\"",         // 11
				"        Sat: \"09:00-13:00\"",             // 12
				"        tue: \"8-17\"",                    // 13
				"        wed: \"18:00-09:00\"",             // 14
				"        thu: \"08:00-12:00,11:00-17:00\"", // 15
				"      holidays: [\"2026-12-25\", \"12/25/2026\"]", // 16
				"    open: b",         // 17
				"    closed: b",       // 18
				"  b: {kind: hangup}", // 19
			),
			want: []string{
				`9:9 node "a": fri is given twice, in "fri" and "mon-fri"`,
				`11:9 node "a": day range "sun-mon" runs backwards`,
				`12:9 node "a": day "Sat" is not valid: use mon, tue, wed, thu, fri, sat or sun`,
				`13:9 node "a": opening times for tue: "8-17" is not valid; write HH:MM-HH:MM`,
				`14:9 node "a": opening times for wed: "18:00-09:00" ends before it starts`,
				`15:9 node "a": opening times for thu: 08:00-12:00 and 11:00-17:00 overlap`,
				`16:32 node "a": holiday "12/25/2026" is not a date; write YYYY-MM-DD`,
			},
		},
	})
}
