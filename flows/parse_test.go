package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name    string
		src     []byte
		wantPos string
		want    string
		noFlow  bool
	}{
		{
			name: "unknown field with a hint",
			src: doc(
				"id: t",          // 1
				"entry: role",    // 2
				"nodes:",         // 3
				"  role:",        // 4
				"    kind: menu", // 5
				"    prompts: [role]",
				"    choises: {\"1\": role}", // 7
			),
			wantPos: "7:5",
			want:    `node "role": unknown field "choises" for a menu node; did you mean "choices"?`,
		},
		{
			name:    "unknown top-level field",
			src:     doc("id: t", "entri: a"),
			wantPos: "2:1",
			want:    `unknown top-level field "entri"; a flow has id, description, entry, languages, timezone and nodes; did you mean "entry"?`,
		},
		{
			name:    "unknown field of a choice",
			src:     doc("id: t", "nodes:", "  m:", "    kind: menu", "    choices:", "      \"1\": {nxt: a}"),
			wantPos: "6:13",
			want:    `node "m": choice "1" has unknown field "nxt"; a choice has next and set; did you mean "next"?`,
		},
		{
			name:    "bad duration",
			src:     doc("id: t", "nodes:", "  c:", "    kind: consent", "    timeout: 5x"),
			wantPos: "5:14",
			want:    `node "c": timeout "5x" is not a duration; write it like "5s" or "1500ms"`,
		},
		{
			name:    "duration without a unit",
			src:     doc("id: t", "nodes:", "  c:", "    kind: consent", "    timeout: 5"),
			wantPos: "5:14",
			want:    `node "c": timeout "5" has no unit; write it like "5s" or "1500ms"`,
		},
		{
			name:    "unquoted # terminator is a comment",
			src:     doc("id: t", "nodes:", "  c:", "    kind: collect", "    terminator: #"),
			wantPos: "5:16",
			want:    `node "c": terminator is empty; write "#" or "*" in quotes (an unquoted # starts a YAML comment)`,
		},
		{
			name:    "choice key that is not a string or integer",
			src:     doc("id: t", "nodes:", "  m:", "    kind: menu", "    choices: {true: a}"),
			wantPos: "5:15",
			want:    `node "m": choice key "true" must be a single key such as "1" or "#" in quotes`,
		},
		{
			name:    "same choice key quoted and not",
			src:     doc("id: t", "nodes:", "  m:", "    kind: menu", "    choices:", "      1: a", "      \"1\": b"),
			wantPos: "7:7",
			want:    `node "m": choices has "1" twice (first at 6:7); remove one`,
		},
		{
			name:    "node defined twice",
			src:     doc("id: t", "nodes:", "  a: {kind: hangup}", "  a: {kind: hangup}"),
			wantPos: "4:3",
			want:    `nodes has "a" twice (first at 3:3); remove one`,
		},
		{
			name:    "field given twice",
			src:     doc("id: t", "nodes:", "  a:", "    kind: play", "    next: b", "    next: c"),
			wantPos: "6:5",
			want:    `node "a": the node has "next" twice (first at 5:5); remove one`,
		},
		{
			name:    "not a number",
			src:     doc("id: t", "nodes:", "  a:", "    kind: collect", "    max_digits: eight"),
			wantPos: "5:17",
			want:    `node "a": max_digits must be a whole number, not "eight"`,
		},
		{
			name:    "not a boolean",
			src:     doc("id: t", "nodes:", "  a:", "    kind: collect", "    secure: yes"),
			wantPos: "5:13",
			want:    `node "a": secure must be true or false, not "yes"`,
		},
		{
			name:    "prompts not a list",
			src:     doc("id: t", "nodes:", "  a:", "    kind: play", "    prompts: welcome"),
			wantPos: "5:14",
			want:    `node "a": prompts must be a list such as [a, b], not "welcome"`,
		},
		{
			name:    "alias",
			src:     doc("id: t", "x: &p [welcome]", "nodes:", "  a:", "    kind: play", "    prompts: *p"),
			wantPos: "2:1",
			want:    `unknown top-level field "x"`,
		},
		{
			name:    "alias value",
			src:     doc("id: &i t", "entry: *i"),
			wantPos: "2:8",
			want:    `entry must be a single value, not an alias (*i); write the value out instead`,
		},
		{
			name:    "hours unknown field",
			src:     doc("id: t", "nodes:", "  a:", "    kind: branch", "    hours: {weekley: {}}"),
			wantPos: "5:13",
			want:    `node "a": hours have unknown field "weekley"; hours have weekly and holidays; did you mean "weekly"?`,
		},
		{
			name:    "node that is not a mapping",
			src:     doc("id: t", "nodes:", "  a: [play]"),
			wantPos: "3:6",
			want:    `node "a" must be a mapping of fields (kind, prompts, next, ...), not a list`,
		},
		{
			name:    "syntax error",
			src:     doc("id: t", "nodes:", "  a: [play", "  b: x"),
			wantPos: "3:1",
			want:    "the flow is not valid YAML: did not find expected ',' or ']'",
			noFlow:  true,
		},
		{
			name:    "syntax error in a block mapping",
			src:     doc("id: t", "nodes:", "  a:", "    kind: play", "   next: b"),
			wantPos: "3:1", // yaml.v3 names the line where the mapping starts
			want:    "the flow is not valid YAML: did not find expected key",
			noFlow:  true,
		},
		{
			name:    "tab indentation",
			src:     doc("id: t", "nodes:", "\ta: b"),
			wantPos: "3:1",
			want:    "the flow is not valid YAML: found character that cannot start any token",
			noFlow:  true,
		},
		{
			name:    "two documents",
			src:     doc("id: t", "---", "id: u"),
			wantPos: "2:1",
			want:    "a flow file holds one YAML document",
			noFlow:  true,
		},
		{
			name:    "empty",
			src:     []byte("# nothing\n"),
			wantPos: "1:1",
			want:    "the flow is empty",
			noFlow:  true,
		},
		{
			name:    "not a mapping",
			src:     doc("- id: t"),
			wantPos: "1:1",
			want:    "a flow is a YAML mapping with id, entry and nodes, not a list",
			noFlow:  true,
		},
		{
			name:    "too large",
			src:     []byte("id: t\n" + strings.Repeat("#", flows.MaxSourceSize)),
			wantPos: "1:1",
			want:    "the flow is 1048582 bytes; a flow may be at most 1048576 bytes",
			noFlow:  true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, errs := flows.Parse(tc.src)
			require.NotEmpty(t, errs)
			assert.Equal(t, tc.noFlow, f == nil)
			var found bool
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), tc.wantPos+": ") && strings.HasPrefix(e.Message, tc.want) {
					found = true
				}
			}
			assert.True(t, found, "want %s: %s\ngot:\n%s", tc.wantPos, tc.want, flows.Errors(errs))
		})
	}
}

