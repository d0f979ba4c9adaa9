package media

import "errors"

var (
	// ErrNoPorts is returned when every RTP port of the configured range is in use.
	ErrNoPorts = errors.New("media: no free RTP port in range")
	// ErrClosed is returned by operations on a session that has been closed.
	ErrClosed = errors.New("media: session closed")
	// ErrInvalidPortRange is returned for an unusable --rtp-ports value.
	ErrInvalidPortRange = errors.New("media: invalid RTP port range")
	// ErrUnsupportedCodec is returned for a payload type that is neither PCMU nor PCMA.
	ErrUnsupportedCodec = errors.New("media: unsupported codec")
	// ErrBadDigit is returned when asked to send a key that is not a DTMF key.
	ErrBadDigit = errors.New("media: not a DTMF key")
	// ErrPromptStopped is returned by Play when the prompt was interrupted (barge-in, Stop, hang-up).
	ErrPromptStopped = errors.New("media: prompt stopped")
)
