package tags

import "errors"

var (
	// ErrInvalidValue is returned for a value a field does not allow. The
	// message names the field and the rule, never the value.
	ErrInvalidValue = errors.New("tags: invalid value")
	// ErrUnknownField is returned for a field that is not part of the
	// call hash.
	ErrUnknownField = errors.New("tags: unknown field")
	// ErrBadCallID is returned for an empty, overlong or non-printable
	// Call-ID.
	ErrBadCallID = errors.New("tags: bad Call-ID")
	// ErrStoreUnavailable is returned when Redis did not take a write or
	// answer a read. The IVR treats the call as unverified for disclosure
	// and carries on; the Writer rewrites everything on its next success.
	ErrStoreUnavailable = errors.New("tags: store unavailable")
	// ErrEnded is returned for a write after End succeeded.
	ErrEnded = errors.New("tags: call ended")
	// ErrNotFound is returned by Get when the call has no hash (never
	// written, or expired).
	ErrNotFound = errors.New("tags: call not found")
)
