package policy

import (
	"errors"
	"strconv"
)

var (
	// ErrInvalidPolicy means a policy source failed to parse. Every error
	// Parse returns wraps it, together with one of the more specific
	// errors below, in a *ParseError that says where.
	ErrInvalidPolicy = errors.New("invalid disclosure policy")

	// ErrSyntax means the source is not a single YAML document of the
	// policy's shape: a YAML syntax error, a value of the wrong kind (a
	// list where a mapping belongs), an anchor or alias, or a source larger
	// than MaxSourceSize.
	ErrSyntax = errors.New("policy syntax")

	// ErrUnknownKey means a mapping has a key the policy format does not
	// have, e.g. "purpose" for "purposes".
	ErrUnknownKey = errors.New("unknown key")

	// ErrMissingKey means a required key is absent or empty: version,
	// fields or rules at the top, level, role or purposes in a rule.
	ErrMissingKey = errors.New("missing key")

	// ErrUnsupportedVersion means the version is not one this package reads.
	ErrUnsupportedVersion = errors.New("unsupported policy version")

	// ErrUnknownField means a rule, restriction or flag names a member field
	// that is not in the policy's fields list.
	ErrUnknownField = errors.New("unknown member field")

	// ErrUnknownLevel means a verification level is not none, partial or
	// full, or a rule is for level none, which may grant nothing.
	ErrUnknownLevel = errors.New("unknown verification level")

	// ErrUnknownRole means a caller role is not unknown, self,
	// representative or involved, or a rule is for role unknown, which may
	// grant nothing.
	ErrUnknownRole = errors.New("unknown caller role")

	// ErrInvalidName means a field, purpose, restriction or flag name is
	// not a lowercase name (see the package doc), or a notice is not a
	// short single line.
	ErrInvalidName = errors.New("invalid name")

	// ErrDuplicate means something is listed twice: a rule for the same
	// level and role, a field in one list, a key in one mapping.
	ErrDuplicate = errors.New("duplicate")

	// ErrInvalidRule means a rule or condition is inconsistent: in_scope
	// on a role other than representative, a representative rule without
	// in_scope: true, unverified on a restriction, a restriction or flag
	// with no effect, more member fields than a policy can hold.
	ErrInvalidRule = errors.New("invalid rule")
)

// ParseError is a problem in a policy source at a 1-based line and column.
// It unwraps to ErrInvalidPolicy and to its class (ErrUnknownField,
// ErrDuplicate, ...), so callers branch with errors.Is.
type ParseError struct {
	Line, Column int
	// Msg says what is wrong and where in the policy (rule number, purpose),
	// quoting the offending value; policy sources hold no PHI.
	Msg string
	// Class is one of this package's Err sentinels.
	Class error
}

// Error formats e as "policy: LINE:COL: message".
func (e *ParseError) Error() string {
	return "policy: " + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": " + e.Msg
}

// Unwrap returns ErrInvalidPolicy and e's class.
func (e *ParseError) Unwrap() []error { return []error{ErrInvalidPolicy, e.Class} }
