package members

import "errors"

var (
	// ErrNotFound means no member has the given subject. Identify never
	// returns it: an unknown member ID is ok=false like a wrong date of birth.
	ErrNotFound = errors.New("member not found")

	// ErrInvalidKey means the HMAC key is shorter than MinKeyLen bytes.
	ErrInvalidKey = errors.New("invalid directory key")

	// ErrInvalidParams means the argon2id parameters are outside the range
	// this package accepts (see Argon2Params.Validate).
	ErrInvalidParams = errors.New("invalid argon2id parameters")

	// ErrInvalidRecord means an import record or CSV row failed validation.
	// It is wrapped by a *FieldError naming the line or record and the
	// column, never the value.
	ErrInvalidRecord = errors.New("invalid member record")

	// ErrDuplicateMember means two import records have the same member ID.
	ErrDuplicateMember = errors.New("duplicate member")

	// ErrInvalidCSV means the CSV input is malformed: unreadable, a missing,
	// unknown or repeated header column, or no header at all.
	ErrInvalidCSV = errors.New("invalid member CSV")

	// ErrCorrupt means a stored record is malformed: a hash is not a valid
	// argon2id PHC string, a representative is incomplete, or a required
	// field is missing.
	ErrCorrupt = errors.New("corrupt member record")
)
