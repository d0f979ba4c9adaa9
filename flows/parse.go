package flows

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/callgate/callgate/internal/yamlerr"
	"gopkg.in/yaml.v3"
)

// MaxSourceSize is the largest flow source, in bytes, that Parse accepts.
const MaxSourceSize = 1 << 20

// Parse decodes a flow from YAML, recording in Flow.Pos where the document
// ("" key), each top-level field ("id", "entry", "nodes", ...), each node
// ("<node>"), each node field ("<node>.<field>") and each entry of a node's
// lists and maps ("<node>.prompts.0", "<node>.choices.<key>",
// "<node>.choices.<key>.next", "<node>.set.<tag>", "<node>.inputs.<key>",
// "<node>.cases.<value>", "<node>.hours.weekly.<days>",
// "<node>.hours.holidays.<i>") is. Field positions are those of the key.
//
// Parse reports what YAML alone can tell: syntax, unknown fields (with a
// hint when one is misspelled), values of the wrong type, bad durations,
// duplicate keys and aliases. It checks nothing else; Validate does. The
// Flow is nil only when src is not a YAML mapping (empty, a syntax error, a
// list, too large); otherwise it holds every field that decoded, even when
// there are errors. The errors are sorted by line and column.
func Parse(src []byte) (*Flow, []Error) {
	if len(src) > MaxSourceSize {
		return nil, []Error{{Line: 1, Column: 1, Message: fmt.Sprintf(
			"the flow is %d bytes; a flow may be at most %d bytes", len(src), MaxSourceSize)}}
	}
	root, err := decodeDocument(src)
	if err != nil {
		return nil, []Error{*err}
	}
	if root.Kind != yaml.MappingNode {
		return nil, []Error{{Line: root.Line, Column: root.Column, Message: fmt.Sprintf(
			"a flow is a YAML mapping with id, entry and nodes, not %s", describe(root))}}
	}
	f := &Flow{Source: bytes.Clone(src), Pos: Positions{"": {root.Line, root.Column}}}
	p := &parser{pos: f.Pos}
	p.document(f, root)
	sortErrors(p.errs)
	return f, p.errs
}

// decodeDocument returns the root node of the single YAML document in src.
func decodeDocument(src []byte) (*yaml.Node, *Error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &Error{Line: 1, Column: 1, Message: "the flow is empty; it needs id, entry and nodes"}
		}
		return nil, syntaxError(err, src)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(err, src)
	default:
		return nil, &Error{Line: extra.Line, Column: extra.Column,
			Message: "a flow file holds one YAML document; remove the second one (after ---) or put it in its own file"}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, &Error{Line: 1, Column: 1, Message: "the flow is empty; it needs id, entry and nodes"}
	}
	return doc.Content[0], nil
}

// syntaxError turns a yaml.v3 syntax error into an Error at its line.
func syntaxError(err error, src []byte) *Error {
	line, msg := yamlerr.Line(err, src)
	return &Error{Line: line, Column: 1, Message: "the flow is not valid YAML: " + msg}
}

// parser holds the state of one Parse.
type parser struct {
	pos    Positions
	errs   []Error
	prefix string // `node "x": ` while decoding node x
	cur    string // path of the field being decoded
}

// errorf records a problem at v about the current field.
func (p *parser) errorf(v *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, Error{Line: v.Line, Column: v.Column, Path: p.cur,
		Message: p.prefix + fmt.Sprintf(format, args...)})
}

// mark records where path is.
func (p *parser) mark(path string, v *yaml.Node) {
	p.pos[path] = Position{Line: v.Line, Column: v.Column}
}

// fields walks the pairs of mapping m (at path; "" for the document),
// reporting non-string and duplicate keys, and calls fn with each key's
// text, key and value. what names the mapping in messages.
func (p *parser) fields(m *yaml.Node, path, what string, fn func(name string, k, v *yaml.Node)) {
	seen := make(map[string]*yaml.Node, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Tag == "!!null" {
			p.cur = path
			p.errorf(k, "%s has a key that is %s; keys are plain words", what, describe(k))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			p.cur = joinPath(path, k.Value)
			p.errorf(k, "%s has %q twice (first at %d:%d); remove one", what, k.Value, first.Line, first.Column)
			continue
		}
		seen[k.Value] = k
		fn(k.Value, k, v)
	}
	p.cur = path
}

