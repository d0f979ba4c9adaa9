package flows

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Limits on counts and durations a node may set.
const (
	minTries      = 1
	maxTries      = 10
	minTimeout    = time.Second
	maxTimeout    = 60 * time.Second
	minMaxWait    = time.Second
	maxMaxWait    = 4 * time.Hour
	minAnnounce   = 10 * time.Second
	maxAnnounce   = 10 * time.Minute
	maxDigitLimit = 32
)

// needHints says what each required field is, for "needs X" messages.
var needHints = map[string]string{ //nolint:gochecknoglobals // read-only table
	"prompts":        "prompts, the list of prompts to play",
	"next":           "next, the node to go to next",
	"choices":        `choices, such as "1": next_node`,
	"into":           "into, the slot that holds the digits",
	"max_digits":     "max_digits, the most digits to collect (at least 1)",
	"step":           "step: identity, pin, rep_code or otp",
	"inputs":         "inputs, the slots the step reads",
	"retry":          "retry, the node to go back to after a failed try",
	"on_failure":     "on_failure, the node to go to after the last failed try",
	"set":            "set, the tags to write",
	"cases":          "cases, the value -> node pairs to branch on",
	"default":        "default, the node to go to when no case matches",
	"open":           "open, the node to go to when open",
	"closed":         "closed, the node to go to when closed",
	"queue":          "queue, the queue to put the call in",
	"to":             "to, the SIP URI to transfer to",
	"on_unavailable": "on_unavailable: pin or partial, what the call falls back to when the code cannot be sent or checked",
	"fallback":       "fallback, the node to go to when the code cannot be sent or checked",
}

// nodeCheck validates one node.
type nodeCheck struct {
	*validator
	name string
	n    *Node
}

// node validates node name: its name, kind, fields and per-kind rules.
func (v *validator) node(name string, n *Node) {
	if !isNodeName(name) {
		v.errorf(name, "node name %q is not valid: use 1 to 63 lowercase letters, digits and underscores, starting with a letter", name)
	}
	if n == nil {
		v.errorf(name, "node %q is empty; give it a kind and the fields of that kind", name)
		return
	}
	switch {
	case n.Kind == "":
		v.errorf(name+".kind", "node %q has no kind; add kind: with one of %s", name, kindList())
		return
	case kindBit(n.Kind) == 0:
		v.errorf(name+".kind", "node %q: unknown kind %q; use one of %s", name, n.Kind, kindList())
		return
	}
	c := nodeCheck{validator: v, name: name, n: n}
	c.foreignFields()
	switch n.Kind {
	case KindPlay:
		c.need("prompts", len(n.Prompts) > 0)
		c.need("next", n.Next != "")
	case KindMenu:
		c.menu()
	case KindCollect:
		c.collect()
	case KindVerify:
		c.verify()
	case KindConsent:
		c.consent()
	case KindSet:
		c.need("set", len(n.Set) > 0)
		c.checkSet(name+".set", n.Set, "")
		c.need("next", n.Next != "")
	case KindBranch:
		c.branch()
	case KindRoute:
		c.route()
	case KindTransfer:
		c.transfer()
	case KindHangup:
	case KindCallback:
		c.need("queue", c.n.Queue != "")
		c.queueName()
	}
	c.limits()
}

// errorf records a problem about the node's field path (relative to the
// node; "" for the node itself), prefixed with the node's name.
func (c nodeCheck) errorf(field, format string, args ...any) {
	path := c.name
	if field != "" {
		path += "." + field
	}
	c.validator.errorf(path, "node %q: %s", c.name, fmt.Sprintf(format, args...))
}

// need reports a missing required field.
func (c nodeCheck) need(field string, ok bool) {
	if !ok {
		c.errorf(field, "%s %s node needs %s", article(string(c.n.Kind)), c.n.Kind, needHints[field])
	}
}

