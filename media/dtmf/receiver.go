package dtmf

// Receiver turns the RFC 4733 telephone-event packets of ONE RTP stream into
// digits, one per event. The zero value is ready to use; call Reset when the
// stream changes (new SSRC).
//
// An event is identified by its RTP timestamp (RFC 4733 §2.5.1.2: every
// packet of one event carries the event's start timestamp). The digit is
// reported on the first packet seen with a new timestamp, whatever its
// duration or E bit, so that:
//
//   - a first packet with duration 0 (as SIPp sends) counts;
//   - losing every end packet, or every packet but the end ones, still
//     yields the digit;
//   - the triple end packet and the packets of a long press do not repeat it;
//   - "1122" gives four digits, the events having distinct timestamps.
//
// A packet whose timestamp is older than the current event (serial-number
// comparison, so RTP timestamp wraparound is handled) by up to MaxLateness
// is a late retransmission and is dropped; one older than that cannot be a
// retransmission, the sender's timestamps jumped (a B2BUA switching media
// under one SSRC), and it starts a new event so that digits are not lost
// until the timestamps catch up. Event codes that are not DTMF keys (16 and
// up: flash, line tones, ...) are consumed without a digit and without an
// error. A long event split into segments (RFC 4733 §2.5.1.3: the segment
// reached duration 0xFFFF without an E bit and the next one starts 0xFFFF
// later with the same code) stays one digit.
type Receiver struct {
	started bool   // a first event has been seen
	ts      uint32 // timestamp of the current event
	code    uint8  // event code of the current event
	ended   bool   // an E bit was seen for the current event
	maxDur  uint16 // longest duration seen for the current event
}

// MaxLateness is how far, in RTP timestamp units, a packet's timestamp may
// lie behind the current event and still be taken for a late
// retransmission: 2^17, 16 s at 8 kHz and 2.7 s at 48 kHz, far beyond any
// network or jitter-buffer delay.
const MaxLateness = 1 << 17

// Push feeds the payload of one telephone-event packet with its RTP
// timestamp. It returns the key when this packet starts a new DTMF event.
// The only error is a payload shorter than 4 bytes (ErrShortPayload); the
// receiver state is then unchanged.
func (r *Receiver) Push(timestamp uint32, payload []byte) (key byte, ok bool, err error) {
	ev, err := ParseEvent(payload)
	if err != nil {
		return 0, false, err
	}
	if r.started {
		switch d := int32(timestamp - r.ts); {
		case d == 0:
			r.update(ev)
			return 0, false, nil
		case d < 0 && d >= -MaxLateness:
			return 0, false, nil // late retransmission of an older event
		case r.continues(timestamp, ev):
			r.ts = timestamp
			r.maxDur = 0
			r.update(ev)
			return 0, false, nil
		}
	}
	r.started = true
	r.ts = timestamp
	r.code = ev.Code
	r.ended = false
	r.maxDur = 0
	r.update(ev)
	k, isKey := EventToKey(ev.Code)
	return k, isKey, nil
}

// Reset forgets the stream; the next packet starts a new event.
func (r *Receiver) Reset() {
	*r = Receiver{}
}

// update records a packet of the current event.
func (r *Receiver) update(ev Event) {
	r.ended = r.ended || ev.End
	r.maxDur = max(r.maxDur, ev.Duration)
}

// continues reports whether a packet with a newer timestamp is the next
// segment of a long-duration event rather than a new key press.
func (r *Receiver) continues(timestamp uint32, ev Event) bool {
	return !r.ended && ev.Code == r.code && r.maxDur == 0xFFFF && timestamp == r.ts+0xFFFF
}
