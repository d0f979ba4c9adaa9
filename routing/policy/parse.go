package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/callgate/callgate/routing/internal/strictyaml"
)

// supportedVersion is the only format version Parse reads.
const supportedVersion = 1

// Keys of each mapping in the format, in the order messages list them.
var (
	topKeys       = []string{"version", "fields", "sensitive", "rules", "restrictions", "flags"} //nolint:gochecknoglobals // read-only
	ruleKeys      = []string{"level", "role", "in_scope", "purposes"}                            //nolint:gochecknoglobals // read-only
	grantKeys     = []string{"field", "clinical"}                                                //nolint:gochecknoglobals // read-only
	restrKeys     = []string{"deny_roles", "deny_fields", "notice"}                              //nolint:gochecknoglobals // read-only
	flagKeys      = []string{"deny_roles", "deny_fields", "unverified", "notice"}                //nolint:gochecknoglobals // read-only
	ruleRoles     = []string{RoleSelf, RoleRepresentative, RoleInvolved}                         //nolint:gochecknoglobals // read-only
	allRoles      = []string{RoleUnknown, RoleSelf, RoleRepresentative, RoleInvolved}            //nolint:gochecknoglobals // read-only
	levelsForHint = []string{LevelNone, LevelPartial, LevelFull}                                 //nolint:gochecknoglobals // read-only
)

// Parse reads a disclosure policy from YAML (see the package doc for the
// format). It is strict: an unknown key, an unknown member field, level or
// role, a malformed purpose, restriction or flag name, a repeated key,
// field or rule, anchors and aliases are all errors. The error is a
// *ParseError for the first problem found, at its line and column, and
// wraps ErrInvalidPolicy and the problem's class.
func Parse(src []byte) (*Policy, error) {
	root, err := doc.DecodeRoot(src)
	if err != nil {
		return nil, err
	}
	if root.Kind != yaml.MappingNode {
		return nil, errAt(root, ErrSyntax, "a policy is a mapping with version, fields and rules, not %s", strictyaml.Describe(root))
	}
	top := make(map[string]*yaml.Node, len(topKeys))
	if err := doc.Mapping(root, "the policy", topKeys, func(key string, _, v *yaml.Node) error {
		top[key] = v
		return nil
	}); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(src)
	p := &Policy{id: "sha256:" + hex.EncodeToString(sum[:])}
	if p.Version, err = version(root, top["version"]); err != nil {
		return nil, err
	}
	if err := p.parseFields(root, top["fields"]); err != nil {
		return nil, err
	}
	if err := p.parseSensitive(top["sensitive"]); err != nil {
		return nil, err
	}
	if err := p.parseRules(root, top["rules"]); err != nil {
		return nil, err
	}
	if p.restrictions, p.restrOrder, err = p.parseConditions(top["restrictions"], "restriction"); err != nil {
		return nil, err
	}
	if p.flags, p.flagOrder, err = p.parseConditions(top["flags"], "flag"); err != nil {
		return nil, err
	}
	return p, nil
}

func version(root, v *yaml.Node) (int, error) {
	if v == nil {
		return 0, errAt(root, ErrMissingKey, "version is missing; write version: %d", supportedVersion)
	}
	n, err := doc.Integer(v, "version")
	if err != nil {
		return 0, err
	}
	if n != supportedVersion {
		return 0, errAt(v, ErrUnsupportedVersion, "version %d is not supported; this callgate reads version %d", n, supportedVersion)
	}
	return n, nil
}

// parseFields reads the member field list and orders it for Decide.
func (p *Policy) parseFields(root, v *yaml.Node) error {
	if v == nil {
		return errAt(root, ErrMissingKey, "fields is missing; list the member fields the policy may grant")
	}
	items, err := doc.List(v, "fields")
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return errAt(v, ErrMissingKey, "fields is empty; list the member fields the policy may grant")
	}
	p.index = make(map[string]int, len(items))
	for i, item := range items {
		name, err := doc.Scalar(item, "an entry of fields")
		if err != nil {
			return err
		}
		if !isFieldName(name) {
			return errAt(item, ErrInvalidName, "field %s in fields is not a field name (a-z, 0-9 and _, starting with a letter, at most %d)", strictyaml.Quote(name), maxNameLen)
		}
		if first, dup := p.index[name]; dup {
			return errAt(item, ErrDuplicate, "field %s is in fields twice (first at %d:%d)", strictyaml.Quote(name), items[first].Line, items[first].Column)
		}
		if i == MaxFields {
			return errAt(item, ErrInvalidRule, "fields lists more than %d member fields", MaxFields)
		}
		p.index[name] = i
		p.fields = append(p.fields, name)
	}
	p.sorted = make([]int, len(p.fields))
	for i := range p.sorted {
		p.sorted[i] = i
	}
	slices.SortFunc(p.sorted, func(a, b int) int { return strings.Compare(p.fields[a], p.fields[b]) })
	return nil
}

