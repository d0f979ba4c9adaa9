package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// MaxSourceSize is the largest policy source, in bytes, that Parse reads.
const MaxSourceSize = 1 << 20

// errAt returns a *ParseError at n.
func errAt(n *yaml.Node, class error, format string, args ...any) error {
	return &ParseError{Line: max(n.Line, 1), Column: max(n.Column, 1), Msg: fmt.Sprintf(format, args...), Class: class}
}

// decodeRoot returns the root node of the single YAML document in src,
// refusing anchors and aliases anywhere in it.
func decodeRoot(src []byte) (*yaml.Node, error) {
	top := &yaml.Node{Line: 1, Column: 1}
	if len(src) > MaxSourceSize {
		return nil, errAt(top, ErrSyntax, "the policy is %d bytes; at most %d", len(src), MaxSourceSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errAt(top, ErrMissingKey, "the policy is empty; it needs version, fields and rules")
		}
		return nil, syntaxError(err, src)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(err, src)
	default:
		return nil, errAt(&extra, ErrSyntax, "a policy is one YAML document; remove the second one")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, errAt(top, ErrMissingKey, "the policy is empty; it needs version, fields and rules")
	}
	if err := noAliases(doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// noAliases rejects anchors and aliases: a policy is read by people, and
// each value is written where it applies.
func noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return errAt(n, ErrSyntax, "anchors and aliases are not allowed; write the value out")
	}
	for _, c := range n.Content {
		if err := noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// syntaxError turns a yaml.v3 syntax error into a *ParseError. yaml.v3
// gives a line only (1-based for scanner errors, 0-based for parser
// errors, none at all on line 1), so the column is 1.
func syntaxError(err error, src []byte) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, text, found := strings.Cut(rest, ": ")
		if n, convErr := strconv.Atoi(num); found && convErr == nil && n > 0 {
			line, msg = n, text
			if isParserProblem(msg) {
				line++
			}
		}
	} else if strings.Contains(msg, "end of stream") {
		line = bytes.Count(src, []byte("\n")) + 1
	} else if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		// yaml.v3 gives no line for an alias to an unknown anchor: find
		// the alias in the source.
		name, _, _ = strings.Cut(name, "'")
		if i := bytes.Index(src, []byte("*"+name)); i >= 0 {
			line = bytes.Count(src[:i], []byte("\n")) + 1
			col := i - bytes.LastIndexByte(src[:i], '\n')
			return &ParseError{Line: line, Column: col, Msg: "not valid YAML: " + msg, Class: ErrSyntax}
		}
	}
	// A problem found at the end of the input is reported on its last line.
	lines := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		lines++
	}
	return &ParseError{Line: max(1, min(line, lines)), Column: 1, Msg: "not valid YAML: " + msg, Class: ErrSyntax}
}

// isParserProblem reports whether msg is one of yaml.v3's parser (not
// scanner) errors, whose line numbers are 0-based.
func isParserProblem(msg string) bool {
	switch msg {
	case "did not find expected <stream-start>", "did not find expected <document start>",
		"did not find expected node content", "did not find expected '-' indicator",
		"did not find expected key", "did not find expected ',' or ']'",
		"did not find expected ',' or '}'", "found undefined tag handle",
		"found duplicate %YAML directive", "found duplicate %TAG directive",
		"found incompatible YAML document":
		return true
	}
	return false
}

// describe names what v is, for "must be X, not Y" messages.
func describe(v *yaml.Node) string {
	switch {
	case v.Kind == yaml.MappingNode:
		return "a mapping"
	case v.Kind == yaml.SequenceNode:
		return "a list"
	case isNull(v):
		return "empty"
	case v.Kind == yaml.ScalarNode:
		return quote(v.Value)
	}
	return "nothing"
}

func isNull(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

// quote quotes s for a message, cut to 40 bytes.
func quote(s string) string {
	const limit = 40
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}

// mapping calls fn with each key and value of m in document order. what
// names m in messages. When known is not nil, a key outside it is an
// ErrUnknownKey with a suggestion. Non-scalar and repeated keys are errors.
func mapping(m *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if m.Kind != yaml.MappingNode {
		return errAt(m, ErrSyntax, "%s must be a mapping, not %s", what, describe(m))
	}
	seen := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			return errAt(k, ErrSyntax, "%s has a key that is %s; keys are plain words", what, describe(k))
		}
		if first, dup := seen[k.Value]; dup {
			return errAt(k, ErrDuplicate, "%s has %s twice (first at %d:%d)", what, quote(k.Value), first.Line, first.Column)
		}
		seen[k.Value] = k
		if known != nil && !contains(known, k.Value) {
			return errAt(k, ErrUnknownKey, "unknown key %s in %s; it has %s%s",
				quote(k.Value), what, strings.Join(known, ", "), didYouMean(k.Value, known))
		}
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// list returns the items of sequence v.
func list(v *yaml.Node, what string) ([]*yaml.Node, error) {
	if v.Kind != yaml.SequenceNode {
		return nil, errAt(v, ErrSyntax, "%s must be a list such as [a, b], not %s", what, describe(v))
	}
	return v.Content, nil
}

// scalar returns the text of a non-empty single value.
func scalar(v *yaml.Node, what string) (string, error) {
	if v.Kind != yaml.ScalarNode || isNull(v) || v.Value == "" {
		return "", errAt(v, ErrSyntax, "%s must be a single value, not %s", what, describe(v))
	}
	return v.Value, nil
}

// boolean decodes true or false.
func boolean(v *yaml.Node, what string) (bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		return false, errAt(v, ErrSyntax, "%s must be true or false, not %s", what, describe(v))
	}
	return b, nil
}

// integer decodes a whole number.
func integer(v *yaml.Node, what string) (int, error) {
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
		return 0, errAt(v, ErrSyntax, "%s must be a whole number, not %s", what, describe(v))
	}
	return n, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
