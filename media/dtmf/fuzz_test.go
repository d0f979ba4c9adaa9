package dtmf

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzParseEvent(f *testing.F) {
	f.Add([]byte{5, 0x0a, 0, 0})
	f.Add([]byte{11, 0x8a, 0x03, 0x20})
	f.Add([]byte{16, 0x40, 0xff, 0xff, 1, 2})
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseEvent(data)
		if len(data) < EventSize {
			if !errors.Is(err, ErrShortPayload) {
				t.Fatalf("short payload: err = %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid payload: %v", err)
		}
		var b [EventSize]byte
		n, err := ev.MarshalTo(b[:])
		if err != nil || n != EventSize {
			t.Fatalf("MarshalTo(%+v) = %d, %v", ev, n, err)
		}
		want := [EventSize]byte(data[:EventSize])
		want[1] &^= 0x40 // the R bit is not kept
		if b != want {
			t.Fatalf("round trip %x -> %+v -> %x", data[:EventSize], ev, b)
		}
	})
}

// FuzzReceiver feeds packets encoded as [ts uint32][n uint8][n bytes].
func FuzzReceiver(f *testing.F) {
	seq := func(ps ...pkt) []byte {
		var out []byte
		for _, p := range ps {
			out = binary.BigEndian.AppendUint32(out, p.ts)
			out = append(out, EventSize)
			out = append(out, p.code, 10, byte(p.dur>>8), byte(p.dur))
			if p.end {
				out[len(out)-3] |= 0x80
			}
		}
		return out
	}
	f.Add(seq(press(1000, 5, 3)...))
	f.Add(seq(concat(press(1000, 1, 2), press(2600, 1, 2), press(4200, 2, 2), press(1000, 1, 2))...))
	f.Add(seq(concat(press(0xFFFFFF00, 3, 2), press(0x100, 4, 2))...))
	f.Add(seq(pkt{ts: 7, code: 7, dur: 0xFFFF}, pkt{ts: 7 + 0xFFFF, code: 7}))
	f.Add([]byte{0, 0, 0, 1, 2, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		var r Receiver
		// At most one digit per run of packets with one timestamp. (Not per
		// distinct timestamp: timestamps MaxLateness apart are each taken
		// as a jump, so A, B, A may give three digits.)
		var last uint32
		changes, digits := 0, 0
		for len(data) >= 5 {
			ts := binary.BigEndian.Uint32(data)
			n := min(int(data[4])%8, len(data)-5)
			payload := data[5 : 5+n]
			data = data[5+n:]

			k, ok, err := r.Push(ts, payload)
			if (err != nil) != (n < EventSize) {
				t.Fatalf("Push(%d bytes) err = %v", n, err)
			}
			if err != nil {
				if !errors.Is(err, ErrShortPayload) || ok {
					t.Fatalf("bad error result: %v %v", ok, err)
				}
				continue
			}
			if changes == 0 || ts != last {
				changes++
				last = ts
			}
			if ok {
				digits++
				if _, valid := KeyToEvent(k); !valid {
					t.Fatalf("emitted non-key %q", k)
				}
				if EventToKeyMust(payload[0]) != k {
					t.Fatalf("emitted %q for event %d", k, payload[0])
				}
			}
			if digits > changes {
				t.Fatalf("%d digits from %d timestamp changes", digits, changes)
			}
			// The same packet again (a retransmission) never emits.
			if _, again, _ := r.Push(ts, payload); again {
				t.Fatal("retransmitted packet emitted a second digit")
			}
		}
	})
}

// EventToKeyMust is EventToKey for codes known to be keys.
func EventToKeyMust(e uint8) byte {
	k, _ := EventToKey(e)
	return k
}

func FuzzParseInfo(f *testing.F) {
	f.Add("application/dtmf-relay", []byte("Signal=5\r\nDuration=160\r\n"))
	f.Add("application/dtmf-relay; charset=x", []byte("signal = 11\nduration=80\n"))
	f.Add("Application/DTMF", []byte(" 7 \r\n"))
	f.Add("application/dtmf-relay", []byte("Signal=1\r\nSignal=2\r\n"))
	f.Add("application/dtmf-relay", []byte("Duration=abc"))
	f.Add("text/plain", []byte("5"))
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		key, dur, err := ParseInfo(ct, body)
		if err != nil {
			switch {
			case errors.Is(err, ErrUnsupportedContentType), errors.Is(err, ErrBodyTooLarge):
			case errors.Is(err, ErrInvalidSignal), errors.Is(err, ErrInvalidDuration):
				msg := lengthNote.ReplaceAllString(err.Error(), "")
				if strings.ContainsAny(msg, "0123456789*#ABCD") {
					t.Fatalf("error leaks a key: %q", err)
				}
			default:
				t.Fatalf("unexpected error %v", err)
			}
			if key != 0 || dur != 0 {
				t.Fatalf("error with key %q dur %v", key, dur)
			}
			return
		}
		if _, ok := KeyToEvent(key); !ok {
			t.Fatalf("returned non-key %q", key)
		}
		if dur < 0 {
			t.Fatalf("negative duration %v", dur)
		}
	})
}

// FuzzDetector checks that any audio is processed without panic and that
// the digits found do not depend on how the audio is cut into frames.
func FuzzDetector(f *testing.F) {
	tone, _ := AppendTone(nil, '7', 60*time.Millisecond, -10)
	raw := make([]byte, 2*len(tone))
	for i, v := range tone {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(v))
	}
	f.Add(raw, uint16(160))
	f.Add([]byte{0xff, 0x7f, 0x00, 0x80}, uint16(1))
	f.Fuzz(func(t *testing.T, data []byte, frame uint16) {
		s := make([]int16, len(data)/2)
		for i := range s {
			s[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		whole := string(NewDetector().Process(nil, s))
		d := NewDetector()
		var split []byte
		step := int(frame%512) + 1
		for i := 0; i < len(s); i += step {
			split = d.Process(split, s[i:min(i+step, len(s))])
		}
		if whole != string(split) {
			t.Fatalf("whole %q, in frames of %d %q", whole, step, split)
		}
		for _, k := range split {
			if _, ok := KeyToEvent(k); !ok {
				t.Fatalf("non-key %q", k)
			}
		}
	})
}
