package dtmf

import "errors"

// ErrShortPayload is returned by ParseEvent (and Receiver.Push) when a
// telephone-event payload is shorter than the 4 bytes of RFC 4733 §2.3.
var ErrShortPayload = errors.New("dtmf: telephone-event payload too short")

// ErrShortBuffer is returned by Event.MarshalTo when the destination cannot
// hold the 4-byte payload.
var ErrShortBuffer = errors.New("dtmf: buffer too short")

// ErrInvalidVolume is returned by Event.MarshalTo when Volume does not fit
// the 6-bit field (0-63, in -dBm0).
var ErrInvalidVolume = errors.New("dtmf: invalid volume")

// ErrInvalidKey is returned when a byte is not one of the 16 DTMF keys
// '0'-'9', '*', '#', 'A'-'D'.
var ErrInvalidKey = errors.New("dtmf: invalid key")

// ErrInvalidDuration is returned for a negative or too long tone duration and
// for a malformed Duration line in a SIP INFO body.
var ErrInvalidDuration = errors.New("dtmf: invalid duration")

// ErrInvalidLevel is returned by AppendTone for a level that is not a finite
// number at or below digital full scale (+3.14 dBm0).
var ErrInvalidLevel = errors.New("dtmf: invalid level")

// ErrUnsupportedContentType is returned by ParseInfo for a body that is
// neither application/dtmf-relay nor application/dtmf.
var ErrUnsupportedContentType = errors.New("dtmf: unsupported content type")

// ErrInvalidSignal is returned by ParseInfo when the body carries no DTMF
// key, more than one, or something that is not a key. Its messages never
// repeat the offending value: digits are secure input.
var ErrInvalidSignal = errors.New("dtmf: invalid signal")

// ErrBodyTooLarge is returned by ParseInfo for a body longer than
// MaxInfoBody bytes.
var ErrBodyTooLarge = errors.New("dtmf: body too large")
