package dtmf

import "strconv"

// Source says where a digit came from.
type Source uint8

// The three ways a digit reaches the IVR.
const (
	// SourceRFC4733 is an RTP telephone-event (RFC 4733).
	SourceRFC4733 Source = iota + 1
	// SourceInfo is a SIP INFO request (application/dtmf-relay or application/dtmf).
	SourceInfo
	// SourceInband is a tone pair detected in the audio.
	SourceInband
)

// String returns "rfc4733", "info" or "inband"; other values print as
// "source(N)".
func (s Source) String() string {
	switch s {
	case SourceRFC4733:
		return "rfc4733"
	case SourceInfo:
		return "info"
	case SourceInband:
		return "inband"
	default:
		return "source(" + strconv.Itoa(int(s)) + ")"
	}
}

// Digit is one detected key press.
type Digit struct {
	// Key is '0'-'9', '*', '#' or 'A'-'D'.
	Key byte
	// Source is how the key press was received.
	Source Source
}
