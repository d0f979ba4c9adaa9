package flows_test

import (
	"errors"
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		name string
		err  flows.Error
		want string
	}{
		{"with position", flows.Error{Line: 12, Column: 5, Path: "role.choises", Message: `node "role": unknown field "choises"`}, `12:5: node "role": unknown field "choises"`},
		{"without position", flows.Error{Message: "there is no flow to validate"}, "there is no flow to validate"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.err.Error())
		})
	}
}

func TestErrors(t *testing.T) {
	errs := flows.Errors{
		{Line: 1, Column: 1, Message: "a"},
		{Line: 2, Column: 3, Message: "b"},
	}
	assert.Equal(t, "1:1: a\n2:3: b", errs.Error())

	err := errs.Err()
	require.Error(t, err)
	assert.ErrorIs(t, err, flows.ErrInvalidFlow)
	var one flows.Error
	require.True(t, errors.As(err, &one))
	assert.Equal(t, "a", one.Message)
	var all flows.Errors
	require.True(t, errors.As(err, &all))
	assert.Len(t, all, 2)

	assert.NoError(t, flows.Errors(nil).Err())
	assert.NoError(t, flows.Errors{}.Err())
	assert.False(t, errors.Is(flows.Errors{}, flows.ErrInvalidFlow))
}

func TestLoadReportsEachMistakeOnce(t *testing.T) {
	// A bad duration is a parse error; the validator's range check on the
	// same field is left out. The typo'd next is an unknown field, and the
	// play node rightly also needs next.
	_, err := flows.Load(doc(
		"id: t",                  // 1
		"entry: a",               // 2
		"nodes:",                 // 3
		"  a:",                   // 4
		"    kind: consent",      // 5
		"    prompts: [consent]", // 6
		"    timeout: 5 seconds", // 7
		"    next: b",            // 8
		"  b:",                   // 9
		"    kind: play",         // 10
		"    prompts: [goodbye]", // 11
		"    nxt: c",             // 12
		"  c: {kind: hangup}",    // 13
	), testOptions())
	var errs flows.Errors
	require.ErrorAs(t, err, &errs)
	assert.Equal(t, `7:14: node "a": timeout "5 seconds" is not a duration; write it like "5s" or "1500ms"
9:3: node "b": a play node needs next, the node to go to next
12:5: node "b": unknown field "nxt" for a play node; did you mean "next"?
13:3: node "c" is never reached from entry "a"; send a node to it or remove it`, errs.Error())
}

func TestValidateWithoutPositions(t *testing.T) {
	f := &flows.Flow{
		ID:    "built",
		Entry: "a",
		Nodes: map[string]*flows.Node{
			"a": {Kind: flows.KindPlay, Prompts: []string{"welcome"}, Next: "b"},
			"b": nil,
		},
	}
	errs := flows.Validate(f, testOptions())
	assert.Equal(t, `node "b" is empty; give it a kind and the fields of that kind`, flows.Errors(errs).Error())
	assert.Equal(t, "there is no flow to validate", flows.Errors(flows.Validate(nil, testOptions())).Error())
}
