package audit

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// phiDigitRun is the shortest run of digits the PHI guard refuses: a
// member ID (8 digits) or a date of birth as entered (MMDDYYYY).
const phiDigitRun = 8

// Validate checks the caller's part of e as Append does; Seq, Time, Prev
// and Hash are ignored because Append assigns them. Errors wrap
// ErrInvalidEntry and name the field without quoting a suspected value.
func Validate(e Entry) error {
	if !e.Kind.Valid() {
		return fmt.Errorf("%w: unknown kind %q", ErrInvalidEntry, truncate(string(e.Kind), 32))
	}
	if e.Subject != "" && !IsSubject(e.Subject) {
		return fmt.Errorf("%w: subject must be \"m_\" and 16 to 64 of a-z and 2-7", ErrInvalidEntry)
	}
	for _, f := range []struct{ name, v string }{
		{"actor", e.Actor}, {"call_id", e.CallID}, {"purpose", e.Purpose}, {"policy", e.Policy},
	} {
		if len(f.v) > MaxText {
			return fmt.Errorf("%w: %s is %d bytes, limit %d", ErrInvalidEntry, f.name, len(f.v), MaxText)
		}
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("%w: %s is not UTF-8", ErrInvalidEntry, f.name)
		}
	}
	if len(e.Fields) > MaxFields {
		return fmt.Errorf("%w: %d fields, limit %d", ErrInvalidEntry, len(e.Fields), MaxFields)
	}
	for i, f := range e.Fields {
		if err := checkName(f); err != nil {
			return fmt.Errorf("%w: fields[%d] %w", ErrInvalidEntry, i, err)
		}
	}
	if len(e.Detail) > MaxDetail {
		return fmt.Errorf("%w: %d detail keys, limit %d", ErrInvalidEntry, len(e.Detail), MaxDetail)
	}
	for k, v := range e.Detail {
		if err := checkName(k); err != nil {
			return fmt.Errorf("%w: detail key %w", ErrInvalidEntry, err)
		}
		if err := checkDetailValue(v); err != nil {
			return fmt.Errorf("%w: detail %q %w", ErrInvalidEntry, k, err)
		}
	}
	if e.Kind.IsDisclosure() {
		switch {
		case e.Actor == "":
			return fmt.Errorf("%w: %s needs the actor it was disclosed to", ErrInvalidEntry, e.Kind)
		case e.Subject == "":
			return fmt.Errorf("%w: %s needs the subject", ErrInvalidEntry, e.Kind)
		case len(e.Fields) == 0:
			return fmt.Errorf("%w: %s needs the fields disclosed", ErrInvalidEntry, e.Kind)
		}
	}
	return nil
}

// IsSubject reports whether s is an opaque member reference:
// ^m_[a-z2-7]{16,64}$ (a prefix and base32 without padding).
func IsSubject(s string) bool {
	rest, ok := strings.CutPrefix(s, "m_")
	if !ok || len(rest) < 16 || len(rest) > 64 {
		return false
	}
	for i := range len(rest) {
		if c := rest[i]; (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// checkName checks a field name or Detail key: ^[a-z][a-z0-9_]*$, at most
// MaxName bytes, no run of 8 digits.
func checkName(s string) error {
	if s == "" || len(s) > MaxName {
		return fmt.Errorf("must be 1 to %d bytes", MaxName)
	}
	if s[0] < 'a' || s[0] > 'z' {
		return errors.New("must start with a-z")
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return errors.New("must match ^[a-z][a-z0-9_]*$")
		}
	}
	if hasDigitRun(s) {
		return fmt.Errorf("holds %d or more digits in a row (possible PHI)", phiDigitRun)
	}
	return nil
}

// checkDetailValue applies the PHI guard to a Detail value. A SHA-256 hex
// digest, alone or after "sha256:", is exempt from the digit rule: about
// half of all digests hold 8 digits in a row by chance.
func checkDetailValue(v string) error {
	if len(v) > MaxDetailValue {
		return fmt.Errorf("is %d bytes, limit %d", len(v), MaxDetailValue)
	}
	if !utf8.ValidString(v) {
		return errors.New("is not UTF-8")
	}
	if isDigest(v) {
		return nil
	}
	if hasDigitRun(v) {
		return fmt.Errorf("holds %d or more digits in a row (possible PHI)", phiDigitRun)
	}
	return nil
}

// hasDigitRun reports whether s holds phiDigitRun or more consecutive
// digits. Any Unicode decimal digit counts, so full-width digits do not
// slip past.
func hasDigitRun(s string) bool {
	run := 0
	for _, r := range s {
		if !unicode.IsDigit(r) {
			run = 0
			continue
		}
		if run++; run >= phiDigitRun {
			return true
		}
	}
	return false
}

// isDigest reports whether v is a lower-case hex SHA-256, optionally
// prefixed "sha256:".
func isDigest(v string) bool {
	v = strings.TrimPrefix(v, "sha256:")
	if len(v) != 64 {
		return false
	}
	for i := range len(v) {
		if c := v[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n bytes for an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