// joinPath appends key to a Positions path.
func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// document decodes the top-level mapping into f.
func (p *parser) document(f *Flow, root *yaml.Node) {
	p.fields(root, "", "the flow", func(name string, k, v *yaml.Node) {
		p.cur = name
		if name != "" { // "" is the document's own position
			p.mark(name, k)
		}
		switch name {
		case "id":
			f.ID = p.text(v, "id")
		case "version":
			f.Version = p.integer(v, "version")
		case "description":
			if !isNull(v) {
				f.Description = p.text(v, "description")
			}
		case "entry":
			f.Entry = p.text(v, "entry")
		case "languages":
			f.Languages = p.list(v, name, "languages")
		case "timezone":
			f.TimeZone = p.text(v, "timezone")
		case "nodes":
			f.Nodes = p.nodes(v)
		default:
			p.errorf(k, "unknown top-level field %q; a flow has id, description, entry, languages, timezone and nodes%s",
				name, didYouMean(name, []string{"id", "description", "entry", "languages", "timezone", "nodes"}))
		}
	})
}

// nodes decodes the nodes mapping.
func (p *parser) nodes(v *yaml.Node) map[string]*Node {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "nodes must be a mapping of node names to nodes, not %s", describe(v))
		return nil
	}
	nodes := make(map[string]*Node, len(v.Content)/2)
	p.fields(v, "", "nodes", func(name string, k, nv *yaml.Node) {
		p.cur = name
		if name == "" {
			p.errorf(k, "a node has an empty name; name it with lowercase letters, digits and underscores")
			return
		}
		p.mark(name, k)
		nodes[name] = p.node(name, nv)
	})
	return nodes
}

// node decodes one node: kind first, then the other fields.
func (p *parser) node(name string, v *yaml.Node) *Node {
	defer func() { p.prefix = "" }()
	n := &Node{}
	if v.Kind != yaml.MappingNode {
		if isNull(v) {
			p.errorf(v, "node %q is empty; give it a kind and the fields of that kind", name)
		} else {
			p.errorf(v, "node %q must be a mapping of fields (kind, prompts, next, ...), not %s", name, describe(v))
		}
		return n
	}
	p.prefix = fmt.Sprintf("node %q: ", name)
	for i := 0; i+1 < len(v.Content); i += 2 {
		if k := v.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "kind" {
			p.cur = name + ".kind"
			n.Kind = Kind(p.text(v.Content[i+1], "kind"))
			break
		}
	}
	p.fields(v, name, "the node", func(field string, k, fv *yaml.Node) {
		path := name + "." + field
		p.cur = path
		p.mark(path, k)
		if field == "kind" {
			return
		}
		spec, ok := fieldNamed(field)
		if !ok {
			p.unknownField(n.Kind, field, k)
			return
		}
		spec.decode(p, n, path, fv)
	})
	return n
}

// unknownField reports a field that no node kind has.
func (p *parser) unknownField(kind Kind, field string, k *yaml.Node) {
	if kindBit(kind) == 0 {
		p.errorf(k, "unknown field %q%s", field, didYouMean(field, fieldNames(kind)))
		return
	}
	hint := didYouMean(field, fieldNames(kind))
	if hint == "" {
		if other := didYouMean(field, fieldNames("")); other != "" {
			hint = other + " (it does not apply to " + article(string(kind)) + " " + string(kind) + " node either)"
		}
	}
	p.errorf(k, "unknown field %q for %s %s node%s", field, article(string(kind)), kind, hint)
}

// article returns "an" before a vowel sound and "a" otherwise.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) || strings.HasPrefix(word, "hour") {
		return "an"
	}
	return "a"
}

// sortErrors orders errs by line and column, keeping the order of equal
// positions.
func sortErrors(errs []Error) {
	slices.SortStableFunc(errs, func(a, b Error) int {
		if a.Line != b.Line {
			return cmp.Compare(a.Line, b.Line)
		}
		return cmp.Compare(a.Column, b.Column)
	})
}
