package twiliohook

import "errors"

// ErrInvalidConfig means New was given a Config it cannot use; the message
// names the field, never the auth token.
var ErrInvalidConfig = errors.New("twiliohook: invalid config")
