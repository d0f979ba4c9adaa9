package flows_test

import (
	"testing"

	"github.com/callgate/callgate/flows"
)

func TestValidateRouteAndTransfer(t *testing.T) {
	queues := flows.ValidateOptions{PromptExists: promptExists, Queues: []string{"billing", "pharmacy"}}
	checkRuleCases(t, []ruleCase{
		{
			name: "route needs a queue",
			src: doc(
				"id: t",              // 1
				"entry: a",           // 2
				"nodes:",             // 3
				"  a: {kind: route}", // 4
			),
			want: []string{`4:3 node "a": a route node needs queue`},
		},
		{
			name: "queue not configured",
			src: doc(
				"id: t",             // 1
				"entry: a",          // 2
				"nodes:",            // 3
				"  a:",              // 4
				"    kind: route",   // 5
				"    queue: biling", // 6
			),
			opts: &queues,
			want: []string{`6:5 node "a": queue "biling" is not configured; use one of billing, pharmacy; did you mean "billing"?`},
		},
		{
			name: "max_wait without on_failure, and too long",
			src: doc(
				"id: t",              // 1
				"entry: a",           // 2
				"nodes:",             // 3
				"  a:",               // 4
				"    kind: route",    // 5
				"    queue: billing", // 6
				"    max_wait: 5h",   // 7
			),
			want: []string{
				`7:5 node "a": max_wait needs on_failure`,
				`7:5 node "a": max_wait must be between 1s and 4h, not 5h`,
			},
		},
		{
			name: "route loop without input",
			src: doc(
				"id: t",    // 1
				"entry: a", // 2
				"nodes:",   // 3
				"  b: {kind: route, queue: billing, max_wait: 1m, on_failure: a}", // 4
				"  a: {kind: route, queue: general, max_wait: 1m, on_failure: b}", // 5
			),
			want: []string{`4:3 nodes b -> a -> b form a loop that never waits for the caller`},
		},
		{
			name: "transfer needs a SIP URI",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: transfer",       // 5
				"    to: tel:+15555550100", // 6
			),
			want: []string{`6:5 node "a": to "tel:+15555550100" is not a SIP URI; write sip:user@host or sips:user@host`},
		},
	})
}

func TestValidatePromptsAndLoops(t *testing.T) {
	noInvalid := flows.ValidateOptions{PromptExists: func(lang, name string) bool {
		return name != "invalid" && promptExists(lang, name)
	}}
	checkRuleCases(t, []ruleCase{
		{
			name: "default invalid prompt missing",
			src: doc(
				"id: t",      // 1
				"entry: pin", // 2
				"nodes:",     // 3
				"  pin: {kind: collect, prompts: [enter_pin], into: pin, max_digits: 4, secure: true, no_match_prompt: no_input, next: check}", // 4
				"  check: {kind: verify, step: pin, inputs: {pin: pin}, retry: pin, next: ok, on_failure: ok}",                                 // 5
				"  ok: {kind: consent, prompts: [consent], next: bye}",                                                                         // 6
				"  bye: {kind: hangup}", // 7
			),
			opts: &noInvalid,
			want: []string{
				`5:3 node "check": the default invalid_prompt "invalid" has no en/invalid.wav; add the prompt or set invalid_prompt`,
				`6:3 node "ok": a consent node plays "invalid" after a wrong key, but there is no en/invalid.wav`,
			},
		},
		{
			name: "missing prompts",
			src: doc(
				"id: t",                          // 1
				"entry: a",                       // 2
				"nodes:",                         // 3
				"  a:",                           // 4
				"    kind: menu",                 // 5
				"    prompts: [role, welcom]",    // 6
				"    no_match_prompt: try_again", // 7
				"    choices: {\"1\": b}",        // 8
				"  b: {kind: play, prompts: [Verified.wav], next: c}", // 9
				"  c: {kind: hangup}", // 10
			),
			want: []string{
				`6:21 node "a": prompt "welcom" has no en/welcom.wav`,
				`7:5 node "a": prompt "try_again" has no en/try_again.wav`,
				`9:29 node "b": prompt name "Verified.wav" is not valid`,
			},
		},
		{
			name: "missing default prompt in the default language",
			src: doc(
				"id: t",                        // 1
				"entry: a",                     // 2
				"languages: [es, en]",          // 3
				"nodes:",                       // 4
				"  a:",                         // 5
				"    kind: menu",               // 6
				"    prompts: [role]",          // 7
				"    no_match_prompt: welcome", // 8
				"    choices: {\"1\": b}",      // 9
				"  b: {kind: hangup}",          // 10
			),
			want: []string{`5:3 node "a": the default no_input_prompt "no_input" has no es/no_input.wav`},
		},
		{
			name: "loop without input",
			src: doc(
				"id: t",    // 1
				"entry: a", // 2
				"nodes:",   // 3
				"  a: {kind: play, prompts: [welcome], next: b}",                     // 4
				"  b: {kind: set, set: {purpose: billing}, next: c}",                 // 5
				"  c: {kind: branch, tag: purpose, cases: {billing: a}, default: d}", // 6
				"  d: {kind: hangup}", // 7
			),
			want: []string{`4:3 nodes a -> b -> c -> a form a loop that never waits for the caller`},
		},
	})
}
