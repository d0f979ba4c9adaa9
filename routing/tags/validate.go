package tags

import (
	"fmt"
	"slices"
	"strings"
)

const (
	// maxWordLen bounds a single-word value; maxListLen a comma list.
	maxWordLen  = 128
	maxListLen  = 1024
	maxCallID   = 256
	maxDigitLen = 18
)

// rule checks the values of one field.
type rule struct {
	ok   func(string) bool
	max  int
	desc string // the rule, for errors; never the value
}

var rules = map[Field]rule{ //nolint:gochecknoglobals // read-only table
	FieldVerificationLevel: enumRule(string(None), string(Partial), string(Full)),
	FieldCallerRole:        enumRule(string(Unknown), string(Self), string(Representative), string(Involved)),
	FieldRecordingConsent:  enumRule(string(Granted), string(Declined), string(Unanswered)),
	FieldSubject:           {ok: isSubject, max: 66, desc: `must be "m_" and 16 to 64 of a-z and 2-7`},
	FieldRestrictions:      listRule,
	FieldFlags:             listRule,
	FieldPurpose:           wordRule,
	FieldFlow:              wordRule,
	FieldQueue:             wordRule,
	FieldAgent:             wordRule,
	FieldState:             wordRule,
	FieldFlowVersion:       {ok: isDigits, max: maxDigitLen, desc: "must be 1 to 18 digits"},
}

var (
	wordRule = rule{ //nolint:gochecknoglobals // read-only
		ok: isWord, max: maxWordLen,
		desc: "must be a lowercase word of a-z, 0-9, '_', '.' and '-' starting with a letter or digit, at most 128 bytes",
	}
	listRule = rule{ //nolint:gochecknoglobals // read-only
		ok: isList, max: maxListLen,
		desc: "must be empty or a comma-separated list of names of a-z, 0-9, '_' and '-' each starting with a letter, at most 1024 bytes",
	}
)

func enumRule(values ...string) rule {
	return rule{
		ok:   func(s string) bool { return slices.Contains(values, s) },
		max:  maxWordLen,
		desc: "must be one of " + strings.Join(values, ", "),
	}
}

// Validate checks value against field's rule. Its error wraps
// ErrInvalidValue (or ErrUnknownField) and names the field and the rule but
// never repeats the value: a rejected value may be PHI typed by mistake.
func Validate(field Field, value string) error {
	r, ok := rules[field]
	if !ok {
		if isFieldName(string(field)) {
			return fmt.Errorf("%w: %s", ErrUnknownField, field)
		}
		return fmt.Errorf("%w (name not shown)", ErrUnknownField)
	}
	if len(value) > r.max || !r.ok(value) {
		return fmt.Errorf("%w: %s %s", ErrInvalidValue, field, r.desc)
	}
	return nil
}

// ValidateFlag checks one flag name as AddFlag takes it.
func ValidateFlag(flag string) error {
	if !isName(flag) || len(flag) > maxWordLen {
		return fmt.Errorf("%w: flag must be a name of a-z, 0-9, '_' and '-' starting with a letter, at most 128 bytes", ErrInvalidValue)
	}
	return nil
}

// validateCallID accepts a SIP Call-ID: 1 to 256 printable ASCII bytes
// without spaces.
func validateCallID(id string) error {
	if id == "" || len(id) > maxCallID {
		return fmt.Errorf("%w: must be 1 to %d bytes", ErrBadCallID, maxCallID)
	}
	for i := range len(id) {
		if id[i] <= ' ' || id[i] >= 0x7f {
			return fmt.Errorf("%w: must be printable ASCII without spaces", ErrBadCallID)
		}
	}
	return nil
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isSubject matches ^m_[a-z2-7]{16,64}$.
func isSubject(s string) bool {
	rest, ok := strings.CutPrefix(s, "m_")
	if !ok || len(rest) < 16 || len(rest) > 64 {
		return false
	}
	for i := range len(rest) {
		if c := rest[i]; !isLower(c) && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// isName matches ^[a-z][a-z0-9_-]*$.
func isName(s string) bool {
	if s == "" || !isLower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isList matches an empty string or a comma list of isName.
func isList(s string) bool {
	if s == "" {
		return true
	}
	for name := range strings.SplitSeq(s, ",") {
		if !isName(name) {
			return false
		}
	}
	return true
}

// isWord matches ^[a-z0-9][a-z0-9_.-]*$.
func isWord(s string) bool {
	if s == "" || !isLower(s[0]) && !isDigit(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' && c != '.' && c != '-' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isFieldName reports whether an unknown field name is safe to show: a
// short identifier like the real ones.
func isFieldName(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLower(c) && c != '_' {
			return false
		}
	}
	return true
}

// normalizeList sorts a valid comma list and drops duplicates.
func normalizeList(s string) string {
	if s == "" {
		return ""
	}
	names := strings.Split(s, ",")
	slices.Sort(names)
	return strings.Join(slices.Compact(names), ",")
}
