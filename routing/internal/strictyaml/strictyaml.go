// Package strictyaml reads the strict YAML documents of routing's agent
// directory and disclosure policy: one document, no anchors or aliases,
// no repeated or unknown keys, and every problem as an *Error at its line
// and column, which each package turns into its own error type.
package strictyaml

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/callgate/callgate/internal/yamlerr"
	"gopkg.in/yaml.v3"
)

// Class is what kind of problem an Error is.
type Class int

// Problem classes; each package maps them to its own sentinels.
const (
	Syntax     Class = iota + 1 // not the expected YAML shape
	MissingKey                  // a required key or the whole document is missing
	UnknownKey                  // a key the format does not have
	Duplicate                   // a key given twice
)

// Error is a problem at a line and column (1-based).
type Error struct {
	Line, Column int
	Msg          string
	Class        Class
}

func (e *Error) Error() string {
	return strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": " + e.Msg
}

// At returns an *Error at n.
func At(n *yaml.Node, class Class, format string, args ...any) *Error {
	return &Error{Line: max(n.Line, 1), Column: max(n.Column, 1), Msg: fmt.Sprintf(format, args...), Class: class}
}

// Doc describes a kind of document, for messages.
type Doc struct {
	Name    string // "directory", "policy"
	Needs   string // what an empty document lacks: "version and agents"
	MaxSize int    // the largest source, in bytes
	// Suggest returns " did you mean ...?" for an unknown key, or "".
	Suggest func(word string, candidates []string) string
	// Wrap turns a problem into the package's own error type (nil: the
	// *Error itself).
	Wrap func(e *Error) error
}

// wrap passes err through Wrap when it is one of this package's problems;
// other errors (a Mapping callback's own) pass unchanged.
func (d Doc) wrap(err error) error {
	var e *Error
	if d.Wrap == nil || !errors.As(err, &e) {
		return err
	}
	return d.Wrap(e)
}

// List returns the items of sequence v.
func (d Doc) List(v *yaml.Node, what string) ([]*yaml.Node, error) {
	items, err := list(v, what)
	return items, d.wrap(err)
}

// Scalar returns the text of a non-empty single value.
func (d Doc) Scalar(v *yaml.Node, what string) (string, error) {
	s, err := scalar(v, what)
	return s, d.wrap(err)
}

// Boolean decodes true or false.
func (d Doc) Boolean(v *yaml.Node, what string) (bool, error) {
	b, err := boolean(v, what)
	return b, d.wrap(err)
}

// Integer decodes a whole number.
func (d Doc) Integer(v *yaml.Node, what string) (int, error) {
	n, err := integer(v, what)
	return n, d.wrap(err)
}

func (d Doc) suggest(word string, candidates []string) string {
	if d.Suggest == nil {
		return ""
	}
	return d.Suggest(word, candidates)
}

// DecodeRoot returns the root node of the single YAML document in src,
// refusing anchors and aliases anywhere in it.
func (d Doc) DecodeRoot(src []byte) (*yaml.Node, error) {
	n, err := d.decodeRoot(src)
	return n, d.wrap(err)
}

func (d Doc) decodeRoot(src []byte) (*yaml.Node, error) {
	top := &yaml.Node{Line: 1, Column: 1}
	if len(src) > d.MaxSize {
		return nil, At(top, Syntax, "the %s is %d bytes; at most %d", d.Name, len(src), d.MaxSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, At(top, MissingKey, "the %s is empty; it needs %s", d.Name, d.Needs)
		}
		return nil, syntaxError(err, src)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(err, src)
	default:
		return nil, At(&extra, Syntax, "a %s is one YAML document; remove the second one", d.Name)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, At(top, MissingKey, "the %s is empty; it needs %s", d.Name, d.Needs)
	}
	if err := noAliases(doc.Content[0]); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// noAliases rejects anchors and aliases: a document is read by people, and
// each value is written where it applies.
func noAliases(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return At(n, Syntax, "anchors and aliases are not allowed; write the value out")
	}
	for _, c := range n.Content {
		if err := noAliases(c); err != nil {
			return err
		}
	}
	return nil
}

