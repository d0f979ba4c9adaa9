package agents

import (
	"errors"
	"strconv"
)

var (
	// ErrInvalidDirectory means an agent directory source failed to parse.
	// Every error ParseDirectory returns wraps it, together with one of the
	// more specific errors below, in a *ParseError that says where.
	ErrInvalidDirectory = errors.New("invalid agent directory")

	// ErrSyntax means the source is not a single YAML document of the
	// directory's shape: a YAML syntax error, a value of the wrong kind, an
	// anchor or alias, or a source larger than MaxSourceSize.
	ErrSyntax = errors.New("directory syntax")

	// ErrUnknownKey means a mapping has a key the format does not have.
	ErrUnknownKey = errors.New("unknown key")

	// ErrMissingKey means a required key is absent: version or agents at
	// the top, username, role or password_hash in an agent.
	ErrMissingKey = errors.New("missing key")

	// ErrUnsupportedVersion means the version is not one this package reads.
	ErrUnsupportedVersion = errors.New("unsupported directory version")

	// ErrInvalidUsername means a username does not match
	// ^[a-z][a-z0-9._-]{1,31}$.
	ErrInvalidUsername = errors.New("invalid username")

	// ErrDuplicate means a username, a skill of one agent or a key of one
	// mapping appears twice.
	ErrDuplicate = errors.New("duplicate")

	// ErrInvalidRole means a role is not agent, supervisor, admin or ops.
	ErrInvalidRole = errors.New("invalid role")

	// ErrInvalidSkill means a skill is not a lowercase name
	// (^[a-z][a-z0-9_-]{0,63}$).
	ErrInvalidSkill = errors.New("invalid skill")

	// ErrInvalidPasswordHash means a password hash is not a canonical
	// argon2id PHC string within this package's limits, or, in a
	// directory, is weaker than the minimum (see ParseDirectory). Messages
	// never quote the hash.
	ErrInvalidPasswordHash = errors.New("invalid password hash")

	// ErrInvalidTOTPSecret means a TOTP secret is not base32 (RFC 4648,
	// upper case) of 16 to 64 bytes. Messages never quote the secret.
	ErrInvalidTOTPSecret = errors.New("invalid TOTP secret")

	// ErrInvalidHA1 means a sip_ha1 is not 32 hex digits.
	ErrInvalidHA1 = errors.New("invalid sip_ha1")

	// ErrInvalidContact means a static contact is not a sip: or sips: URI.
	ErrInvalidContact = errors.New("invalid contact")

	// ErrInvalidParams means argon2id parameters given to HashPassword are
	// outside the range this package accepts (see Argon2Params.Validate).
	ErrInvalidParams = errors.New("invalid argon2id parameters")
)

// ParseError is a problem in a directory source at a 1-based line and
// column. It unwraps to ErrInvalidDirectory and to its class.
type ParseError struct {
	Line, Column int
	// Msg says what is wrong and for which agent, quoting the offending
	// value except for password hashes and TOTP secrets.
	Msg string
	// Class is one of this package's Err sentinels.
	Class error
}

// Error formats e as "agents: LINE:COL: message".
func (e *ParseError) Error() string {
	return "agents: " + strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": " + e.Msg
}

// Unwrap returns ErrInvalidDirectory and e's class.
func (e *ParseError) Unwrap() []error { return []error{ErrInvalidDirectory, e.Class} }