// parseSensitive reads the optional list of fields the agent page hides
// until the agent reveals them (each reveal is recorded).
func (p *Policy) parseSensitive(v *yaml.Node) error {
	if v == nil {
		return nil
	}
	items, err := doc.List(v, "sensitive")
	if err != nil {
		return err
	}
	for _, item := range items {
		bit, err := p.field(item, "in sensitive")
		if err != nil {
			return err
		}
		if p.sensitive&(1<<bit) != 0 {
			return errAt(item, ErrDuplicate, "field %s is in sensitive twice", strictyaml.Quote(p.fields[bit]))
		}
		p.sensitive |= 1 << bit
	}
	return nil
}

// field resolves a member field name at v, for messages naming where.
func (p *Policy) field(v *yaml.Node, where string) (int, error) {
	name, err := doc.Scalar(v, "a field "+where)
	if err != nil {
		return 0, err
	}
	bit, ok := p.index[name]
	if !ok {
		return 0, errAt(v, ErrUnknownField, "unknown field %s %s%s", strictyaml.Quote(name), where, didYouMean(name, p.fields))
	}
	return bit, nil
}

// ruleAt remembers where a rule is, for duplicate messages.
type ruleAt struct {
	n    int
	node *yaml.Node
}

// parseRules reads the rules list into the rule table.
func (p *Policy) parseRules(root, v *yaml.Node) error {
	if v == nil {
		return errAt(root, ErrMissingKey, "rules is missing; a policy with no rules discloses nothing, so say so with rules: []")
	}
	items, err := doc.List(v, "rules")
	if err != nil {
		return err
	}
	var seen [numLevels][numRoles]ruleAt
	for i, item := range items {
		n := i + 1
		lv, rl, r, err := p.parseRule(item, n)
		if err != nil {
			return err
		}
		if first := seen[lv][rl]; first.node != nil {
			return errAt(item, ErrDuplicate, "rule %d repeats level %s role %s of rule %d (at %d:%d)",
				n, lv, rl, first.n, first.node.Line, first.node.Column)
		}
		seen[lv][rl] = ruleAt{n: n, node: item}
		p.rules[lv][rl] = r
	}
	return nil
}

// parseRule reads rule number n.
func (p *Policy) parseRule(v *yaml.Node, n int) (level, role, *rule, error) {
	what := "rule " + strconv.Itoa(n)
	keys := make(map[string]*yaml.Node, len(ruleKeys))
	var inScopeKey *yaml.Node
	if err := doc.Mapping(v, what, ruleKeys, func(key string, k, val *yaml.Node) error {
		keys[key] = val
		if key == "in_scope" {
			inScopeKey = k
		}
		return nil
	}); err != nil {
		return 0, 0, nil, err
	}
	lv, err := ruleLevel(v, keys["level"], what)
	if err != nil {
		return 0, 0, nil, err
	}
	rl, err := ruleRole(v, keys["role"], what)
	if err != nil {
		return 0, 0, nil, err
	}
	r := &rule{}
	if in := keys["in_scope"]; in != nil {
		if rl != roleRepresentative {
			return 0, 0, nil, errAt(inScopeKey, ErrInvalidRule, "%s: in_scope applies only to role representative, not %s", what, rl)
		}
		if r.inScope, err = doc.Boolean(in, what+" in_scope"); err != nil {
			return 0, 0, nil, err
		}
	}
	if rl == roleRepresentative && !r.inScope {
		return 0, 0, nil, errAt(v, ErrInvalidRule,
			"%s: a representative rule needs in_scope: true; a representative acts only within their scope (45 CFR 164.502(g))", what)
	}
	pv := keys["purposes"]
	if pv == nil {
		return 0, 0, nil, errAt(v, ErrMissingKey, "%s has no purposes", what)
	}
	r.purposes = make(map[string]*grant, len(pv.Content)/2)
	if err := doc.Mapping(pv, what+" purposes", nil, func(purpose string, k, val *yaml.Node) error {
		if !isName(purpose) {
			return errAt(k, ErrInvalidName, "%s: purpose %s is not a purpose name (a-z, 0-9, _ and -, starting with a letter, at most %d)",
				what, strictyaml.Quote(purpose), maxNameLen)
		}
		g, err := p.parseGrant(val, what+" purpose "+purpose)
		if err != nil {
			return err
		}
		base := lv.String() + "/" + rl.String() + "/" + purpose
		g.reason = ReasonRulePrefix + base
		g.outOfScope = ReasonOutOfScopePrefix + base
		r.purposes[purpose] = g
		return nil
	}); err != nil {
		return 0, 0, nil, err
	}
	if len(r.purposes) == 0 {
		return 0, 0, nil, errAt(pv, ErrMissingKey, "%s has no purposes", what)
	}
	return lv, rl, r, nil
}

