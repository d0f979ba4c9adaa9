package flows_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ruleCase is a flow that breaks validation rules; want lists every error
// Load reports, in order, as "LINE:COL phrase".
type ruleCase struct {
	name string
	src  []byte
	opts *flows.ValidateOptions
	want []string
}

// checkRuleCases loads each case and compares its errors with want.
func checkRuleCases(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := testOptions()
			if tc.opts != nil {
				opts = *tc.opts
			}
			f, err := flows.Load(tc.src, opts)
			require.Error(t, err)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, flows.ErrInvalidFlow)
			var errs flows.Errors
			require.True(t, errors.As(err, &errs))
			require.Len(t, errs, len(tc.want), "got:\n%s", errs)
			for i, w := range tc.want {
				pos, phrase, _ := strings.Cut(w, " ")
				assert.Equal(t, pos, fmt.Sprintf("%d:%d", errs[i].Line, errs[i].Column), "error %d: %s", i, errs[i])
				assert.Contains(t, errs[i].Message, phrase, "error %d", i)
				assert.True(t, strings.HasPrefix(errs[i].Error(), pos+": "), "error %d: %s", i, errs[i])
			}
		})
	}
}

func TestValidateDocument(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "id missing",
			src: doc(
				"entry: a",            // 1
				"nodes:",              // 2
				"  a: {kind: hangup}", // 3
			),
			want: []string{`1:1 the flow has no id`},
		},
		{
			name: "id not valid",
			src: doc(
				"entry: a",            // 1
				"id: Member_Services", // 2
				"nodes:",              // 3
				"  a: {kind: hangup}", // 4
			),
			want: []string{`2:1 flow id "Member_Services" is not valid`},
		},
		{
			name: "id too long",
			src: doc(
				"id: "+strings.Repeat("a", 64), // 1
				"entry: a",                     // 2
				"nodes:",                       // 3
				"  a: {kind: hangup}",          // 4
			),
			want: []string{`1:1 is not valid: use 1 to 63 lowercase letters`},
		},
		{
			name: "entry missing",
			src: doc(
				"id: t",               // 1
				"nodes:",              // 2
				"  a: {kind: hangup}", // 3
			),
			want: []string{`1:1 the flow has no entry`},
		},
		{
			name: "entry undefined",
			src: doc(
				"id: t",                   // 1
				"entry: strat",            // 2
				"nodes:",                  // 3
				"  start: {kind: hangup}", // 4
			),
			want: []string{`2:1 entry names undefined target "strat"; name the first node; did you mean "start"?`},
		},
		{
			name: "no nodes",
			src: doc(
				"id: t",     // 1
				"entry: a",  // 2
				"nodes: {}", // 3
			),
			want: []string{
				`2:1 entry names undefined target "a"`,
				`3:1 the flow has no nodes`,
			},
		},
		{
			name: "languages not valid or repeated",
			src: doc(
				"id: t",                   // 1
				"entry: a",                // 2
				"languages: [en, EN, en]", // 3
				"nodes:",                  // 4
				"  a: {kind: hangup}",     // 5
			),
			want: []string{
				`3:17 language "EN" is not valid`,
				`3:21 language "en" is listed twice`,
			},
		},
		{
			name: "timezone unknown",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"timezone: America/Gotham", // 3
				"nodes:",                   // 4
				"  a: {kind: hangup}",      // 5
			),
			want: []string{`3:1 timezone "America/Gotham" is not a known IANA time zone`},
		},
		{
			name: "timezone Local",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"timezone: Local",     // 3
				"nodes:",              // 4
				"  a: {kind: hangup}", // 5
			),
			want: []string{`3:1 timezone "Local" depends on the server`},
		},
	})
}

func TestValidateNodeBasics(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "node name not valid",
			src: doc(
				"id: t",                   // 1
				"entry: Start",            // 2
				"nodes:",                  // 3
				"  Start: {kind: hangup}", // 4
			),
			want: []string{`4:3 node name "Start" is not valid`},
		},
		{
			name: "kind missing",
			src: doc(
				"id: t",                  // 1
				"entry: a",               // 2
				"nodes:",                 // 3
				"  a:",                   // 4
				"    prompts: [goodbye]", // 5
			),
			want: []string{`4:3 node "a" has no kind; add kind: with one of play, menu, collect`},
		},
		{
			name: "kind unknown",
			src: doc(
				"id: t",              // 1
				"entry: a",           // 2
				"nodes:",             // 3
				"  a:",               // 4
				"    kind: playback", // 5
			),
			want: []string{`5:5 node "a": unknown kind "playback"`},
		},
		{
			name: "field of another kind: choices on a collect",
			src: doc(
				"id: t",                    // 1
				"entry: a",                 // 2
				"nodes:",                   // 3
				"  a:",                     // 4
				"    kind: collect",        // 5
				"    prompts: [enter_pin]", // 6
				"    into: pin",            // 7
				"    max_digits: 4",        // 8
				"    choices: {\"1\": b}",  // 9
				"    next: b",              // 10
				"  b: {kind: hangup}",      // 11
			),
			want: []string{`9:5 node "a": field "choices" does not apply to a collect node`},
		},
		{
			name: "hangup with next",
			src: doc(
				"id: t",            // 1
				"entry: a",         // 2
				"nodes:",           // 3
				"  a:",             // 4
				"    kind: hangup", // 5
				"    next: a",      // 6
			),
			want: []string{`6:5 node "a": a hangup node ends the call and cannot have next`},
		},
		{
			name: "play needs prompts and next",
			src: doc(
				"id: t",          // 1
				"entry: a",       // 2
				"nodes:",         // 3
				"  a:",           // 4
				"    kind: play", // 5
			),
			want: []string{
				`4:3 node "a": a play node needs prompts`,
				`4:3 node "a": a play node needs next`,
			},
		},
		{
			name: "empty prompt list",
			src: doc(
				"id: t",               // 1
				"entry: a",            // 2
				"nodes:",              // 3
				"  a:",                // 4
				"    kind: play",      // 5
				"    prompts: []",     // 6
				"    next: b",         // 7
				"  b: {kind: hangup}", // 8
			),
			want: []string{`6:5 node "a": a play node needs prompts`},
		},
		{
			name: "empty node",
			src: doc(
				"id: t",    // 1
				"entry: a", // 2
				"nodes:",   // 3
				"  a:",     // 4
			),
			want: []string{`4:5 node "a" is empty`},
		},
		{
			name: "undefined target points at the field",
			src: doc(
				"id: t",                     // 1
				"entry: a",                  // 2
				"nodes:",                    // 3
				"  a:",                      // 4
				"    kind: play",            // 5
				"    prompts: [welcome]",    // 6
				"    next: goodby",          // 7
				"  goodbye: {kind: hangup}", // 8
			),
			want: []string{
				`7:5 node "a": next names undefined target "goodby"; did you mean "goodbye"?`,
				`8:3 node "goodbye" is never reached from entry "a"`,
			},
		},
		{
			name: "unreachable node",
			src: doc(
				"id: t",    // 1
				"entry: a", // 2
				"nodes:",   // 3
				"  a: {kind: play, prompts: [welcome], next: b}", // 4
				"  b: {kind: hangup}",                            // 5
				"  lost: {kind: hangup, prompts: [goodbye]}",     // 6
			),
			want: []string{`6:3 node "lost" is never reached from entry "a"`},
		},
	})
}
