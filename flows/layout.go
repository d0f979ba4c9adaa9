package flows

import (
	"cmp"
	"slices"
	"strings"
)

// GraphNode is one node of a drawn flow.
type GraphNode struct {
	Name string
	Kind Kind
	// Layer is the node's distance in edges from the entry (0 for the
	// entry); nodes the entry does not reach come after the last layer.
	Layer int
	// Index is the node's place in its layer, from 0.
	Index int
	// Line is where the node is in the source (0 when unknown).
	Line int
}

// GraphEdge is one transition of a drawn flow.
type GraphEdge struct {
	From, To string
	// Label says when it is taken: "" for next, a menu key, a branch
	// value, or the field name (on_failure, retry, default, open, ...).
	Label string
	// Back is set when the edge goes to the same or an earlier layer.
	Back bool
}

// Graph is a flow laid out in layers for drawing: a layered layout by
// breadth-first depth from the entry, deterministic for a given flow.
type Graph struct {
	ID      string
	Version int
	Entry   string
	// Nodes are in layer order, then index order.
	Nodes []GraphNode
	// Edges are in the order of their source nodes, each node's edges in
	// a fixed field order (next, on_failure, retry, fallback, choices by
	// key, cases by value, default, open, closed).
	Edges []GraphEdge
	// Layers is the number of layers; Width the most nodes in one.
	Layers, Width int
}

// Layout lays f out for drawing. Nodes are placed in layers by
// breadth-first depth from the entry, following each node's edges in
// their fixed order, so the same flow is always drawn the same way.
// Targets that name no node are left out.
func Layout(f *Flow) Graph {
	g := Graph{ID: f.ID, Version: f.Version, Entry: f.Entry}
	layer := map[string]int{}
	var order []string
	if _, ok := f.Nodes[f.Entry]; ok {
		layer[f.Entry] = 0
		order = append(order, f.Entry)
		for i := 0; i < len(order); i++ {
			for _, e := range edges(f.Nodes[order[i]], true) {
				if _, ok := f.Nodes[e.to]; !ok {
					continue
				}
				if _, seen := layer[e.to]; !seen {
					layer[e.to] = layer[order[i]] + 1
					order = append(order, e.to)
				}
			}
		}
	}
	last := 0
	for _, name := range order {
		last = max(last, layer[name])
	}
	var rest []string
	for _, name := range sortedKeys(f.Nodes) {
		if _, ok := layer[name]; !ok {
			rest = append(rest, name)
		}
	}
	for _, name := range rest {
		layer[name] = last + 1
	}
	order = append(order, rest...)
	slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(layer[a], layer[b]) })

	counts := map[int]int{}
	for _, name := range order {
		n := f.Nodes[name]
		l := layer[name]
		kind := Kind("")
		if n != nil {
			kind = n.Kind
		}
		g.Nodes = append(g.Nodes, GraphNode{Name: name, Kind: kind, Layer: l, Index: counts[l], Line: f.Pos[name].Line})
		counts[l]++
		g.Width = max(g.Width, counts[l])
		g.Layers = max(g.Layers, l+1)
	}
	for _, name := range order {
		n := f.Nodes[name]
		if n == nil {
			continue
		}
		for _, e := range edges(n, true) {
			if _, ok := f.Nodes[e.to]; !ok {
				continue
			}
			g.Edges = append(g.Edges, GraphEdge{From: name, To: e.to, Label: edgeLabel(e), Back: layer[e.to] <= layer[name]})
		}
	}
	return g
}

// edgeLabel is the short label of an edge: "" for next, the key of a
// choice or case, else the field's name.
func edgeLabel(e edge) string {
	switch {
	case e.field == "next":
		return ""
	case strings.HasPrefix(e.field, "choices."):
		return strings.TrimSuffix(strings.TrimPrefix(e.field, "choices."), ".next")
	case strings.HasPrefix(e.field, "cases."):
		return strings.TrimPrefix(e.field, "cases.")
	}
	return e.field
}
