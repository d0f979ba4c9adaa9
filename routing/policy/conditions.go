package policy

import (
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/callgate/callgate/routing/internal/strictyaml"
)

// parseConditions reads the restrictions or flags mapping (kind
// "restriction" or "flag"); v nil means the section is absent. It returns
// the conditions by name and sorted by name.
func (p *Policy) parseConditions(v *yaml.Node, kind string) (map[string]*condition, []*condition, error) {
	if v == nil {
		return nil, nil, nil
	}
	byName := make(map[string]*condition, len(v.Content)/2)
	if err := doc.Mapping(v, kind+"s", nil, func(name string, k, cv *yaml.Node) error {
		if !isName(name) {
			return errAt(k, ErrInvalidName, "%s name %s is not a name (a-z, 0-9, _ and -, starting with a letter, at most %d)",
				kind, strictyaml.Quote(name), maxNameLen)
		}
		c, err := p.parseCondition(cv, kind, name)
		if err != nil {
			return err
		}
		byName[name] = c
		return nil
	}); err != nil {
		return nil, nil, err
	}
	order := make([]*condition, 0, len(byName))
	for _, c := range byName {
		order = append(order, c)
	}
	slices.SortFunc(order, func(a, b *condition) int { return strings.Compare(a.name, b.name) })
	return byName, order, nil
}

// parseCondition reads one restriction or flag.
func (p *Policy) parseCondition(v *yaml.Node, kind, name string) (*condition, error) {
	what := kind + " " + name
	known, prefix := restrKeys, ReasonRestrictedPrefix
	if kind == "flag" {
		known, prefix = flagKeys, ReasonFlagPrefix
	}
	c := &condition{name: name, reason: prefix + name}
	if err := doc.Mapping(v, what, known, func(key string, _, val *yaml.Node) error {
		var err error
		switch key {
		case "deny_roles":
			c.denyRoles, err = denyRoles(val, what)
		case "deny_fields":
			c.denyFields, err = p.denyFields(val, what)
		case "unverified":
			c.unverified, err = doc.Boolean(val, "unverified of "+what)
		default: // notice
			var text string
			if text, err = doc.Scalar(val, "notice of "+what); err == nil && (val.Tag != "!!str" || !isNotice(text)) {
				err = errAt(val, ErrInvalidName, "notice of %s must be text on one line of at most %d bytes, not %s",
					what, maxNoticeLen, strictyaml.Describe(val))
			}
			c.notice = name + ": " + text
		}
		return err
	}); err != nil {
		return nil, err
	}
	if c.denyRoles == 0 && c.denyFields == 0 && !c.unverified && c.notice == "" {
		return nil, errAt(v, ErrInvalidRule, "%s has no effect; give it deny_roles, deny_fields or a notice", what)
	}
	return c, nil
}

func denyRoles(v *yaml.Node, what string) (uint8, error) {
	items, err := doc.List(v, "deny_roles of "+what)
	if err != nil {
		return 0, err
	}
	var set uint8
	for _, item := range items {
		s, err := doc.Scalar(item, "a role in deny_roles of "+what)
		if err != nil {
			return 0, err
		}
		rl, ok := roleOf(s)
		if !ok {
			return 0, errAt(item, ErrUnknownRole, "unknown role %s in deny_roles of %s; roles are %s%s",
				strictyaml.Quote(s), what, strings.Join(allRoles, ", "), didYouMean(s, allRoles))
		}
		if set&(1<<rl) != 0 {
			return 0, errAt(item, ErrDuplicate, "role %s twice in deny_roles of %s", rl, what)
		}
		set |= 1 << rl
	}
	return set, nil
}

func (p *Policy) denyFields(v *yaml.Node, what string) (uint64, error) {
	items, err := doc.List(v, "deny_fields of "+what)
	if err != nil {
		return 0, err
	}
	var set uint64
	for _, item := range items {
		bit, err := p.field(item, "in deny_fields of "+what)
		if err != nil {
			return 0, err
		}
		if set&(1<<bit) != 0 {
			return 0, errAt(item, ErrDuplicate, "field %s twice in deny_fields of %s", strictyaml.Quote(p.fields[bit]), what)
		}
		set |= 1 << bit
	}
	return set, nil
}
