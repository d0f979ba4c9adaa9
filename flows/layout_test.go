package flows_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
)

func TestLayout(t *testing.T) {
	f, err := flows.Load(doc(
		"id: tiny",
		"entry: menu",
		"nodes:",
		"  menu:",
		"    kind: menu",
		"    prompts: [purpose]",
		"    choices:",
		`      "1": thanks`,
		`      "2": {next: agent, set: {purpose: billing}}`,
		"    on_failure: bye",
		"  thanks:",
		"    kind: play",
		"    prompts: [verified]",
		"    next: menu",
		"  agent:",
		"    kind: route",
		"    queue: billing",
		"    on_failure: bye",
		"  bye:",
		"    kind: hangup",
	), testOptions())
	require.NoError(t, err)
	g := flows.Layout(f)
	assert.Equal(t, "menu", g.Entry)
	assert.Equal(t, 2, g.Layers)
	assert.Equal(t, 3, g.Width)
	assert.Equal(t, []flows.GraphNode{
		{Name: "menu", Kind: flows.KindMenu, Layer: 0, Index: 0, Line: 4},
		{Name: "bye", Kind: flows.KindHangup, Layer: 1, Index: 0, Line: 19},
		{Name: "thanks", Kind: flows.KindPlay, Layer: 1, Index: 1, Line: 11},
		{Name: "agent", Kind: flows.KindRoute, Layer: 1, Index: 2, Line: 15},
	}, g.Nodes, "breadth first, each node's edges in field order: on_failure, then choices by key")
	assert.Equal(t, []flows.GraphEdge{
		{From: "menu", To: "bye", Label: "on_failure"},
		{From: "menu", To: "thanks", Label: "1"},
		{From: "menu", To: "agent", Label: "2"},
		{From: "thanks", To: "menu", Label: "", Back: true},
		{From: "agent", To: "bye", Label: "on_failure", Back: true},
	}, g.Edges)
	assert.Equal(t, g, flows.Layout(f), "deterministic")
}

func TestLayoutDemo(t *testing.T) {
	f := loadDemo(t, "member-services")
	g := flows.Layout(f)
	require.Len(t, g.Nodes, len(f.Nodes), "every node is drawn")
	assert.Equal(t, "consent", g.Nodes[0].Name)
	for _, e := range g.Edges {
		assert.Contains(t, f.Nodes, e.From)
		assert.Contains(t, f.Nodes, e.To)
	}
}