// syntaxError turns a yaml.v3 syntax error into an *Error at its line
// (yamlerr.Line); yaml.v3 gives no column, so the column is 1 unless the
// problem is an alias, which is found in the source.
func syntaxError(err error, src []byte) error {
	line, msg := yamlerr.Line(err, src)
	if name, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		// yaml.v3 gives no line for an alias to an unknown anchor: find
		// the alias in the source.
		name, _, _ = strings.Cut(name, "'")
		if i := bytes.Index(src, []byte("*"+name)); i >= 0 {
			line = bytes.Count(src[:i], []byte("\n")) + 1
			col := i - bytes.LastIndexByte(src[:i], '\n')
			return &Error{Line: line, Column: col, Msg: "not valid YAML: " + msg, Class: Syntax}
		}
	}
	// A problem found at the end of the input is reported on its last line.
	lines := bytes.Count(src, []byte("\n"))
	if len(src) > 0 && src[len(src)-1] != '\n' {
		lines++
	}
	return &Error{Line: max(1, min(line, lines)), Column: 1, Msg: "not valid YAML: " + msg, Class: Syntax}
}

// Describe names what v is, for "must be X, not Y" messages.
func Describe(v *yaml.Node) string {
	switch {
	case v.Kind == yaml.MappingNode:
		return "a mapping"
	case v.Kind == yaml.SequenceNode:
		return "a list"
	case IsNull(v):
		return "empty"
	case v.Kind == yaml.ScalarNode:
		return Quote(v.Value)
	}
	return "nothing"
}

func IsNull(v *yaml.Node) bool { return v.Kind == yaml.ScalarNode && v.Tag == "!!null" }

// Quote quotes s for a message, cut to 40 bytes.
func Quote(s string) string {
	const limit = 40
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}

// Mapping calls fn with each key and value of m in document order. what
// names m in messages. When known is not nil, a key outside it is an
// UnknownKey with a suggestion. Non-scalar and repeated keys are errors.
func (d Doc) Mapping(m *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	return d.wrap(d.mapping(m, what, known, fn))
}

func (d Doc) mapping(m *yaml.Node, what string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if m.Kind != yaml.MappingNode {
		return At(m, Syntax, "%s must be a mapping, not %s", what, Describe(m))
	}
	seen := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || IsNull(k) {
			return At(k, Syntax, "%s has a key that is %s; keys are plain words", what, Describe(k))
		}
		if first, dup := seen[k.Value]; dup {
			return At(k, Duplicate, "%s has %s twice (first at %d:%d)", what, Quote(k.Value), first.Line, first.Column)
		}
		seen[k.Value] = k
		if known != nil && !slices.Contains(known, k.Value) {
			return At(k, UnknownKey, "unknown key %s in %s; it has %s%s",
				Quote(k.Value), what, strings.Join(known, ", "), d.suggest(k.Value, known))
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
		return nil, At(v, Syntax, "%s must be a list such as [a, b], not %s", what, Describe(v))
	}
	return v.Content, nil
}

// scalar returns the text of a non-empty single value.
func scalar(v *yaml.Node, what string) (string, error) {
	if v.Kind != yaml.ScalarNode || IsNull(v) || v.Value == "" {
		return "", At(v, Syntax, "%s must be a single value, not %s", what, Describe(v))
	}
	return v.Value, nil
}

// boolean decodes true or false.
func boolean(v *yaml.Node, what string) (bool, error) {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		return false, At(v, Syntax, "%s must be true or false, not %s", what, Describe(v))
	}
	return b, nil
}

// integer decodes a whole number.
func integer(v *yaml.Node, what string) (int, error) {
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
		return 0, At(v, Syntax, "%s must be a whole number, not %s", what, Describe(v))
	}
	return n, nil
}
