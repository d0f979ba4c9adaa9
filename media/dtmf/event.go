package dtmf

import (
	"encoding/binary"
	"fmt"
)

// EventSize is the size of one RFC 4733 telephone-event payload.
const EventSize = 4

// MaxVolume is the largest value of the 6-bit volume field (-63 dBm0).
const MaxVolume = 63

// Event is one RFC 4733 §2.3 telephone-event payload:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     event     |E|R| volume    |          duration             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// event is the event code (0-15 are the DTMF keys), E marks the end of the
// event, R is reserved (sent as 0, ignored on receipt), volume is the power
// level in -dBm0 (0-63) and duration is the length so far in RTP timestamp
// units, in network byte order.
type Event struct {
	// Code is the event code; see EventToKey.
	Code uint8
	// End is the E bit: the event has ended.
	End bool
	// Volume is the tone level in -dBm0 (0-63).
	Volume uint8
	// Duration is the event duration so far, in RTP timestamp units.
	Duration uint16
}

const (
	endBit     = 0x80
	volumeMask = 0x3f
)

// ParseEvent decodes the first EventSize bytes of payload. Extra bytes are
// ignored; a shorter payload yields ErrShortPayload.
func ParseEvent(payload []byte) (Event, error) {
	if len(payload) < EventSize {
		return Event{}, fmt.Errorf("%w: %d bytes, need %d", ErrShortPayload, len(payload), EventSize)
	}
	return Event{
		Code:     payload[0],
		End:      payload[1]&endBit != 0,
		Volume:   payload[1] & volumeMask,
		Duration: binary.BigEndian.Uint16(payload[2:4]),
	}, nil
}

// MarshalTo writes the 4-byte payload into b and returns the number of bytes
// written. It does not allocate.
func (e Event) MarshalTo(b []byte) (int, error) {
	if len(b) < EventSize {
		return 0, fmt.Errorf("%w: %d bytes, need %d", ErrShortBuffer, len(b), EventSize)
	}
	if e.Volume > MaxVolume {
		return 0, fmt.Errorf("%w: %d, max %d", ErrInvalidVolume, e.Volume, MaxVolume)
	}
	b[0] = e.Code
	b[1] = e.Volume
	if e.End {
		b[1] |= endBit
	}
	binary.BigEndian.PutUint16(b[2:4], e.Duration)
	return EventSize, nil
}