// foreignFields reports fields that do not belong to the node's kind.
func (c nodeCheck) foreignFields() {
	for i := range nodeFields {
		spec := &nodeFields[i]
		if spec.kinds.has(c.n.Kind) || !c.given(c.name, c.n, spec) {
			continue
		}
		if spec.name == "next" && (c.n.Kind == KindHangup || c.n.Kind == KindCallback) {
			c.errorf("next", "a %s node ends the call and cannot have next; remove next or use a play node", c.n.Kind)
			continue
		}
		c.errorf(spec.name, "field %q does not apply to %s %s node; remove it", spec.name, article(string(c.n.Kind)), c.n.Kind)
	}
}

// menu checks a menu node's choices.
func (c nodeCheck) menu() {
	c.need("prompts", len(c.n.Prompts) > 0)
	c.need("choices", len(c.n.Choices) > 0)
	for _, key := range sortedKeys(c.n.Choices) {
		choice := c.n.Choices[key]
		path := "choices." + key
		if !isDTMFKey(key) {
			c.errorf(path, "choice %q is not a single key; use one of 0-9, *, # or A-D", key)
		}
		if choice.Next == "" {
			c.errorf(path, "choice %q has no next; name the node to go to", key)
		}
		c.checkSet(c.name+"."+path+".set", choice.Set, fmt.Sprintf("choice %q ", key))
	}
}

// collect checks a collect node's digit rules.
func (c nodeCheck) collect() {
	n := c.n
	c.need("prompts", len(n.Prompts) > 0)
	c.need("into", n.Into != "")
	if n.Into != "" && !isNodeName(n.Into) {
		c.errorf("into", "slot name %q is not valid: use lowercase letters, digits and underscores, starting with a letter", n.Into)
	}
	switch {
	case n.MaxDigits == 0 && !c.given(c.name, n, mustField("max_digits")):
		c.need("max_digits", false)
	case n.MaxDigits < 1 || n.MaxDigits > maxDigitLimit:
		c.errorf("max_digits", "max_digits must be between 1 and %d, not %d", maxDigitLimit, n.MaxDigits)
	}
	switch {
	case n.MinDigits < 0:
		c.errorf("min_digits", "min_digits must not be negative (%d)", n.MinDigits)
	case n.MaxDigits >= 1 && n.MinDigits > n.MaxDigits:
		c.errorf("min_digits", "min_digits (%d) is more than max_digits (%d)", n.MinDigits, n.MaxDigits)
	}
	if t := n.Terminator; t != "" && t != "#" && t != "*" {
		c.errorf("terminator", `terminator %q must be "#", "*" or "" (none)`, t)
	}
	c.need("next", n.Next != "")
}

// verify checks a verify node's own fields; verification() checks inputs
// against the collects.
func (c nodeCheck) verify() {
	n := c.n
	c.need("step", n.Step != "")
	if _, ok := StepInputs[n.Step]; n.Step != "" && !ok {
		c.errorf("step", "unknown step %q; use identity, pin, rep_code or otp", n.Step)
	}
	if why, off := c.opts.Unavailable[n.Step]; off && n.Step != "" {
		c.errorf("step", "step %s is not available in this deployment: %s", n.Step, why)
	}
	if n.Step == StepOTP {
		c.need("next", n.Next != "")
		c.need("on_failure", n.OnFailure != "")
		c.otp()
		return
	}
	c.need("inputs", len(n.Inputs) > 0)
	c.need("next", n.Next != "")
	c.need("retry", n.Retry != "")
	c.need("on_failure", n.OnFailure != "")
	c.otpOnly()
}

// consent checks a consent node's keys.
func (c nodeCheck) consent() {
	n := c.n
	c.need("prompts", len(n.Prompts) > 0)
	c.need("next", n.Next != "")
	grant, decline := cmp.Or(n.Grant, DefaultGrant), cmp.Or(n.Decline, DefaultDecline)
	if !isDTMFKey(grant) {
		c.errorf("grant", "grant %q is not a single key; use one of 0-9, *, # or A-D", grant)
	}
	if !isDTMFKey(decline) {
		c.errorf("decline", "decline %q is not a single key; use one of 0-9, *, # or A-D", decline)
	}
	if grant == decline {
		field := "decline"
		if n.Decline == "" {
			field = "grant"
		}
		c.errorf(field, "grant and decline are both %q; they must be different keys", grant)
	}
}

