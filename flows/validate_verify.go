package flows

import (
	"slices"
	"strings"
)

// verification checks every verify node's inputs against the collect nodes
// that fill them, and that those collects are secure.
func (v *validator) verification() {
	filled := make(map[string]bool) // slots some collect fills
	for _, name := range v.names {
		if n := v.f.Nodes[name]; n != nil && n.Kind == KindCollect && n.Into != "" {
			filled[n.Into] = true
		}
	}
	verified := make(map[string]bool) // slots some verify reads
	for _, name := range v.names {
		n := v.f.Nodes[name]
		if n == nil || n.Kind != KindVerify || n.Step == StepOTP {
			continue // an otp step collects its code itself (see otp)
		}
		c := nodeCheck{validator: v, name: name, n: n}
		c.inputKeys()
		for _, key := range sortedKeys(n.Inputs) {
			slot := n.Inputs[key]
			verified[slot] = true
			switch {
			case !isNodeName(slot):
				c.errorf("inputs."+key, "input %q names slot %q, which is not a valid slot name", key, slot)
			case !filled[slot]:
				c.errorf("inputs."+key, "input %q reads slot %q, which no collect node fills; add a collect node with into: %s", key, slot, slot)
			}
		}
	}
	for _, name := range v.names {
		n := v.f.Nodes[name]
		if n != nil && n.Kind == KindCollect && verified[n.Into] && !n.Secure {
			v.errorf(name, "collect %q feeds verification but is not secure: true; add secure: true so the digits are never logged", name)
		}
	}
}

// inputKeys checks that a verify node's inputs have exactly the keys its
// step reads.
func (c nodeCheck) inputKeys() {
	want, known := StepInputs[c.n.Step]
	if !known || len(c.n.Inputs) == 0 {
		return
	}
	step := article(string(c.n.Step)) + " " + string(c.n.Step)
	for _, key := range want {
		if _, ok := c.n.Inputs[key]; !ok {
			c.errorf("inputs", "%s step needs input %q; its inputs are %s", step, key, strings.Join(want, " and "))
		}
	}
	for _, key := range sortedKeys(c.n.Inputs) {
		if !slices.Contains(want, key) {
			c.errorf("inputs."+key, "input %q is not read by %s step; its inputs are %s%s",
				key, step, strings.Join(want, " and "), didYouMean(key, want))
		}
	}
}
