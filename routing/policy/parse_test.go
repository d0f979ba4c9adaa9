package policy_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// head is the start of most test sources, lines 1 to 3; selfRule is a
// valid rule, lines 4 to 7 after head (its purpose list is on line 7).
var (
	head = []string{ //nolint:gochecknoglobals // test table
		"version: 1",
		"fields: [name, phone, plan, lab_results, dob]",
		"rules:",
	}
	selfRule = []string{ //nolint:gochecknoglobals // test table
		"  - level: full",
		"    role: self",
		"    purposes:",
		"      scheduling: [name, phone]",
	}
)

// src builds a source from head, selfRule and more lines.
func src(more ...string) []byte {
	return doc(append(append(append([]string{}, head...), selfRule...), more...)...)
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name    string
		src     []byte
		class   error
		wantPos string // LINE:COL
		want    string // message, after "policy: LINE:COL: "
	}{
		// The document.
		{name: "empty", src: []byte(""), class: policy.ErrMissingKey, wantPos: "1:1",
			want: "the policy is empty; it needs version, fields and rules"},
		{name: "comment only", src: doc("# nothing"), class: policy.ErrMissingKey, wantPos: "1:1",
			want: "the policy is empty; it needs version, fields and rules"},
		{name: "bad YAML", src: doc("version: 1", "fields: [name", "rules: []"), class: policy.ErrSyntax, wantPos: "2:1",
			want: "not valid YAML: did not find expected ',' or ']'"},
		{name: "tab indentation", src: doc("version: 1", "fields:", "\t- name"), class: policy.ErrSyntax, wantPos: "3:1",
			want: "not valid YAML: found character that cannot start any token"},
		{name: "not a mapping", src: doc("- version: 1"), class: policy.ErrSyntax, wantPos: "1:1",
			want: "a policy is a mapping with version, fields and rules, not a list"},
		{name: "two documents", src: doc("version: 1", "---", "version: 2"), class: policy.ErrSyntax, wantPos: "2:1",
			want: "a policy is one YAML document; remove the second one"},
		{name: "anchor", src: doc("version: 1", "fields: &f [name]", "rules: []"), class: policy.ErrSyntax, wantPos: "2:9",
			want: "anchors and aliases are not allowed; write the value out"},
		{name: "alias", src: src("  - level: partial", "    role: self", "    purposes:", "      billing: *x"), class: policy.ErrSyntax,
			wantPos: "11:16", want: "not valid YAML: unknown anchor 'x' referenced"},
		{name: "alias to an anchor", src: doc("version: 1", "fields: [name]", "rules: [{level: full, role: self, purposes: {a: &g [name], b: *g}}]"), class: policy.ErrSyntax,
			wantPos: "3:49", want: "anchors and aliases are not allowed; write the value out"},
		{name: "merge key", src: src("restrictions:", "  a: {<<: {notice: x}}"), class: policy.ErrUnknownKey,
			wantPos: "9:7", want: `unknown key "<<" in restriction a; it has deny_roles, deny_fields, notice`},
		{name: "too large", src: make([]byte, policy.MaxSourceSize+1), class: policy.ErrSyntax, wantPos: "1:1",
			want: fmt.Sprintf("the policy is %d bytes; at most %d", policy.MaxSourceSize+1, policy.MaxSourceSize)},

		// Top level.
		{name: "unknown top-level key", src: src("rule: []"), class: policy.ErrUnknownKey, wantPos: "8:1",
			want: `unknown key "rule" in the policy; it has version, fields, sensitive, rules, restrictions, flags; did you mean "rules"?`},
		{name: "unknown sensitive field", src: doc("version: 1", "fields: [name, dob]", "sensitive: [dob, ssn]", "rules: []"), class: policy.ErrUnknownField,
			wantPos: "3:18", want: `unknown field "ssn" in sensitive`},
		{name: "sensitive twice", src: doc("version: 1", "fields: [name, dob]", "sensitive: [dob, dob]", "rules: []"), class: policy.ErrDuplicate,
			wantPos: "3:18", want: `field "dob" is in sensitive twice`},
		{name: "repeated top-level key", src: src("version: 1"), class: policy.ErrDuplicate, wantPos: "8:1",
			want: `the policy has "version" twice (first at 1:1)`},
		{name: "non-scalar key", src: src("[a]: 1"), class: policy.ErrSyntax, wantPos: "8:1",
			want: "the policy has a key that is a list; keys are plain words"},
		{name: "no version", src: doc("fields: [name]", "rules: []"), class: policy.ErrMissingKey, wantPos: "1:1",
			want: "version is missing; write version: 1"},
		{name: "version 2", src: doc("version: 2", "fields: [name]", "rules: []"), class: policy.ErrUnsupportedVersion, wantPos: "1:10",
			want: "version 2 is not supported; this callgate reads version 1"},
		{name: "version not a number", src: doc("version: one", "fields: [name]", "rules: []"), class: policy.ErrSyntax, wantPos: "1:10",
			want: `version must be a whole number, not "one"`},

		// Fields.
		{name: "no fields", src: doc("version: 1", "rules: []"), class: policy.ErrMissingKey, wantPos: "1:1",
			want: "fields is missing; list the member fields the policy may grant"},
		{name: "empty fields", src: doc("version: 1", "fields: []", "rules: []"), class: policy.ErrMissingKey, wantPos: "2:9",
			want: "fields is empty; list the member fields the policy may grant"},
		{name: "fields not a list", src: doc("version: 1", "fields: name", "rules: []"), class: policy.ErrSyntax, wantPos: "2:9",
			want: `fields must be a list such as [a, b], not "name"`},
		{name: "field name with capitals", src: doc("version: 1", "fields: [name, Phone]", "rules: []"), class: policy.ErrInvalidName, wantPos: "2:16",
			want: `field "Phone" in fields is not a field name (a-z, 0-9 and _, starting with a letter, at most 64)`},
		{name: "field name with a dash", src: doc("version: 1", "fields: [lab-results]", "rules: []"), class: policy.ErrInvalidName, wantPos: "2:10",
			want: `field "lab-results" in fields is not a field name (a-z, 0-9 and _, starting with a letter, at most 64)`},
		{name: "field not a scalar", src: doc("version: 1", "fields: [[name]]", "rules: []"), class: policy.ErrSyntax, wantPos: "2:10",
			want: "an entry of fields must be a single value, not a list"},
		{name: "field twice", src: doc("version: 1", "fields: [name, dob, name]", "rules: []"), class: policy.ErrDuplicate, wantPos: "2:21",
			want: `field "name" is in fields twice (first at 2:10)`},
		{name: "too many fields", src: doc("version: 1", "fields: ["+manyFields(65)+"]", "rules: []"), class: policy.ErrInvalidRule, wantPos: "2:" + fmt.Sprint(10+len(manyFields(64))+2),
			want: "fields lists more than 64 member fields"},

		// Rules.
		{name: "no rules", src: doc("version: 1", "fields: [name]"), class: policy.ErrMissingKey, wantPos: "1:1",
			want: "rules is missing; a policy with no rules discloses nothing, so say so with rules: []"},
		{name: "rules not a list", src: doc("version: 1", "fields: [name]", "rules: {}"), class: policy.ErrSyntax, wantPos: "3:8",
			want: "rules must be a list such as [a, b], not a mapping"},
		{name: "rule not a mapping", src: doc("version: 1", "fields: [name]", "rules: [full]"), class: policy.ErrSyntax, wantPos: "3:9",
			want: `rule 1 must be a mapping, not "full"`},
		{name: "unknown rule key", src: src("  - level: partial", "    role: self", "    purpose:", "      billing: [name]"), class: policy.ErrUnknownKey, wantPos: "10:5",
			want: `unknown key "purpose" in rule 2; it has level, role, in_scope, purposes; did you mean "purposes"?`},
		{name: "no level", src: src("  - role: involved", "    purposes: {billing: [name]}"), class: policy.ErrMissingKey, wantPos: "8:5",
			want: "rule 2 has no level; give it level: partial or level: full"},
		{name: "unknown level", src: src("  - level: ful", "    role: self", "    purposes: {billing: [name]}"), class: policy.ErrUnknownLevel, wantPos: "8:12",
			want: `rule 2: unknown level "ful"; a rule is for level partial or full; did you mean "full"?`},
		{name: "level none", src: src("  - level: none", "    role: self", "    purposes: {billing: [name]}"), class: policy.ErrUnknownLevel, wantPos: "8:12",
			want: "rule 2: level none may grant nothing; an unverified caller is disclosed nothing"},
		{name: "level not a scalar", src: src("  - level: [full]", "    role: self", "    purposes: {billing: [name]}"), class: policy.ErrSyntax, wantPos: "8:12",
			want: "rule 2 level must be a single value, not a list"},
		{name: "no role", src: src("  - level: partial", "    purposes: {billing: [name]}"), class: policy.ErrMissingKey, wantPos: "8:5",
			want: "rule 2 has no role; give it role: self, representative, involved"},
		{name: "unknown role", src: src("  - level: partial", "    role: slef", "    purposes: {billing: [name]}"), class: policy.ErrUnknownRole, wantPos: "9:11",
			want: `rule 2: unknown role "slef"; a rule is for role self, representative, involved; did you mean "self"?`},
		{name: "role unknown", src: src("  - level: full", "    role: unknown", "    purposes: {billing: [name]}"), class: policy.ErrUnknownRole, wantPos: "9:11",
			want: "rule 2: role unknown may grant nothing; a caller whose role is not established is disclosed nothing"},
		{name: "in_scope on self", src: src("  - level: partial", "    role: self", "    in_scope: true", "    purposes: {billing: [name]}"), class: policy.ErrInvalidRule, wantPos: "10:5",
			want: "rule 2: in_scope applies only to role representative, not self"},
		{name: "representative without in_scope", src: src("  - level: full", "    role: representative", "    purposes: {billing: [name]}"), class: policy.ErrInvalidRule, wantPos: "8:5",
			want: "rule 2: a representative rule needs in_scope: true; a representative acts only within their scope (45 CFR 164.502(g))"},
		{name: "representative in_scope false", src: src("  - level: full", "    role: representative", "    in_scope: false", "    purposes: {billing: [name]}"), class: policy.ErrInvalidRule, wantPos: "8:5",
			want: "rule 2: a representative rule needs in_scope: true; a representative acts only within their scope (45 CFR 164.502(g))"},
		{name: "in_scope not a boolean", src: src("  - level: full", "    role: representative", "    in_scope: yes", "    purposes: {billing: [name]}"), class: policy.ErrSyntax, wantPos: "10:15",
			want: `rule 2 in_scope must be true or false, not "yes"`},
		{name: "no purposes", src: src("  - level: partial", "    role: self"), class: policy.ErrMissingKey, wantPos: "8:5",
			want: "rule 2 has no purposes"},
		{name: "empty purposes", src: src("  - level: partial", "    role: self", "    purposes: {}"), class: policy.ErrMissingKey, wantPos: "10:15",
			want: "rule 2 has no purposes"},
		{name: "purposes not a mapping", src: src("  - level: partial", "    role: self", "    purposes: [billing]"), class: policy.ErrSyntax, wantPos: "10:15",
			want: "rule 2 purposes must be a mapping, not a list"},
		{name: "purpose name with capitals", src: src("  - level: partial", "    role: self", "    purposes:", "      Billing: [name]"), class: policy.ErrInvalidName, wantPos: "11:7",
			want: `rule 2: purpose "Billing" is not a purpose name (a-z, 0-9, _ and -, starting with a letter, at most 64)`},
		{name: "purpose name with a space", src: src("  - level: partial", "    role: self", "    purposes:", "      nurse line: [name]"), class: policy.ErrInvalidName, wantPos: "11:7",
			want: `rule 2: purpose "nurse line" is not a purpose name (a-z, 0-9, _ and -, starting with a letter, at most 64)`},
		{name: "purpose twice", src: src("  - level: partial", "    role: self", "    purposes:", "      billing: [name]", "      billing: [plan]"), class: policy.ErrDuplicate, wantPos: "12:7",
			want: `rule 2 purposes has "billing" twice (first at 11:7)`},
		{name: "purpose not a list", src: src("  - level: partial", "    role: self", "    purposes:", "      billing: name"), class: policy.ErrSyntax, wantPos: "11:16",
			want: `rule 2 purpose billing must be a list such as [a, b], not "name"`},
		{name: "unknown field in a purpose", src: src("  - level: partial", "    role: self", "    purposes:", "      billing: [name]", "      scheduling:", "        - phne"), class: policy.ErrUnknownField, wantPos: "13:11",
			want: `unknown field "phne" in rule 2 purpose scheduling; did you mean "phone"?`},
		{name: "unknown field far from any", src: src("  - level: partial", "    role: self", "    purposes: {billing: [ssn_number]}"), class: policy.ErrUnknownField, wantPos: "10:26",
			want: `unknown field "ssn_number" in rule 2 purpose billing`},
		{name: "field twice in a purpose", src: src("  - level: partial", "    role: self", "    purposes: {billing: [name, plan, name]}"), class: policy.ErrDuplicate, wantPos: "10:38",
			want: `field "name" twice in rule 2 purpose billing`},
		{name: "field plain and clinical", src: src("  - level: partial", "    role: self", "    purposes: {nurse: [dob, {field: dob, clinical: true}]}"), class: policy.ErrDuplicate, wantPos: "10:37",
			want: `field "dob" twice in rule 2 purpose nurse`},
		{name: "unknown key in a field entry", src: src("  - level: partial", "    role: self", "    purposes: {nurse: [{field: dob, clinicial: true}]}"), class: policy.ErrUnknownKey, wantPos: "10:37",
			want: `unknown key "clinicial" in an entry of rule 2 purpose nurse; it has field, clinical; did you mean "clinical"?`},
		{name: "field entry without field", src: src("  - level: partial", "    role: self", "    purposes: {nurse: [{clinical: true}]}"), class: policy.ErrMissingKey, wantPos: "10:24",
			want: "an entry of rule 2 purpose nurse has no field; write {field: name, clinical: true}"},
		{name: "clinical not a boolean", src: src("  - level: partial", "    role: self", "    purposes: {nurse: [{field: dob, clinical: 1}]}"), class: policy.ErrSyntax, wantPos: "10:47",
			want: `clinical in rule 2 purpose nurse must be true or false, not "1"`},
		{name: "field entry empty", src: src("  - level: partial", "    role: self", "    purposes: {nurse: [{field: ~}]}"), class: policy.ErrSyntax, wantPos: "10:32",
			want: "a field in rule 2 purpose nurse must be a single value, not empty"},
		{name: "rule for the same level and role", src: src("  - level: full", "    role: self", "    purposes: {billing: [plan]}"), class: policy.ErrDuplicate, wantPos: "8:5",
			want: "rule 2 repeats level full role self of rule 1 (at 4:5)"},

		// Restrictions.
		{name: "restriction name with capitals", src: src("restrictions:", "  No-Family: {deny_roles: [involved]}"), class: policy.ErrInvalidName, wantPos: "9:3",
			want: `restriction name "No-Family" is not a name (a-z, 0-9, _ and -, starting with a letter, at most 64)`},
		{name: "restriction twice", src: src("restrictions:", "  a: {notice: x}", "  a: {notice: y}"), class: policy.ErrDuplicate, wantPos: "10:3",
			want: `restrictions has "a" twice (first at 9:3)`},
		{name: "restrictions not a mapping", src: src("restrictions: [a]"), class: policy.ErrSyntax, wantPos: "8:15",
			want: "restrictions must be a mapping, not a list"},
		{name: "restriction empty", src: src("restrictions:", "  a:"), class: policy.ErrSyntax, wantPos: "9:5",
			want: "restriction a must be a mapping, not empty"},
		{name: "restriction unknown key", src: src("restrictions:", "  a: {deny_field: [dob]}"), class: policy.ErrUnknownKey, wantPos: "9:7",
			want: `unknown key "deny_field" in restriction a; it has deny_roles, deny_fields, notice; did you mean "deny_fields"?`},
		{name: "restriction unverified", src: src("restrictions:", "  a: {unverified: true}"), class: policy.ErrUnknownKey, wantPos: "9:7",
			want: `unknown key "unverified" in restriction a; it has deny_roles, deny_fields, notice`},
		{name: "restriction unknown role", src: src("restrictions:", "  a: {deny_roles: [representativ]}"), class: policy.ErrUnknownRole, wantPos: "9:20",
			want: `unknown role "representativ" in deny_roles of restriction a; roles are unknown, self, representative, involved; did you mean "representative"?`},
		{name: "restriction role twice", src: src("restrictions:", "  a: {deny_roles: [involved, involved]}"), class: policy.ErrDuplicate, wantPos: "9:30",
			want: "role involved twice in deny_roles of restriction a"},
		{name: "restriction unknown field", src: src("restrictions:", "  a: {deny_fields: [adress]}"), class: policy.ErrUnknownField, wantPos: "9:21",
			want: `unknown field "adress" in deny_fields of restriction a`},
		{name: "restriction field twice", src: src("restrictions:", "  a: {deny_fields: [dob, dob]}"), class: policy.ErrDuplicate, wantPos: "9:26",
			want: `field "dob" twice in deny_fields of restriction a`},
		{name: "restriction deny_roles not a list", src: src("restrictions:", "  a: {deny_roles: involved}"), class: policy.ErrSyntax, wantPos: "9:19",
			want: `deny_roles of restriction a must be a list such as [a, b], not "involved"`},
		{name: "restriction with no effect", src: src("restrictions:", "  a: {deny_roles: []}"), class: policy.ErrInvalidRule, wantPos: "9:6",
			want: "restriction a has no effect; give it deny_roles, deny_fields or a notice"},
		{name: "notice on two lines", src: src("restrictions:", "  a:", "    notice: \"one\\ntwo\""), class: policy.ErrInvalidName, wantPos: "10:13",
			want: `notice of restriction a must be text on one line of at most 200 bytes, not "one\ntwo"`},
		{name: "notice too long", src: src("restrictions:", "  a: {notice: "+strings.Repeat("x", 201)+"}"), class: policy.ErrInvalidName, wantPos: "9:15",
			want: `notice of restriction a must be text on one line of at most 200 bytes, not "` + strings.Repeat("x", 40) + `"...`},
		{name: "notice a number", src: src("restrictions:", "  a: {notice: 12}"), class: policy.ErrInvalidName, wantPos: "9:15",
			want: `notice of restriction a must be text on one line of at most 200 bytes, not "12"`},

		// Flags.
		{name: "flag unknown key", src: src("flags:", "  locked_out: {unverifed: true}"), class: policy.ErrUnknownKey, wantPos: "9:16",
			want: `unknown key "unverifed" in flag locked_out; it has deny_roles, deny_fields, unverified, notice; did you mean "unverified"?`},
		{name: "flag unverified not a boolean", src: src("flags:", "  locked_out: {unverified: 1}"), class: policy.ErrSyntax, wantPos: "9:28",
			want: `unverified of flag locked_out must be true or false, not "1"`},
		{name: "flag with no effect", src: src("flags:", "  locked_out: {unverified: false}"), class: policy.ErrInvalidRule, wantPos: "9:15",
			want: "flag locked_out has no effect; give it deny_roles, deny_fields or a notice"},
		{name: "flag name with a dot", src: src("flags:", "  locked.out: {notice: x}"), class: policy.ErrInvalidName, wantPos: "9:3",
			want: `flag name "locked.out" is not a name (a-z, 0-9, _ and -, starting with a letter, at most 64)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Parse(tc.src)
			require.Error(t, err)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, policy.ErrInvalidPolicy)
			assert.ErrorIs(t, err, tc.class)
			var pe *policy.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.wantPos, fmt.Sprintf("%d:%d", pe.Line, pe.Column), "position")
			assert.Equal(t, tc.want, pe.Msg)
			assert.Equal(t, "policy: "+tc.wantPos+": "+tc.want, err.Error())
		})
	}
}

// manyFields returns "f0, f1, ..." with n names.
func manyFields(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("f%d", i)
	}
	return strings.Join(names, ", ")
}

func TestParseValid(t *testing.T) {
	cases := []struct {
		name   string
		src    []byte
		fields []string
		check  func(t *testing.T, p *policy.Policy)
	}{
		{
			name:   "no rules discloses nothing",
			src:    doc("version: 1", "fields: [name]", "rules: []"),
			fields: []string{"name"},
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				d := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, policy.Agent{})
				assert.Equal(t, policy.Decision{Reason: "no rule"}, d)
			},
		},
		{
			name:   "an empty purpose grants nothing",
			src:    src("  - level: partial", "    role: self", "    purposes: {billing: []}"),
			fields: []string{"name", "phone", "plan", "lab_results", "dob"},
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				d := p.Decide(policy.Call{Level: "partial", Role: "self", Purpose: "billing"}, policy.Agent{})
				assert.Nil(t, d.Fields)
				assert.Equal(t, "rule partial/self/billing", d.Reason)
			},
		},
		{
			name: "deny_fields withholds a granted field",
			src: src("restrictions:", "  contact-mobile-only:", "    deny_fields: [phone]",
				"flags:", "  suspected_pretexting: {deny_fields: [dob]}"),
			fields: []string{"name", "phone", "plan", "lab_results", "dob"},
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				d := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling", Restrictions: []string{"contact-mobile-only"}}, policy.Agent{})
				assert.Equal(t, []string{"name"}, d.Fields)
				assert.Nil(t, d.Notices)
			},
		},
		{
			name: "flag deny_roles",
			src:  src("flags:", "  third_party: {deny_roles: [self]}"),
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				d := p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling", Flags: []string{"third_party"}}, policy.Agent{})
				assert.Nil(t, d.Fields)
				assert.Equal(t, "flag: third_party", d.Reason)
			},
			fields: []string{"name", "phone", "plan", "lab_results", "dob"},
		},
		{
			name: "clinical: false is a plain grant",
			src:  src("  - level: full", "    role: involved", "    purposes: {nurse: [{field: name, clinical: false}, {field: lab_results, clinical: true}]}"),
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				d := p.Decide(policy.Call{Level: "full", Role: "involved", Purpose: "nurse"}, policy.Agent{})
				assert.Equal(t, []string{"name"}, d.Fields)
				assert.Equal(t, []string{policy.NoticeClinical}, d.Notices)
				d = p.Decide(policy.Call{Level: "full", Role: "involved", Purpose: "nurse"}, policy.Agent{Clinical: true})
				assert.Equal(t, []string{"lab_results", "name"}, d.Fields)
				assert.Nil(t, d.Notices)
			},
			fields: []string{"name", "phone", "plan", "lab_results", "dob"},
		},
		{
			name:   "keys in any order, flow style, comments",
			src:    doc("# c", "rules: [{purposes: {b: [x]}, role: self, level: partial}] # c", "fields: [x]", "version: 1"),
			fields: []string{"x"},
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				assert.Equal(t, []string{"x"}, p.Decide(policy.Call{Level: "partial", Role: "self", Purpose: "b"}, policy.Agent{}).Fields)
			},
		},
		{
			name:   "64 fields",
			src:    doc("version: 1", "fields: ["+manyFields(64)+"]", "rules: [{level: full, role: self, purposes: {p: [f63, f0]}}]"),
			fields: strings.Split(manyFields(64), ", "),
			check: func(t *testing.T, p *policy.Policy) {
				t.Helper()
				assert.Equal(t, []string{"f0", "f63"}, p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "p"}, policy.Agent{}).Fields)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Parse(tc.src)
			require.NoError(t, err)
			assert.Equal(t, 1, p.Version)
			assert.Equal(t, tc.fields, p.Fields())
			tc.check(t, p)
		})
	}
}

func TestDemoPolicy(t *testing.T) {
	p := demo(t)
	assert.Equal(t, []string{"name", "dob", "phone", "address", "plan", "appointments", "balance", "claims", "prescriptions", "lab_results"}, p.Fields())
	again, err := policy.Parse(policy.DemoSource())
	require.NoError(t, err)
	assert.Equal(t, p, again)
	src := policy.DemoSource()
	src[0] = 'X'
	assert.NotEqual(t, src, policy.DemoSource(), "DemoSource returns a copy")
	assert.Equal(t, []string{"balance", "claims", "dob", "lab_results", "prescriptions"}, p.Sensitive())
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, p.ID())
	edited, err := policy.Parse(append(policy.DemoSource(), "\n# a comment\n"...))
	require.NoError(t, err)
	assert.NotEqual(t, p.ID(), edited.ID(), "the ID names the exact text")
	assert.True(t, p.IsSensitive("lab_results"))
	assert.False(t, p.IsSensitive("name"))
	assert.False(t, p.IsSensitive("ssn"))
	fields := p.Fields()
	fields[0] = "ssn"
	assert.Equal(t, "name", p.Fields()[0], "Fields returns a copy")
}

func TestParseErrorUnwrap(t *testing.T) {
	_, err := policy.Parse(doc("version: 3"))
	assert.True(t, errors.Is(err, policy.ErrUnsupportedVersion))
	assert.False(t, errors.Is(err, policy.ErrSyntax))
}
