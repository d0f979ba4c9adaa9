package flows

import (
	"maps"
	"slices"
)

// Clone returns a deep copy of f that shares no memory with it (nil for a
// nil f).
func (f *Flow) Clone() *Flow {
	if f == nil {
		return nil
	}
	c := *f
	c.Languages = slices.Clone(f.Languages)
	c.Source = slices.Clone(f.Source)
	c.Pos = maps.Clone(f.Pos)
	if f.Nodes != nil {
		c.Nodes = make(map[string]*Node, len(f.Nodes))
		for name, n := range f.Nodes {
			c.Nodes[name] = n.Clone()
		}
	}
	return &c
}

// Clone returns a deep copy of n (nil for a nil n).
func (n *Node) Clone() *Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Prompts = slices.Clone(n.Prompts)
	if n.Choices != nil {
		c.Choices = make(map[string]Choice, len(n.Choices))
		for key, choice := range n.Choices {
			c.Choices[key] = Choice{Next: choice.Next, Set: maps.Clone(choice.Set)}
		}
	}
	c.Inputs = maps.Clone(n.Inputs)
	c.Set = maps.Clone(n.Set)
	c.Cases = maps.Clone(n.Cases)
	c.Skills = slices.Clone(n.Skills)
	if n.Hours != nil {
		c.Hours = &Hours{Weekly: maps.Clone(n.Hours.Weekly), Holidays: slices.Clone(n.Hours.Holidays)}
	}
	return &c
}
