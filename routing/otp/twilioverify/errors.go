package twilioverify

import "errors"

var (
	// ErrInvalidConfig means New was given an incomplete or malformed
	// Config (the message names the field, never a secret).
	ErrInvalidConfig = errors.New("twilioverify: invalid config")

	// ErrUnavailable means Twilio could not be reached or did not answer
	// in time, answered with a server error, or is rate-limiting us: the
	// caller should fall back, the member did nothing wrong.
	ErrUnavailable = errors.New("twilioverify: Twilio Verify unavailable")

	// ErrRejected means Twilio refused the request (bad credentials, an
	// invalid or unreachable destination, too many codes sent to it).
	ErrRejected = errors.New("twilioverify: request rejected")

	// ErrNoPhone means the member has no phone number on file that a code
	// can be sent to (missing, or not in international +CC... form).
	ErrNoPhone = errors.New("twilioverify: no usable phone number on file")

	// ErrBadCode means the code to check is not 4 to 10 digits; it is not
	// sent to Twilio.
	ErrBadCode = errors.New("twilioverify: code must be 4 to 10 digits")
)
