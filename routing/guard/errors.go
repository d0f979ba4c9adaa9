package guard

import "errors"

var (
	// ErrStoreUnavailable is returned when Redis did not answer.
	ErrStoreUnavailable = errors.New("guard: store unavailable")
	// ErrBadKey is returned by every operation of a Guard built with an
	// HMAC key shorter than MinKeyLen bytes.
	ErrBadKey = errors.New("guard: HMAC key too short")
	// ErrBadSubject is returned for a subject that is not an opaque
	// reference ("m_" and base32); the value is not repeated.
	ErrBadSubject = errors.New("guard: bad subject")
	// ErrNoCaller is returned by Tried for an empty (withheld) caller
	// number: anonymous callers cannot be told apart.
	ErrNoCaller = errors.New("guard: no caller number")
	// ErrBadMemberRef is returned by Tried for an empty or overlong member
	// reference.
	ErrBadMemberRef = errors.New("guard: bad member reference")
)
