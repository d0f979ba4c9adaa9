package sip

import (
	"errors"
	"fmt"

	"github.com/emiago/sipgo/sip"
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
	// ErrUnknownSource is returned (403) for an INVITE from a source that
	// no trunk admits and that is no registered agent phone.
	ErrUnknownSource = errors.New("sip: source matches no trunk")
	// ErrTrunkBusy is returned (503) when the caller's trunk is at its
	// concurrent call limit.
	ErrTrunkBusy = errors.New("sip: trunk at its call limit")
	// ErrAuthRequired is returned with a digest challenge (401 or 407).
	ErrAuthRequired = errors.New("sip: authentication required")
	// ErrAuthFailed is returned (403) for wrong digest credentials, or
	// when a username+source pair is locked out after repeated failures.
	ErrAuthFailed = errors.New("sip: authentication failed")
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
	// Headers are added to the response (e.g. a digest challenge).
	Headers []sip.Header
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
	case errors.Is(err, ErrUnknownSource), errors.Is(err, ErrAuthFailed):
		return &StatusError{Code: 403, Reason: "Forbidden", Err: err}
	case errors.Is(err, ErrOverCapacity), errors.Is(err, ErrRateLimited), errors.Is(err, ErrDraining), errors.Is(err, ErrTrunkBusy):
		return &StatusError{Code: 503, Reason: "Service Unavailable", Err: err, RetryAfter: retryAfter}
	case errors.Is(err, ErrMissingHeader):
		return &StatusError{Code: 400, Reason: "Bad Request", Err: err}
	case errors.Is(err, ErrUnsupportedMedia):
		return &StatusError{Code: 415, Reason: "Unsupported Media Type", Err: err}
	}
	return &StatusError{Code: 500, Reason: "Server Internal Error", Err: err}
}

// Reasons a new INVITE is refused: RejectReason's values, a bounded
// metric label.
const (
	ReasonUnknownSource    = "unknown_source"    // 403: no trunk admits the source, no registered agent
	ReasonAuthChallenge    = "auth_challenge"    // 407: a digest trunk's challenge (normal once per call)
	ReasonAuthFailed       = "auth_failed"       // 403: wrong digest credentials, or locked out
	ReasonTrunkBusy        = "trunk_busy"        // 503: the trunk's max_calls reached
	ReasonOverCapacity     = "over_capacity"     // 503: the server's max_calls reached
	ReasonRateLimited      = "rate_limited"      // 503: the source's INVITE rate
	ReasonDraining         = "draining"          // 503: shutting down
	ReasonNoCodec          = "no_codec"          // 488
	ReasonBadRequest       = "bad_request"       // 400, 420: malformed or unsupported request
	ReasonUnsupportedMedia = "unsupported_media" // 415
	ReasonNoDialog         = "no_dialog"         // 481: a re-INVITE for no call
	ReasonUnavailable      = "unavailable"       // 480: no call handler
	ReasonOther            = "other"
)

// RejectReasons lists every RejectReason value.
func RejectReasons() []string {
	return []string{
		ReasonUnknownSource, ReasonAuthChallenge, ReasonAuthFailed, ReasonTrunkBusy, ReasonOverCapacity,
		ReasonRateLimited, ReasonDraining, ReasonNoCodec, ReasonBadRequest, ReasonUnsupportedMedia,
		ReasonNoDialog, ReasonUnavailable, ReasonOther,
	}
}

// RejectReason classifies the error an INVITE was refused with (as given
// to Observer.InviteRejected) into a bounded metric label.
func RejectReason(err error) string {
	switch {
	case errors.Is(err, ErrUnknownSource):
		return ReasonUnknownSource
	case errors.Is(err, ErrAuthRequired):
		return ReasonAuthChallenge
	case errors.Is(err, ErrAuthFailed):
		return ReasonAuthFailed
	case errors.Is(err, ErrTrunkBusy):
		return ReasonTrunkBusy
	case errors.Is(err, ErrOverCapacity):
		return ReasonOverCapacity
	case errors.Is(err, ErrRateLimited):
		return ReasonRateLimited
	case errors.Is(err, ErrDraining):
		return ReasonDraining
	case errors.Is(err, ErrNoCommonCodec):
		return ReasonNoCodec
	case errors.Is(err, ErrUnsupportedMedia):
		return ReasonUnsupportedMedia
	case errors.Is(err, ErrMissingHeader), errors.Is(err, ErrBadSDP):
		return ReasonBadRequest
	}
	var se *StatusError
	if errors.As(err, &se) {
		switch se.Code {
		case 400, 420:
			return ReasonBadRequest
		case 480:
			return ReasonUnavailable
		case 481:
			return ReasonNoDialog
		case 488:
			return ReasonNoCodec
		}
	}
	return ReasonOther
}
