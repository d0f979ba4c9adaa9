package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// edge is one target a node names: field is its path relative to the node,
// label names it in messages.
type edge struct {
	field, label, to string
}

// edges lists the targets n names, in a fixed order. With ownOnly, fields
// that do not belong to n's kind are left out (all count for an unknown
// kind).
func edges(n *Node, ownOnly bool) []edge {
	var out []edge
	known := kindBit(n.Kind) != 0
	add := func(field, label, to string) {
		spec, _, _ := strings.Cut(field, ".")
		if to == "" || ownOnly && known && !mustField(spec).kinds.has(n.Kind) {
			return
		}
		out = append(out, edge{field, label, to})
	}
	add("next", "next", n.Next)
	add("on_failure", "on_failure", n.OnFailure)
	add("retry", "retry", n.Retry)
	add("fallback", "fallback", n.Fallback)
	for _, key := range sortedKeys(n.Choices) {
		add("choices."+key+".next", fmt.Sprintf("choice %q", key), n.Choices[key].Next)
	}
	for _, value := range sortedKeys(n.Cases) {
		add("cases."+value, fmt.Sprintf("case %q", value), n.Cases[value])
	}
	add("default", "default", n.Default)
	add("open", "open", n.Open)
	add("closed", "closed", n.Closed)
	return out
}

// waitsForCaller reports whether a node of kind k waits for the caller's
// input, which breaks a loop.
func waitsForCaller(k Kind) bool {
	return k == KindMenu || k == KindCollect || k == KindConsent
}

// graph checks that targets exist, that every node is reachable from the
// entry, and that no loop runs without waiting for the caller.
func (v *validator) graph() {
	adj := make(map[string][]string, len(v.names))
	for _, name := range v.names {
		n := v.f.Nodes[name]
		if n == nil {
			continue
		}
		for _, e := range edges(n, false) {
			if _, ok := v.f.Nodes[e.to]; !ok {
				v.errorf(name+"."+e.field, "node %q: %s names undefined target %q%s", name, e.label, e.to, didYouMean(e.to, v.names))
			}
		}
		for _, e := range edges(n, true) {
			if _, ok := v.f.Nodes[e.to]; ok {
				adj[name] = append(adj[name], e.to)
			}
		}
	}
	if entry := v.f.Entry; entry != "" {
		if _, ok := v.f.Nodes[entry]; ok {
			v.reachable(entry, adj)
		} else {
			v.errorf("entry", "entry names undefined target %q; name the first node%s", entry, didYouMean(entry, v.names))
		}
	}
	v.loops(adj)
}

// reachable reports nodes that cannot be reached from entry.
func (v *validator) reachable(entry string, adj map[string][]string) {
	seen := map[string]bool{entry: true}
	queue := []string{entry}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, to := range adj[name] {
			if !seen[to] {
				seen[to] = true
				queue = append(queue, to)
			}
		}
	}
	for _, name := range v.names {
		if !seen[name] {
			v.errorf(name, "node %q is never reached from entry %q; send a node to it or remove it", name, entry)
		}
	}
}

// loops reports each loop among nodes that never wait for the caller (a
// strongly connected component of them), naming one cycle in it.
func (v *validator) loops(adj map[string][]string) {
	quiet := make(map[string][]string) // adjacency among nodes that do not wait
	for _, name := range v.names {
		if n := v.f.Nodes[name]; n != nil && !waitsForCaller(n.Kind) {
			for _, to := range adj[name] {
				if m := v.f.Nodes[to]; m != nil && !waitsForCaller(m.Kind) {
					quiet[name] = append(quiet[name], to)
				}
			}
		}
	}
	for _, scc := range components(v.names, quiet) {
		if len(scc) == 1 && !slices.Contains(quiet[scc[0]], scc[0]) {
			continue
		}
		start := scc[0]
		for _, name := range scc[1:] {
			if v.earlier(name, start) {
				start = name
			}
		}
		cycle := shortestCycle(start, quiet, scc)
		if len(cycle) == 2 {
			v.errorf(start, "node %q goes straight back to itself, a loop that never waits for the caller; send it elsewhere", start)
			continue
		}
		v.errorf(start, "nodes %s form a loop that never waits for the caller; add a menu, collect or consent node to it or break it",
			strings.Join(cycle, " -> "))
	}
}

// earlier reports whether node a comes before node b in the source (by
// name when positions are equal or unknown).
func (v *validator) earlier(a, b string) bool {
	pa, pb := v.f.Pos[a], v.f.Pos[b]
	if c := cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Column, pb.Column)); c != 0 {
		return c < 0
	}
	return a < b
}

// shortestCycle returns start, the nodes of a shortest path back to start
// within scc, and start again.
func shortestCycle(start string, adj map[string][]string, scc []string) []string {
	in := make(map[string]bool, len(scc))
	for _, name := range scc {
		in[name] = true
	}
	prev := map[string]string{}
	queue := []string{start}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, to := range adj[name] {
			if !in[to] {
				continue
			}
			if to == start {
				path := []string{start}
				for at := name; at != start; at = prev[at] {
					path = append(path, at)
				}
				path = append(path, start)
				// path is start, last, ..., first, start: reverse the middle.
				for i, j := 1, len(path)-2; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			if _, seen := prev[to]; !seen {
				prev[to] = name
				queue = append(queue, to)
			}
		}
	}
	return []string{start, start}
}

// components returns the strongly connected components of the graph
// (Tarjan's algorithm, iterative), visiting roots in the order of names.
func components(names []string, adj map[string][]string) [][]string {
	index := make(map[string]int, len(names))
	low := make(map[string]int, len(names))
	onStack := make(map[string]bool)
	var stack []string
	var out [][]string
	next := 0
	type frame struct {
		name string
		edge int
	}
	for _, root := range names {
		if _, seen := index[root]; seen {
			continue
		}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		work := []frame{{root, 0}}
		for len(work) > 0 {
			top := &work[len(work)-1]
			if top.edge < len(adj[top.name]) {
				to := adj[top.name][top.edge]
				top.edge++
				if _, seen := index[to]; !seen {
					index[to], low[to] = next, next
					next++
					stack = append(stack, to)
					onStack[to] = true
					work = append(work, frame{to, 0})
				} else if onStack[to] {
					low[top.name] = min(low[top.name], index[to])
				}
				continue
			}
			name := top.name
			work = work[:len(work)-1]
			if len(work) > 0 {
				parent := work[len(work)-1].name
				low[parent] = min(low[parent], low[name])
			}
			if low[name] != index[name] {
				continue
			}
			var scc []string
			for {
				last := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[last] = false
				scc = append(scc, last)
				if last == name {
					break
				}
			}
			out = append(out, scc)
		}
	}
	return out
}
