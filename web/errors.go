package web

import (
	"errors"
	"net/http"

	"github.com/callgate/callgate/flows"
)

var (
	// ErrInvalidConfig means New was given a Config, directory or option
	// it cannot use.
	ErrInvalidConfig = errors.New("web: invalid config")

	// ErrBadRequest means a request body is not the JSON the route takes.
	ErrBadRequest = errors.New("web: bad request")

	// ErrUnsupportedMediaType means a request body is not application/json.
	ErrUnsupportedMediaType = errors.New("web: unsupported media type")

	// ErrInvalidCredentials means a sign-in failed: unknown user, wrong
	// password, or a wrong or reused TOTP code. The answer does not say
	// which.
	ErrInvalidCredentials = errors.New("web: invalid credentials")

	// ErrTOTPRequired means the password was right but the user has a TOTP
	// secret and the request carried no code.
	ErrTOTPRequired = errors.New("web: totp required")

	// ErrLockedOut means the username had too many failed sign-ins and is
	// locked for a while.
	ErrLockedOut = errors.New("web: locked out")

	// ErrDemoCredentials means a user signed in with the public demo
	// password ("<username>-demo-1") while demo mode is off.
	ErrDemoCredentials = errors.New("web: demo credentials refused outside demo mode")

	// ErrUnauthenticated means a request had no session, or one that is
	// unknown, ended or expired.
	ErrUnauthenticated = errors.New("web: unauthenticated")

	// ErrForbidden means the session's role may not use the route.
	ErrForbidden = errors.New("web: forbidden")

	// ErrInvalidStatus means a status change asked for something other
	// than available or away.
	ErrInvalidStatus = errors.New("web: invalid status")

	// ErrScreenLocked means the session is locked after inactivity: unlock
	// it with the password (POST /api/v1/auth/unlock).
	ErrScreenLocked = errors.New("web: screen locked")

	// ErrNotOnScreen means a reveal named a call or field that is not on
	// the agent's current screen.
	ErrNotOnScreen = errors.New("web: not on screen")

	// ErrUnavailable means a dependency (the ledger) failed, so the request
	// was refused rather than served unrecorded.
	ErrUnavailable = errors.New("web: unavailable")

	// ErrShuttingDown means the server no longer starts event streams.
	ErrShuttingDown = errors.New("web: shutting down")

	// ErrNotFound means the route names something that does not exist
	// (a flow's draft when it has none).
	ErrNotFound = errors.New("web: not found")

	// ErrNotRecordable means a change was refused before it was made
	// because the audit ledger would not take its entry (a flow ID or
	// comment that looks like PHI).
	ErrNotRecordable = errors.New("web: not recordable in the audit ledger")
)

// httpStatus maps an error to the HTTP status and the message of the
// {"error": ...} body. It is the only place that does. Messages are fixed
// strings: they never repeat request values.
func httpStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrBadRequest):
		return http.StatusBadRequest, "bad request"
	case errors.Is(err, ErrInvalidStatus):
		return http.StatusBadRequest, "invalid status"
	case errors.Is(err, ErrUnsupportedMediaType):
		return http.StatusUnsupportedMediaType, "content type must be application/json"
	case errors.Is(err, ErrTOTPRequired):
		return http.StatusUnauthorized, "totp required"
	case errors.Is(err, ErrInvalidCredentials):
		return http.StatusUnauthorized, "invalid credentials"
	case errors.Is(err, ErrUnauthenticated):
		return http.StatusUnauthorized, "unauthenticated"
	case errors.Is(err, ErrLockedOut):
		return http.StatusTooManyRequests, "too many failed sign-ins; try again later"
	case errors.Is(err, ErrDemoCredentials):
		return http.StatusForbidden, "demo credentials are refused outside demo mode"
	case errors.Is(err, ErrForbidden):
		return http.StatusForbidden, "forbidden"
	case errors.Is(err, ErrScreenLocked):
		return http.StatusLocked, "screen locked"
	case errors.Is(err, ErrNotOnScreen):
		return http.StatusNotFound, "not on screen"
	case errors.Is(err, ErrUnavailable):
		return http.StatusServiceUnavailable, "unavailable; try again"
	case errors.Is(err, ErrShuttingDown):
		return http.StatusServiceUnavailable, "shutting down"
	case errors.Is(err, ErrNotFound):
		return http.StatusNotFound, "not found"
	case errors.Is(err, ErrNotRecordable):
		return http.StatusBadRequest, "the audit ledger would refuse this change (digits that look like PHI?)"
	case errors.Is(err, flows.ErrInvalidFlow):
		return http.StatusUnprocessableEntity, "invalid flow"
	case errors.Is(err, flows.ErrInvalidID):
		return http.StatusBadRequest, "invalid flow id: 1 to 63 lowercase letters, digits and dashes"
	case errors.Is(err, flows.ErrInvalidComment):
		return http.StatusBadRequest, "invalid comment: one line of at most 200 bytes, no run of 8 digits"
	case errors.Is(err, flows.ErrUnknownFlow):
		return http.StatusNotFound, "no such flow"
	case errors.Is(err, flows.ErrUnknownVersion):
		return http.StatusNotFound, "no such version"
	case errors.Is(err, flows.ErrNoDraft):
		return http.StatusConflict, "no draft to publish"
	case errors.Is(err, flows.ErrNoChange):
		return http.StatusConflict, "same as the live version"
	case errors.Is(err, flows.ErrStale):
		return http.StatusConflict, "the live version changed; review the diff again"
	case errors.Is(err, flows.ErrDraftChanged):
		return http.StatusConflict, "the draft changed; review it again"
	default:
		return http.StatusInternalServerError, "internal error"
	}
}