func TestParseDecodes(t *testing.T) {
	f, errs := flows.Parse(doc(
		"id: t",                      // 1
		"description: a test flow",   // 2
		"entry: m",                   // 3
		"languages: [en, es]",        // 4
		"timezone: America/New_York", // 5
		"nodes:",                     // 6
		"  m:",                       // 7
		"    kind: menu",             // 8
		"    prompts: [role, purpose]",
		"    choices:", // 10
		"      1: a",   // 11
		"      \"#\": {next: b, set: {caller_role: self}}", // 12
		"    timeout: 1500ms",                              // 13
		"  c:",                                             // 14
		"    kind: collect",
		"    terminator: \"\"",
		"    inter_digit_timeout: 4s",
		"    secure: true",
		"  h:",
		"    kind: branch",
		"    hours:",
		"      weekly: {mon-fri: 08:00-20:00}",
		"      holidays: [2026-12-25]",
	))
	require.Empty(t, errs)
	assert.Equal(t, "t", f.ID)
	assert.Equal(t, "a test flow", f.Description)
	assert.Equal(t, []string{"en", "es"}, f.Languages)
	assert.Equal(t, "America/New_York", f.TimeZone)
	m := f.Nodes["m"]
	assert.Equal(t, flows.KindMenu, m.Kind)
	assert.Equal(t, []string{"role", "purpose"}, m.Prompts)
	assert.Equal(t, map[string]flows.Choice{
		"1": {Next: "a"},
		"#": {Next: "b", Set: map[string]string{"caller_role": "self"}},
	}, m.Choices)
	assert.Equal(t, 1500*time.Millisecond, m.Timeout.D())
	c := f.Nodes["c"]
	assert.Empty(t, c.Terminator)
	assert.Equal(t, 4*time.Second, c.InterDigitTimeout.D())
	assert.True(t, c.Secure)
	h := f.Nodes["h"].Hours
	require.NotNil(t, h)
	assert.Equal(t, map[string]string{"mon-fri": "08:00-20:00"}, h.Weekly)
	assert.Equal(t, []string{"2026-12-25"}, h.Holidays)

	for path, want := range map[string]flows.Position{
		"":                            {1, 1},
		"id":                          {1, 1},
		"entry":                       {3, 1},
		"nodes":                       {6, 1},
		"languages.1":                 {4, 17},
		"m":                           {7, 3},
		"m.kind":                      {8, 5},
		"m.choices":                   {10, 5},
		"m.choices.1":                 {11, 7},
		"m.choices.#":                 {12, 7},
		"m.choices.#.next":            {12, 13},
		"m.choices.#.set":             {12, 22},
		"m.choices.#.set.caller_role": {12, 28},
		"m.prompts.1":                 {9, 21},
		"m.timeout":                   {13, 5},
		"h.hours.weekly.mon-fri":      {22, 16},
		"h.hours.holidays.0":          {23, 18},
	} {
		assert.Equal(t, want, f.Pos[path], "Pos[%q]", path)
	}
}

func TestParseKeepsSource(t *testing.T) {
	src := demo.Sources()["member-services"]
	require.NotEmpty(t, src)
	f, errs := flows.Parse(src)
	require.Empty(t, errs)
	assert.Equal(t, src, f.Source)
	src[0] = 'X'
	assert.NotEqual(t, src[0], f.Source[0], "Parse copies its input")
}

func TestParseEmptyNames(t *testing.T) {
	f, errs := flows.Parse(doc(
		"id: t",                // 1
		`"": x`,                // 2
		"nodes:",               // 3
		`  "": {kind: hangup}`, // 4
	))
	require.NotNil(t, f)
	assert.Equal(t, flows.Position{Line: 1, Column: 1}, f.Pos[""], "the document keeps its position")
	assert.NotContains(t, f.Nodes, "")
	assert.Equal(t, `2:1: unknown top-level field ""; a flow has id, description, entry, languages, timezone and nodes
4:3: a node has an empty name; name it with lowercase letters, digits and underscores`, flows.Errors(errs).Error())
}
