package flows_test

import (
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

func TestDurationYAML(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    time.Duration
		wantErr bool
	}{
		{"seconds", "d: 5s", 5 * time.Second, false},
		{"milliseconds", "d: 1500ms", 1500 * time.Millisecond, false},
		{"minutes", "d: 10m", 10 * time.Minute, false},
		{"no unit", "d: 5", 0, true},
		{"not a duration", "d: soon", 0, true},
		{"empty", "d:", 0, false}, // yaml.v3 leaves null fields alone
		{"a list", "d: [5s]", 0, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				D flows.Duration `yaml:"d"`
			}
			err := yaml.Unmarshal([]byte(tc.src), &v)
			if tc.wantErr {
				require.ErrorIs(t, err, flows.ErrInvalidDuration)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.D.D())
		})
	}
	out, err := yaml.Marshal(map[string]flows.Duration{"d": flows.Duration(1500 * time.Millisecond)})
	require.NoError(t, err)
	assert.Equal(t, "d: 1.5s\n", string(out))
}

func TestChoiceYAML(t *testing.T) {
	cases := []struct {
		name    string
		src     string
		want    flows.Choice
		wantErr bool
	}{
		{"node name", "c: purpose", flows.Choice{Next: "purpose"}, false},
		{"next and set", "c: {next: a, set: {caller_role: self}}", flows.Choice{Next: "a", Set: map[string]string{"caller_role": "self"}}, false},
		{"unknown field", "c: {next: a, sett: {}}", flows.Choice{}, true},
		{"a list", "c: [a]", flows.Choice{}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				C flows.Choice `yaml:"c"`
			}
			err := yaml.Unmarshal([]byte(tc.src), &v)
			if tc.wantErr {
				require.ErrorIs(t, err, flows.ErrInvalidChoice)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, v.C)
		})
	}
}

func TestFlowYAMLRoundTrip(t *testing.T) {
	// A flow marshalled with yaml.v3 parses back to the same content.
	for _, id := range []string{"member-services", "pharmacy-refill"} {
		t.Run(id, func(t *testing.T) {
			f := loadDemo(t, id)
			out, err := yaml.Marshal(f)
			require.NoError(t, err)
			again, err := flows.Load(out, testOptions())
			require.NoError(t, err, "%s", out)
			again.Source, again.Pos = f.Source, f.Pos
			assert.Equal(t, f, again)
		})
	}
}

func TestClone(t *testing.T) {
	f := loadDemo(t, "pharmacy-refill")
	c := f.Clone()
	require.Equal(t, f, c)

	c.Languages[0] = "fr"
	c.Source[0] = 'X'
	c.Pos["id"] = flows.Position{Line: 99}
	c.Nodes["language"].Prompts[0] = "x"
	c.Nodes["language"].Choices["1"].Set["language"] = "fr"
	c.Nodes["identity"].Inputs["dob"] = "x"
	c.Nodes["set_purpose"].Set["purpose"] = "x"
	c.Nodes["route_pharmacy"].Skills[0] = "x"
	c.Nodes["hours"].Hours.Weekly["sat"] = "x"
	c.Nodes["hours"].Hours.Holidays[0] = "x"
	c.Nodes["confirm"] = nil

	assert.Equal(t, loadDemo(t, "pharmacy-refill"), f, "the original is unchanged")
	assert.Nil(t, (*flows.Flow)(nil).Clone())
	assert.Nil(t, (*flows.Node)(nil).Clone())
}
