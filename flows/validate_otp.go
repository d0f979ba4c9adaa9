package flows

import "strings"

// otpFields are the verify fields that belong to step otp only.
var otpFields = [...]string{"channel", "on_unavailable", "fallback", "timeout"} //nolint:gochecknoglobals // read-only table

// otp checks a verify node with step otp: it collects the code itself (no
// inputs, no retry), sends it by a known channel, and says what the call
// falls back to, and where, when the code cannot be sent or checked.
func (c nodeCheck) otp() {
	n := c.n
	if c.given(c.name, n, mustField("inputs")) {
		c.errorf("inputs", "an otp step asks for the code itself and reads no inputs; remove inputs")
	}
	if c.given(c.name, n, mustField("retry")) {
		c.errorf("retry", "an otp step asks again itself after a wrong code (tries sets how often); remove retry")
	}
	switch n.Channel {
	case "", ChannelSMS, ChannelCall:
	default:
		c.errorf("channel", "channel %q is not valid; use sms or call%s",
			n.Channel, didYouMean(string(n.Channel), []string{string(ChannelSMS), string(ChannelCall)}))
	}
	c.need("on_unavailable", n.OnUnavailable != "")
	switch n.OnUnavailable {
	case "", UnavailablePIN, UnavailablePartial:
	default:
		c.errorf("on_unavailable", "on_unavailable %q is not valid; use pin (go to the PIN step) or partial (carry on at partial verification)%s",
			n.OnUnavailable, didYouMean(string(n.OnUnavailable), []string{string(UnavailablePIN), string(UnavailablePartial)}))
	}
	c.need("fallback", n.Fallback != "")
	if n.OnUnavailable == UnavailablePIN && n.Fallback != "" {
		if target, ok := c.f.Nodes[n.Fallback]; ok && !c.startsPIN(n.Fallback, target) {
			c.errorf("fallback", "on_unavailable: pin needs fallback to name the PIN step: a collect node whose slot a step: pin verify node reads, or that verify node; %q is neither", n.Fallback)
		}
	}
}

// startsPIN reports whether node name is a step: pin verify node, or a
// collect node whose slot such a node reads.
func (c nodeCheck) startsPIN(name string, n *Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == KindVerify && n.Step == StepPIN {
		return true
	}
	if n.Kind != KindCollect || n.Into == "" {
		return false
	}
	for _, other := range c.names {
		m := c.f.Nodes[other]
		if m != nil && m.Kind == KindVerify && m.Step == StepPIN && m.Inputs["pin"] == n.Into {
			return true
		}
	}
	return false
}

// otpOnly reports otp fields on a verify node of another step.
func (c nodeCheck) otpOnly() {
	if c.n.Step == "" {
		return
	}
	for _, field := range otpFields {
		if c.given(c.name, c.n, mustField(field)) {
			c.errorf(field, "field %q applies only to step otp, not to %s %s step; remove it",
				field, article(string(c.n.Step)), strings.ReplaceAll(string(c.n.Step), "_", " "))
		}
	}
}
