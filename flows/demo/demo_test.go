package demo_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/ivr/prompts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoQueues are the queues the demo configuration defines.
func demoQueues() []string {
	return []string{"scheduling", "billing", "pharmacy", "nurse", "general"}
}

// bundledOptions checks prompts against the prompt sets callgate bundles.
func bundledOptions(t testing.TB) flows.ValidateOptions {
	t.Helper()
	sets, err := prompts.Load()
	require.NoError(t, err)
	return flows.ValidateOptions{
		PromptExists: func(lang, name string) bool {
			set, ok := sets[lang]
			if !ok {
				return false
			}
			_, ok = set.Get(name)
			return ok
		},
		Queues: demoQueues(),
	}
}

func TestDemoFlowsValidate(t *testing.T) {
	opts := bundledOptions(t)
	sources := demo.Sources()
	require.Len(t, sources, 2)
	for _, id := range []string{"member-services", "pharmacy-refill"} {
		t.Run(id, func(t *testing.T) {
			f, err := flows.Load(sources[id], opts)
			require.NoError(t, err)
			assert.Equal(t, id, f.ID)
			assert.NotEmpty(t, f.Description)
		})
	}
}

func TestMemberServicesShape(t *testing.T) {
	f, err := flows.Load(demo.Sources()["member-services"], bundledOptions(t))
	require.NoError(t, err)
	n := f.Nodes
	assert.Equal(t, "consent", f.Entry)
	assert.Equal(t, flows.KindConsent, n["consent"].Kind)
	assert.Equal(t, []string{"welcome", "consent"}, n["consent"].Prompts)
	assert.Equal(t, "5s", n["consent"].Timeout.String())
	assert.Equal(t, flows.Choice{Next: "self_member_id", Set: map[string]string{"caller_role": "self"}}, n["role"].Choices["1"])
	assert.Equal(t, flows.Choice{Next: "rep_member_id", Set: map[string]string{"caller_role": "representative"}}, n["role"].Choices["2"])
	assert.Equal(t, "purpose", n["role"].OnFailure)

	id := n["self_member_id"]
	assert.Equal(t, []any{"member_id", 8, 8, "#", "8s", "4s", true, 3, "verify_failed", "self_dob"},
		[]any{id.Into, id.MinDigits, id.MaxDigits, id.Terminator, id.Timeout.String(), id.InterDigitTimeout.String(), id.Secure, id.Retries, id.OnFailure, id.Next})
	assert.Equal(t, []any{"dob", 8, 8, "", true}, []any{n["self_dob"].Into, n["self_dob"].MinDigits, n["self_dob"].MaxDigits, n["self_dob"].Terminator, n["self_dob"].Secure})

	for _, tc := range []struct {
		node   string
		step   flows.VerifyStep
		inputs map[string]string
		retry  string
		next   string
	}{
		{"self_identity", flows.StepIdentity, map[string]string{"member_id": "member_id", "dob": "dob"}, "self_member_id", "self_pin_entry"},
		{"self_pin", flows.StepPIN, map[string]string{"pin": "pin"}, "self_pin_entry", "verified"},
		{"rep_identity", flows.StepIdentity, map[string]string{"member_id": "member_id", "dob": "dob"}, "rep_member_id", "rep_code_entry"},
		{"rep_code", flows.StepRepCode, map[string]string{"code": "code"}, "rep_code_entry", "verified"},
	} {
		v := n[tc.node]
		assert.Equal(t, []any{flows.KindVerify, tc.step, tc.inputs, 3, tc.retry, "not_verified", tc.next, "verify_failed"},
			[]any{v.Kind, v.Step, v.Inputs, v.Tries, v.Retry, v.InvalidPrompt, v.Next, v.OnFailure}, tc.node)
	}
	assert.Equal(t, map[string]string{"flags": "verification_failed"}, n["verify_failed"].Set)
	assert.Equal(t, []string{"verify_failed_transfer"}, n["verify_failed_notice"].Prompts)
	assert.Equal(t, "purpose", n["verify_failed_notice"].Next)
	assert.Equal(t, "purpose", n["verified"].Next)

	for key, want := range map[string]string{"1": "scheduling", "2": "billing", "3": "pharmacy", "4": "nurse"} {
		choice := n["purpose"].Choices[key]
		assert.Equal(t, map[string]string{"purpose": want}, choice.Set)
		route := n[choice.Next]
		assert.Equal(t, []any{flows.KindRoute, want, []string{want}, "5m0s", "overflow_" + want},
			[]any{route.Kind, route.Queue, route.Skills, route.MaxWait.String(), route.OnFailure}, choice.Next)
		assert.Equal(t, want == "nurse", route.Clinical, choice.Next)
	}
	assert.Equal(t, "route_general", n["purpose"].OnFailure)
	assert.Equal(t, "general", n["route_general"].Queue)
	for _, q := range []string{"scheduling", "billing", "pharmacy", "nurse", "general"} {
		o := n["overflow_"+q]
		assert.Equal(t, []any{flows.KindMenu, "callback_" + q, "route_" + q, "route_" + q},
			[]any{o.Kind, o.Choices["1"].Next, o.Choices["2"].Next, o.OnFailure}, "overflow: 1 callback; 2, or no answer, keeps holding")
		assert.Equal(t, []any{flows.KindCallback, q}, []any{n["callback_"+q].Kind, n["callback_"+q].Queue})
	}
}

