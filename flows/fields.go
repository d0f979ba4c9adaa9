package flows

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// kindSet is a set of node kinds.
type kindSet uint16

// kindBit returns k's bit, or 0 for an unknown kind.
func kindBit(k Kind) kindSet {
	for i, known := range knownKinds {
		if k == known {
			return 1 << i
		}
	}
	return 0
}

// kindsOf returns the set holding ks.
func kindsOf(ks ...Kind) kindSet {
	var s kindSet
	for _, k := range ks {
		s |= kindBit(k)
	}
	return s
}

// has reports whether k is in s.
func (s kindSet) has(k Kind) bool { return s&kindBit(k) != 0 }

// knownKinds lists the node kinds in the order messages name them.
var knownKinds = [...]Kind{ //nolint:gochecknoglobals // read-only table
	KindPlay, KindMenu, KindCollect, KindVerify, KindConsent,
	KindSet, KindBranch, KindRoute, KindTransfer, KindHangup, KindCallback,
}

// kindList is "play, menu, ..., hangup" for messages.
func kindList() string {
	names := make([]string, len(knownKinds))
	for i, k := range knownKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// fieldSpec describes one YAML field of a node: which kinds it belongs to,
// how Parse decodes it and how Validate tells that it was given.
type fieldSpec struct {
	name    string
	kinds   kindSet
	decode  func(p *parser, n *Node, path string, v *yaml.Node)
	present func(n *Node) bool
}

// nodeFields is every node field, in the order messages list them. "kind"
// is decoded before the others and is not in the table.
var nodeFields = [...]fieldSpec{ //nolint:gochecknoglobals // read-only table
	{
		name:    "prompts",
		kinds:   kindsOf(KindPlay, KindHangup, KindMenu, KindCollect, KindConsent, KindRoute, KindCallback),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Prompts = p.list(v, path, "prompts") },
		present: func(n *Node) bool { return n.Prompts != nil },
	},
	{
		name:    "next",
		kinds:   kindsOf(KindPlay, KindCollect, KindVerify, KindConsent, KindSet, KindRoute, KindTransfer),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Next = p.text(v, "next") },
		present: func(n *Node) bool { return n.Next != "" },
	},
	{
		name:    "choices",
		kinds:   kindsOf(KindMenu),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Choices = p.choices(v, path) },
		present: func(n *Node) bool { return n.Choices != nil },
	},
	{
		name:    "timeout",
		kinds:   kindsOf(KindMenu, KindCollect, KindConsent, KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Timeout = p.duration(v, "timeout") },
		present: func(n *Node) bool { return n.Timeout != 0 },
	},
	{
		name:    "retries",
		kinds:   kindsOf(KindMenu, KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Retries = p.integer(v, "retries") },
		present: func(n *Node) bool { return n.Retries != 0 },
	},
	{
		name:    "no_input_prompt",
		kinds:   kindsOf(KindMenu, KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.NoInputPrompt = p.text(v, "no_input_prompt") },
		present: func(n *Node) bool { return n.NoInputPrompt != "" },
	},
	{
		name:    "no_match_prompt",
		kinds:   kindsOf(KindMenu, KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.NoMatchPrompt = p.text(v, "no_match_prompt") },
		present: func(n *Node) bool { return n.NoMatchPrompt != "" },
	},
	{
		name:    "on_failure",
		kinds:   kindsOf(KindMenu, KindCollect, KindVerify, KindRoute),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.OnFailure = p.text(v, "on_failure") },
		present: func(n *Node) bool { return n.OnFailure != "" },
	},
	{
		name:    "into",
		kinds:   kindsOf(KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Into = p.text(v, "into") },
		present: func(n *Node) bool { return n.Into != "" },
	},
	{
		name:    "min_digits",
		kinds:   kindsOf(KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.MinDigits = p.integer(v, "min_digits") },
		present: func(n *Node) bool { return n.MinDigits != 0 },
	},
	{
		name:    "max_digits",
		kinds:   kindsOf(KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.MaxDigits = p.integer(v, "max_digits") },
		present: func(n *Node) bool { return n.MaxDigits != 0 },
	},
	{
		name:    "terminator",
		kinds:   kindsOf(KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Terminator = p.key(v, "terminator") },
		present: func(n *Node) bool { return n.Terminator != "" },
	},
	{
		name:  "inter_digit_timeout",
		kinds: kindsOf(KindCollect),
		decode: func(p *parser, n *Node, path string, v *yaml.Node) {
			n.InterDigitTimeout = p.duration(v, "inter_digit_timeout")
		},
		present: func(n *Node) bool { return n.InterDigitTimeout != 0 },
	},
	{
		name:    "secure",
		kinds:   kindsOf(KindCollect),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Secure = p.boolean(v, "secure") },
		present: func(n *Node) bool { return n.Secure },
	},
	{
		name:    "step",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Step = VerifyStep(p.text(v, "step")) },
		present: func(n *Node) bool { return n.Step != "" },
	},
	{
		name:    "inputs",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Inputs = p.textMap(v, path, "inputs") },
		present: func(n *Node) bool { return n.Inputs != nil },
	},
	{
		name:    "tries",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Tries = p.integer(v, "tries") },
		present: func(n *Node) bool { return n.Tries != 0 },
	},
	{
		name:    "retry",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Retry = p.text(v, "retry") },
		present: func(n *Node) bool { return n.Retry != "" },
	},
	{
		name:    "invalid_prompt",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.InvalidPrompt = p.text(v, "invalid_prompt") },
		present: func(n *Node) bool { return n.InvalidPrompt != "" },
	},
	{
		name:    "channel",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Channel = OTPChannel(p.text(v, "channel")) },
		present: func(n *Node) bool { return n.Channel != "" },
	},
	{
		name:  "on_unavailable",
		kinds: kindsOf(KindVerify),
		decode: func(p *parser, n *Node, path string, v *yaml.Node) {
			n.OnUnavailable = Unavailable(p.text(v, "on_unavailable"))
		},
		present: func(n *Node) bool { return n.OnUnavailable != "" },
	},
	{
		name:    "fallback",
		kinds:   kindsOf(KindVerify),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Fallback = p.text(v, "fallback") },
		present: func(n *Node) bool { return n.Fallback != "" },
	},
	{
		name:    "grant",
		kinds:   kindsOf(KindConsent),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Grant = p.key(v, "grant") },
		present: func(n *Node) bool { return n.Grant != "" },
	},
	{
		name:    "decline",
		kinds:   kindsOf(KindConsent),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Decline = p.key(v, "decline") },
		present: func(n *Node) bool { return n.Decline != "" },
	},
	{
		name:    "set",
		kinds:   kindsOf(KindSet),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Set = p.textMap(v, path, "set") },
		present: func(n *Node) bool { return n.Set != nil },
	},
	{
		name:    "tag",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Tag = p.text(v, "tag") },
		present: func(n *Node) bool { return n.Tag != "" },
	},
	{
		name:    "language",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Language = p.boolean(v, "language") },
		present: func(n *Node) bool { return n.Language },
	},
	{
		name:    "cases",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Cases = p.textMap(v, path, "cases") },
		present: func(n *Node) bool { return n.Cases != nil },
	},
	{
		name:    "default",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Default = p.text(v, "default") },
		present: func(n *Node) bool { return n.Default != "" },
	},
	{
		name:    "hours",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Hours = p.hours(v, path) },
		present: func(n *Node) bool { return n.Hours != nil },
	},
	{
		name:    "open",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Open = p.text(v, "open") },
		present: func(n *Node) bool { return n.Open != "" },
	},
	{
		name:    "closed",
		kinds:   kindsOf(KindBranch),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Closed = p.text(v, "closed") },
		present: func(n *Node) bool { return n.Closed != "" },
	},
	{
		name:    "queue",
		kinds:   kindsOf(KindRoute, KindCallback),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Queue = p.text(v, "queue") },
		present: func(n *Node) bool { return n.Queue != "" },
	},
	{
		name:    "skills",
		kinds:   kindsOf(KindRoute),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Skills = p.list(v, path, "skills") },
		present: func(n *Node) bool { return n.Skills != nil },
	},
	{
		name:    "clinical",
		kinds:   kindsOf(KindRoute),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.Clinical = p.boolean(v, "clinical") },
		present: func(n *Node) bool { return n.Clinical },
	},
	{
		name:    "max_wait",
		kinds:   kindsOf(KindRoute),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.MaxWait = p.duration(v, "max_wait") },
		present: func(n *Node) bool { return n.MaxWait != 0 },
	},
	{
		name:    "announce_every",
		kinds:   kindsOf(KindRoute),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.AnnounceEvery = p.duration(v, "announce_every") },
		present: func(n *Node) bool { return n.AnnounceEvery != 0 },
	},
	{
		name:    "to",
		kinds:   kindsOf(KindTransfer),
		decode:  func(p *parser, n *Node, path string, v *yaml.Node) { n.To = p.text(v, "to") },
		present: func(n *Node) bool { return n.To != "" },
	},
}

// fieldNamed returns the spec of the node field called name.
func fieldNamed(name string) (*fieldSpec, bool) {
	for i := range nodeFields {
		if nodeFields[i].name == name {
			return &nodeFields[i], true
		}
	}
	return nil, false
}

// fieldNames lists "kind" and the fields of kind k (all fields when k is
// unknown), for "did you mean" hints.
func fieldNames(k Kind) []string {
	names := []string{"kind"}
	bit := kindBit(k)
	for i := range nodeFields {
		if bit == 0 || nodeFields[i].kinds&bit != 0 {
			names = append(names, nodeFields[i].name)
		}
	}
	return names
}
