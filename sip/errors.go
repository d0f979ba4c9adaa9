package sip

import (
	"errors"
	"fmt"
)

var (
	// ErrBadSDP is returned for a session description that cannot be parsed
	// or lacks what an audio stream needs.
	ErrBadSDP = errors.New("sip: malformed SDP")
	// ErrNoCommonCodec is returned when the offer has no codec we support.
	ErrNoCommonCodec = errors.New("sip: no common codec")
	// ErrOverCapacity is returned when the concurrent call limit is reached.
	ErrOverCapacity = errors.New("sip: over capacity")
	// ErrRateLimited is returned when a source sends INVITEs too fast.
	ErrRateLimited = errors.New("sip: INVITE rate limit")
	// ErrDraining is returned for new calls while the server drains.
	ErrDraining = errors.New("sip: draining")
	// ErrMissingHeader is returned for a request without a mandatory header.
	ErrMissingHeader = errors.New("sip: missing mandatory header")
	// ErrUnsupportedMedia is returned for a body type the server does not take.
	ErrUnsupportedMedia = errors.New("sip: unsupported body type")
	// ErrCallFailed is returned by Dial when the callee answers with a failure.
	ErrCallFailed = errors.New("sip: call failed")
	// ErrHungUp is returned by call operations after the call has ended.
	ErrHungUp = errors.New("sip: call ended")
)

// StatusError carries the SIP status a request is answered with. All
// request errors are mapped to responses in one place: statusOf.
type StatusError struct {
	Code   int
	Reason string
	Err    error
	// RetryAfter, in seconds, for 503.
	RetryAfter int
	// Warning (RFC 3261 §20.43) code, e.g. 305 "Incompatible media format".
	Warning int
}

func (e *StatusError) Error() string { return fmt.Sprintf("%d %s: %v", e.Code, e.Reason, e.Err) }
func (e *StatusError) Unwrap() error { return e.Err }

// statusOf maps an error to the response that answers the request.
func statusOf(err error, retryAfter int) *StatusError {
	var se *StatusError
	switch {
	case errors.As(err, &se):
		return se
	case errors.Is(err, ErrNoCommonCodec):
		return &StatusError{Code: 488, Reason: "Not Acceptable Here", Err: err, Warning: 305}
	case errors.Is(err, ErrBadSDP):
		return &StatusError{Code: 400, Reason: "Bad Request", Err: err, Warning: 399}
	case errors.Is(err, ErrOverCapacity), errors.Is(err, ErrRateLimited), errors.Is(err, ErrDraining):
		return &StatusError{Code: 503, Reason: "Service Unavailable", Err: err, RetryAfter: retryAfter}
	case errors.Is(err, ErrMissingHeader):
		return &StatusError{Code: 400, Reason: "Bad Request", Err: err}
	case errors.Is(err, ErrUnsupportedMedia):
		return &StatusError{Code: 415, Reason: "Unsupported Media Type", Err: err}
	}
	return &StatusError{Code: 500, Reason: "Server Internal Error", Err: err}
}