func ruleLevel(rv, v *yaml.Node, what string) (level, error) {
	if v == nil {
		return 0, errAt(rv, ErrMissingKey, "%s has no level; give it level: partial or level: full", what)
	}
	s, err := doc.Scalar(v, what+" level")
	if err != nil {
		return 0, err
	}
	lv, ok := levelOf(s)
	switch {
	case !ok:
		return 0, errAt(v, ErrUnknownLevel, "%s: unknown level %s; a rule is for level partial or full%s",
			what, strictyaml.Quote(s), didYouMean(s, levelsForHint))
	case lv == levelNone:
		return 0, errAt(v, ErrUnknownLevel, "%s: level none may grant nothing; an unverified caller is disclosed nothing", what)
	}
	return lv, nil
}

func ruleRole(rv, v *yaml.Node, what string) (role, error) {
	if v == nil {
		return 0, errAt(rv, ErrMissingKey, "%s has no role; give it role: %s", what, strings.Join(ruleRoles, ", "))
	}
	s, err := doc.Scalar(v, what+" role")
	if err != nil {
		return 0, err
	}
	rl, ok := roleOf(s)
	switch {
	case !ok:
		return 0, errAt(v, ErrUnknownRole, "%s: unknown role %s; a rule is for role %s%s",
			what, strictyaml.Quote(s), strings.Join(ruleRoles, ", "), didYouMean(s, allRoles))
	case rl == roleUnknown:
		return 0, errAt(v, ErrUnknownRole, "%s: role unknown may grant nothing; a caller whose role is not established is disclosed nothing", what)
	}
	return rl, nil
}

// parseGrant reads the field list of one purpose: each entry is a field
// name or {field: name, clinical: true}.
func (p *Policy) parseGrant(v *yaml.Node, where string) (*grant, error) {
	items, err := doc.List(v, where)
	if err != nil {
		return nil, err
	}
	g := &grant{}
	for _, item := range items {
		fv, clinical := item, false
		if item.Kind == yaml.MappingNode {
			fv = nil
			if err := doc.Mapping(item, "an entry of "+where, grantKeys, func(key string, _, val *yaml.Node) error {
				if key == "field" {
					fv = val
					return nil
				}
				var berr error
				clinical, berr = doc.Boolean(val, "clinical in "+where)
				return berr
			}); err != nil {
				return nil, err
			}
			if fv == nil {
				return nil, errAt(item, ErrMissingKey, "an entry of %s has no field; write {field: name, clinical: true}", where)
			}
		}
		bit, err := p.field(fv, "in "+where)
		if err != nil {
			return nil, err
		}
		if (g.base|g.clinical)&(1<<bit) != 0 {
			return nil, errAt(fv, ErrDuplicate, "field %s twice in %s", strictyaml.Quote(p.fields[bit]), where)
		}
		if clinical {
			g.clinical |= 1 << bit
		} else {
			g.base |= 1 << bit
		}
	}
	return g, nil
}