// route checks a route node's queue, skills and overflow.
func (c nodeCheck) route() {
	n := c.n
	c.need("queue", n.Queue != "")
	c.queueName()
	for i, skill := range n.Skills {
		if !isWord(skill) {
			c.errorf(fmt.Sprintf("skills.%d", i), "skill %q is not valid: use a lowercase word such as pharmacy", skill)
		}
	}
	if n.MaxWait > 0 && n.OnFailure == "" {
		c.errorf("max_wait", "max_wait needs on_failure, the node to go to when the wait runs out")
	}
}

// queueName checks a route or callback node's queue name.
func (c nodeCheck) queueName() {
	n := c.n
	switch {
	case n.Queue == "":
	case !isWord(n.Queue):
		c.errorf("queue", "queue name %q is not valid: use a lowercase word such as billing", n.Queue)
	case c.opts.Queues != nil && !slices.Contains(c.opts.Queues, n.Queue):
		c.errorf("queue", "queue %q is not configured; use one of %s%s", n.Queue,
			strings.Join(c.opts.Queues, ", "), didYouMean(n.Queue, c.opts.Queues))
	}
}

// transfer checks a transfer node's SIP URI.
func (c nodeCheck) transfer() {
	c.need("to", c.n.To != "")
	if c.n.To != "" && !isSIPURI(c.n.To) {
		c.errorf("to", "to %q is not a SIP URI; write sip:user@host or sips:user@host", c.n.To)
	}
}

// isSIPURI reports whether s looks like sip:[user@]host[:port][;params] or
// the sips: form, with no spaces or control characters.
func isSIPURI(s string) bool {
	rest, ok := strings.CutPrefix(s, "sip:")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "sips:"); !ok {
			return false
		}
	}
	if strings.ContainsFunc(rest, func(r rune) bool { return r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' }) {
		return false
	}
	host := rest
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		if i == 0 {
			return false
		}
		host = rest[i+1:]
	}
	host, _, _ = strings.Cut(host, ";")
	host, _, _ = strings.Cut(host, "?")
	return host != "" && host[0] != ':'
}

// limits checks retries, tries and durations that were given.
func (c nodeCheck) limits() {
	n := c.n
	c.count("retries", n.Retries)
	c.count("tries", n.Tries)
	c.span("timeout", n.Timeout, minTimeout, maxTimeout)
	c.span("inter_digit_timeout", n.InterDigitTimeout, minTimeout, maxTimeout)
	c.span("max_wait", n.MaxWait, minMaxWait, maxMaxWait)
	c.span("announce_every", n.AnnounceEvery, minAnnounce, maxAnnounce)
}

// count checks a retry count field, when given and part of the kind.
func (c nodeCheck) count(field string, value int) {
	spec := mustField(field)
	if !spec.kinds.has(c.n.Kind) || !c.given(c.name, c.n, spec) {
		return
	}
	if value < minTries || value > maxTries {
		c.errorf(field, "%s must be between %d and %d, not %d", field, minTries, maxTries, value)
	}
}

// span checks a duration field, when given and part of the kind.
func (c nodeCheck) span(field string, value Duration, lo, hi time.Duration) {
	spec := mustField(field)
	if !spec.kinds.has(c.n.Kind) || !c.given(c.name, c.n, spec) {
		return
	}
	if d := value.D(); d < lo || d > hi {
		c.errorf(field, "%s must be between %s and %s, not %s", field, shortDuration(lo), shortDuration(hi), shortDuration(d))
	}
}

// shortDuration formats d without zero units ("1m", not "1m0s").
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// mustField returns the spec of a field the table is known to have.
func mustField(name string) *fieldSpec {
	spec, ok := fieldNamed(name)
	if !ok {
		return &fieldSpec{name: name, present: func(*Node) bool { return false }}
	}
	return spec
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
