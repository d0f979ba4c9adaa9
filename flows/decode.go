package flows

import (
	"fmt"
	"strconv"

	"gopkg.in/yaml.v3"
)

// isNull reports whether v is an empty value (`field:` or `field: ~`).
func isNull(v *yaml.Node) bool {
	return v.Kind == yaml.ScalarNode && v.Tag == "!!null"
}

// describe names what v is, for "must be X, not Y" messages.
func describe(v *yaml.Node) string {
	switch v.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias (*" + v.Value + "); write the value out instead"
	case yaml.ScalarNode:
		if isNull(v) {
			return "empty"
		}
		return strconv.Quote(v.Value)
	default:
		return "nothing"
	}
}

// text decodes a single non-empty scalar.
func (p *parser) text(v *yaml.Node, what string) string {
	switch {
	case isNull(v):
		p.errorf(v, "%s is empty; give it a value or remove it", what)
	case v.Kind != yaml.ScalarNode:
		p.errorf(v, "%s must be a single value, not %s", what, describe(v))
	default:
		return v.Value
	}
	return ""
}

// key decodes a DTMF key (terminator, grant, decline). An unquoted # is a
// YAML comment, so an empty value gets a hint about quoting.
func (p *parser) key(v *yaml.Node, what string) string {
	switch {
	case isNull(v) && what == "terminator":
		p.errorf(v, `terminator is empty; write "#" or "*" in quotes (an unquoted # starts a YAML comment), or "" for none`)
	case isNull(v):
		p.errorf(v, `%s is empty; write a key in quotes, such as %s: "1" (an unquoted # starts a YAML comment)`, what, what)
	case v.Kind != yaml.ScalarNode:
		p.errorf(v, `%s must be a single key such as "1" or "#", not %s`, what, describe(v))
	default:
		return v.Value
	}
	return ""
}

// integer decodes a whole number.
func (p *parser) integer(v *yaml.Node, what string) int {
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil {
		p.errorf(v, "%s must be a whole number, not %s", what, describe(v))
		return 0
	}
	return n
}

// boolean decodes true or false.
func (p *parser) boolean(v *yaml.Node, what string) bool {
	var b bool
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&b) != nil {
		p.errorf(v, "%s must be true or false, not %s", what, describe(v))
		return false
	}
	return b
}

// duration decodes a duration such as "5s".
func (p *parser) duration(v *yaml.Node, what string) Duration {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		p.errorf(v, `%s must be a duration such as "5s" or "1500ms", not %s`, what, describe(v))
		return 0
	}
	d, problem := durationOf(v.Value)
	if problem != "" {
		p.errorf(v, "%s %s", what, problem)
	}
	return d
}

// list decodes a list of single values, marking path.<i> for each.
func (p *parser) list(v *yaml.Node, path, what string) []string {
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s must be a list such as [a, b], not %s", what, describe(v))
		return nil
	}
	out := make([]string, 0, len(v.Content))
	for i, item := range v.Content {
		itemPath := path + "." + strconv.Itoa(i)
		p.mark(itemPath, item)
		p.cur = itemPath
		if s := p.text(item, fmt.Sprintf("item %d of %s", i+1, what)); s != "" {
			out = append(out, s)
		}
	}
	p.cur = path
	return out
}

// textMap decodes a mapping of single values, marking path.<key> for each.
func (p *parser) textMap(v *yaml.Node, path, what string) map[string]string {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, "%s must be a mapping such as {a: b}, not %s", what, describe(v))
		return nil
	}
	out := make(map[string]string, len(v.Content)/2)
	p.fields(v, path, what, func(key string, k, val *yaml.Node) {
		keyPath := path + "." + key
		p.mark(keyPath, k)
		p.cur = keyPath
		if s := p.text(val, fmt.Sprintf("%s %q", what, key)); s != "" {
			out[key] = s
		}
	})
	p.cur = path
	return out
}

// choices decodes a menu's choices. Keys are single keys; an unquoted
// integer key (YAML `1:`) counts as the string "1".
func (p *parser) choices(v *yaml.Node, path string) map[string]Choice {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, `choices must be a mapping of keys to nodes, such as "1": next_node, not %s`, describe(v))
		return nil
	}
	out := make(map[string]Choice, len(v.Content)/2)
	p.fields(v, path, "choices", func(key string, k, val *yaml.Node) {
		keyPath := path + "." + key
		p.cur = keyPath
		if k.Tag != "!!str" && k.Tag != "!!int" {
			p.errorf(k, `choice key %s must be a single key such as "1" or "#" in quotes`, describe(k))
			return
		}
		p.mark(keyPath, k)
		if c, ok := p.choice(val, keyPath, key); ok {
			out[key] = c
		}
	})
	p.cur = path
	return out
}

// choice decodes one choice: a node name or {next: node, set: {tag: value}}.
func (p *parser) choice(v *yaml.Node, path, key string) (Choice, bool) {
	what := "the choice"
	if key != "" {
		what = fmt.Sprintf("choice %q", key)
	}
	switch {
	case isNull(v):
		p.errorf(v, "%s is empty; name the node to go to", what)
		return Choice{}, false
	case v.Kind == yaml.ScalarNode:
		return Choice{Next: v.Value}, true
	case v.Kind != yaml.MappingNode:
		p.errorf(v, "%s must be a node name or {next: node, set: {tag: value}}, not %s", what, describe(v))
		return Choice{}, false
	}
	var c Choice
	p.fields(v, path, what, func(field string, k, fv *yaml.Node) {
		fieldPath := path + "." + field
		p.mark(fieldPath, k)
		p.cur = fieldPath
		switch field {
		case "next":
			c.Next = p.text(fv, what+" next")
		case "set":
			c.Set = p.textMap(fv, fieldPath, what+" set")
		default:
			p.errorf(k, "%s has unknown field %q; a choice has next and set%s",
				what, field, didYouMean(field, []string{"next", "set"}))
		}
	})
	return c, true
}

// hours decodes an hours-of-operation schedule.
func (p *parser) hours(v *yaml.Node, path string) *Hours {
	if v.Kind != yaml.MappingNode {
		p.errorf(v, `hours must be a mapping with weekly (and holidays), not %s`, describe(v))
		return nil
	}
	h := &Hours{}
	p.fields(v, path, "hours", func(field string, k, fv *yaml.Node) {
		fieldPath := path + "." + field
		p.mark(fieldPath, k)
		p.cur = fieldPath
		switch field {
		case "weekly":
			h.Weekly = p.textMap(fv, fieldPath, "weekly")
		case "holidays":
			h.Holidays = p.list(fv, fieldPath, "holidays")
		default:
			p.errorf(k, "hours have unknown field %q; hours have weekly and holidays%s",
				field, didYouMean(field, []string{"weekly", "holidays"}))
		}
	})
	return h
}