// mutation breaks a demo flow by replacing old (which must occur exactly
// once) with new; want is an error Load must report, at the line where
// at occurs in the broken source and at column col.
type mutation struct {
	name     string
	flow     string
	old, new string
	at       string
	col      int
	want     string
	queues   []string
}

func TestBrokenDemoFlows(t *testing.T) {
	cases := []mutation{
		{name: "undefined target", flow: "member-services",
			old: "    timeout: 5s\n    next: role\n", new: "    timeout: 5s\n    next: rolle\n",
			at: "next: rolle", col: 5, want: `node "consent": next names undefined target "rolle"; did you mean "role"?`},
		{name: "unreachable node", flow: "member-services",
			old: `"2": {next: rep_member_id`, new: `"2": {next: self_member_id`,
			at: "  rep_member_id:", col: 3, want: `node "rep_member_id" is never reached from entry "consent"`},
		{name: "collect feeding verification not secure", flow: "member-services",
			old: "    inter_digit_timeout: 4s\n    secure: true\n    retries: 3\n    on_failure: verify_failed\n    next: self_pin\n",
			new: "    inter_digit_timeout: 4s\n    secure: false\n    retries: 3\n    on_failure: verify_failed\n    next: self_pin\n",
			at:  "  self_pin_entry:", col: 3, want: `collect "self_pin_entry" feeds verification but is not secure: true`},
		{name: "missing prompt", flow: "member-services",
			old: "prompts: [verified]", new: "prompts: [verfied]",
			at: "prompts: [verfied]", col: 15, want: `node "verified": prompt "verfied" has no en/verfied.wav`},
		{name: "loop without input", flow: "member-services",
			old: "    prompts: [verify_failed_transfer]\n    next: purpose", new: "    prompts: [verify_failed_transfer]\n    next: verify_failed",
			at: "  verify_failed:", col: 3, want: "nodes verify_failed -> verify_failed_notice -> verify_failed form a loop that never waits for the caller"},
		{name: "queue not configured", flow: "member-services", queues: []string{"scheduling", "billing", "pharmacy", "nurse"},
			old: "    queue: general\n    max_wait", new: "    queue: general\n    max_wait",
			at: "queue: general\n    max_wait", col: 5, want: `node "route_general": queue "general" is not configured`},
		{name: "verify reads an unfilled slot", flow: "member-services",
			old: "inputs: {pin: pin}", new: "inputs: {pin: pin_code}",
			at: "inputs: {pin: pin_code}", col: 14, want: `input "pin" reads slot "pin_code", which no collect node fills`},
		{name: "verify inputs of another step", flow: "member-services",
			old: "inputs: {code: code}", new: "inputs: {pin: code}",
			at: "inputs: {pin: code}", col: 14, want: `node "rep_code": input "pin" is not read by a rep_code step`},
		{name: "retries out of range", flow: "member-services",
			old: "    retries: 3\n    on_failure: verify_failed\n    next: self_dob", new: "    retries: 30\n    on_failure: verify_failed\n    next: self_dob",
			at: "retries: 30", col: 5, want: `node "self_member_id": retries must be between 1 and 10, not 30`},
		{name: "timeout out of range", flow: "member-services",
			old: "timeout: 5s", new: "timeout: 5m",
			at: "timeout: 5m", col: 5, want: `node "consent": timeout must be between 1s and 1m, not 5m`},
		{name: "consent keys clash", flow: "member-services",
			old: "timeout: 5s\n", new: "timeout: 5s\n    grant: \"2\"\n",
			at: `grant: "2"`, col: 5, want: `node "consent": grant and decline are both "2"`},
		{name: "flag that a flow may not set", flow: "member-services",
			old: "set: {flags: verification_failed}", new: "set: {flags: locked_out}",
			at: "set: {flags: locked_out}", col: 11, want: `flags can only be set to verification_failed, not "locked_out"`},
		{name: "choice sets a role that does not exist", flow: "member-services",
			old: "set: {caller_role: self}", new: "set: {caller_role: patient}",
			at: "set: {caller_role: patient}", col: 41, want: `node "role": choice "1" caller_role cannot be "patient"`},
		{name: "language the flow does not have", flow: "member-services",
			old: "set: {caller_role: self}", new: "set: {language: es}",
			at: "set: {language: es}", col: 41, want: `node "role": choice "1" language "es" is not one of the flow's languages (en)`},
		{name: "callback with next", flow: "member-services",
			old: "    kind: callback\n    queue: general\n", new: "    kind: callback\n    queue: general\n    next: consent\n",
			at: "next: consent", col: 5, want: `node "callback_general": a callback node ends the call and cannot have next`},
		{name: "field of another kind", flow: "member-services",
			old: "    kind: callback\n    queue: general\n", new: "    kind: callback\n    queue: general\n    max_wait: 1m\n",
			at: "max_wait: 1m\n", col: 5, want: `node "callback_general": field "max_wait" does not apply to a callback node`},
		{name: "unquoted terminator", flow: "member-services",
			old: "    terminator: \"#\"\n    timeout: 8s\n    inter_digit_timeout: 4s\n    secure: true\n    retries: 3\n    on_failure: verify_failed\n    next: self_dob",
			new: "    terminator: #\n    timeout: 8s\n    inter_digit_timeout: 4s\n    secure: true\n    retries: 3\n    on_failure: verify_failed\n    next: self_dob",
			at:  "terminator: #", col: 16, want: `node "self_member_id": terminator is empty; write "#" or "*" in quotes`},
		{name: "misspelled field", flow: "member-services",
			old: "    on_failure: purpose", new: "    on_falure: purpose",
			at: "on_falure", col: 5, want: `node "role": unknown field "on_falure" for a menu node; did you mean "on_failure"?`},
		{name: "bad duration", flow: "member-services",
			old: "max_wait: 5m\n    on_failure: overflow_scheduling", new: "max_wait: 10 min\n    on_failure: overflow_scheduling",
			at: "max_wait: 10 min", col: 15, want: `node "route_scheduling": max_wait "10 min" is not a duration`},
		{name: "opening time backwards", flow: "pharmacy-refill",
			old: `sat: "09:00-13:00"`, new: `sat: "13:00-09:00"`,
			at: `sat: "13:00-09:00"`, col: 9, want: `node "hours": opening times for sat: "13:00-09:00" ends before it starts`},
		{name: "holiday not a date", flow: "pharmacy-refill",
			old: `"2027-01-01"`, new: `"2027-13-01"`,
			at: `"2027-13-01"`, col: 32, want: `node "hours": holiday "2027-13-01" is not a date`},
		{name: "hours without a timezone", flow: "pharmacy-refill",
			old: "timezone: America/New_York\n", new: "",
			at: "    hours:", col: 5, want: `node "hours": an hours branch needs the flow's timezone`},
		{name: "unknown timezone", flow: "pharmacy-refill",
			old: "timezone: America/New_York", new: "timezone: America/Gotham",
			at: "timezone: America/Gotham", col: 1, want: `timezone "America/Gotham" is not a known IANA time zone`},
		{name: "menu key that is not a key", flow: "pharmacy-refill",
			old: `"2": {next: hours, set: {language: es}}`, new: `"22": {next: hours, set: {language: es}}`,
			at: `"22"`, col: 7, want: `node "language": choice "22" is not a single key`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			src := demo.Sources()[tc.flow]
			require.Equal(t, 1, bytes.Count(src, []byte(tc.old)), "old text must occur once")
			broken := bytes.Replace(src, []byte(tc.old), []byte(tc.new), 1)
			opts := bundledOptions(t)
			if tc.queues != nil {
				opts.Queues = tc.queues
			}
			_, err := flows.Load(broken, opts)
			var errs flows.Errors
			require.ErrorAs(t, err, &errs)
			wantPos := fmt.Sprintf("%d:%d: ", lineOf(t, broken, tc.at), tc.col)
			for _, e := range errs {
				if strings.HasPrefix(e.Error(), wantPos) && strings.Contains(e.Message, tc.want) {
					return
				}
			}
			t.Errorf("want %s%s\ngot:\n%s", wantPos, tc.want, errs)
		})
	}
}

// lineOf returns the 1-based line where needle first occurs in src.
func lineOf(t *testing.T, src []byte, needle string) int {
	t.Helper()
	i := bytes.Index(src, []byte(needle))
	require.GreaterOrEqual(t, i, 0, "%q not in source", needle)
	return bytes.Count(src[:i], []byte("\n")) + 1
}

func TestSourcesAreCopies(t *testing.T) {
	a := demo.Sources()["member-services"]
	a[0] = 'X'
	assert.NotEqual(t, byte('X'), demo.Sources()["member-services"][0])
}
