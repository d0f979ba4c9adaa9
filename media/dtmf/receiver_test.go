package dtmf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pkt is one telephone-event packet: RTP timestamp and payload fields.
type pkt struct {
	ts   uint32
	code uint8
	end  bool
	dur  uint16
}

func (p pkt) payload(t testing.TB) []byte {
	t.Helper()
	b := make([]byte, EventSize)
	_, err := Event{Code: p.code, End: p.end, Volume: 10, Duration: p.dur}.MarshalTo(b)
	require.NoError(t, err)
	return b
}

// press renders one event the way SIPp and most phones send it: a first
// packet with duration 0, one packet per 20 ms, then the end packet 3x.
func press(ts uint32, code uint8, frames int) []pkt {
	ps := make([]pkt, 0, frames+4)
	for i := range frames + 1 {
		ps = append(ps, pkt{ts: ts, code: code, dur: uint16(160 * i)})
	}
	for range 3 {
		ps = append(ps, pkt{ts: ts, code: code, end: true, dur: uint16(160 * (frames + 1))})
	}
	return ps
}

// keep returns the packets of ps for which f is true.
func keep(ps []pkt, f func(pkt) bool) []pkt {
	var out []pkt
	for _, p := range ps {
		if f(p) {
			out = append(out, p)
		}
	}
	return out
}

func noEnd(p pkt) bool   { return !p.end }
func onlyEnd(p pkt) bool { return p.end }

func concat(parts ...[]pkt) []pkt {
	var out []pkt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestReceiver(t *testing.T) {
	const step = uint32(1600)  // 200 ms between presses
	wrap := uint32(0xFFFFFF00) // a variable: wrap+step wraps at run time
	cases := []struct {
		name string
		pkts []pkt
		want string
	}{
		{"one press", press(1000, 5, 5), "5"},
		{"first packet duration 0 alone", []pkt{{ts: 1000, code: 7, dur: 0}}, "7"},
		{"digit emitted on first packet with duration 0", press(1000, 8, 0)[:1], "8"},
		{"every end packet lost", keep(press(1000, 3, 5), noEnd), "3"},
		{"first packets lost, only end packets", keep(press(1000, 4, 5), onlyEnd), "4"},
		{"first packets lost, later packets", press(1000, 6, 8)[4:], "6"},
		{"end packet sent 3x", concat(press(1000, 9, 2), press(1000, 9, 2)[3:]), "9"},
		{"long press 5 s", press(1000, 0, 250), "0"},
		{"1122 distinct timestamps", concat(
			press(1000, 1, 4), press(1000+step, 1, 4), press(1000+2*step, 2, 4), press(1000+3*step, 2, 4)), "1122"},
		{"1122 with every end packet lost", keep(concat(
			press(1000, 1, 4), press(1000+step, 1, 4), press(1000+2*step, 2, 4), press(1000+3*step, 2, 4)), noEnd), "1122"},
		{"1122 with only end packets", keep(concat(
			press(1000, 1, 4), press(1000+step, 1, 4), press(1000+2*step, 2, 4), press(1000+3*step, 2, 4)), onlyEnd), "1122"},
		{"late retransmission of old event", concat(
			press(1000, 1, 3), press(1000+step, 2, 3), keep(press(1000, 1, 3), onlyEnd)), "12"},
		{"late retransmission of old event with same key", concat(
			press(1000, 1, 3), press(1000+step, 1, 3), press(1000, 1, 3)), "11"},
		{"reordered: end of previous event after next start", concat(
			press(1000, 1, 3)[:2], press(1000+step, 2, 3)[:1], press(1000, 1, 3)[2:], press(1000+step, 2, 3)[1:]), "12"},
		{"timestamp wraparound", concat(press(wrap, 1, 3), press(wrap+step, 2, 3), press(wrap+2*step, 3, 3)), "123"},
		{"old retransmission across wraparound", concat(
			press(wrap, 1, 3), press(wrap+step, 2, 3), keep(press(wrap, 1, 3), onlyEnd)), "12"},
		{"start at timestamp 0", press(0, 4, 3), "4"},
		{"packet MaxLateness old is a late retransmission", concat(
			press(1<<20, 1, 3), press(1<<20-MaxLateness, 1, 3)), "1"},
		{"timestamps jumped back further than MaxLateness", concat(
			press(1<<20, 1, 3), press(1<<20-MaxLateness-1, 2, 3), press(1<<20-MaxLateness+step, 3, 3)), "123"},
		{"timestamps alternating 2^31 apart are jumps, not retransmissions", concat(
			press(5000, 1, 1), press(5000+1<<31, 2, 1), press(5000, 1, 1)), "121"},
		{"timestamps jumped forward by 2^31+1", concat(
			press(5000, 1, 3), press(5000+1<<31+1, 2, 3)), "12"},
		{"unknown event codes ignored", concat(press(1000, 16, 3), press(1000+step, 5, 3), press(1000+2*step, 40, 3), press(1000+3*step, 255, 3)), "5"},
		{"unknown event then its retransmission", concat(press(1000, 16, 3), press(1000, 16, 3)), ""},
		{"long-duration event segments stay one digit", []pkt{
			{ts: 1000, code: 7}, {ts: 1000, code: 7, dur: 0xFF00}, {ts: 1000, code: 7, dur: 0xFFFF},
			{ts: 1000 + 0xFFFF, code: 7, dur: 160}, {ts: 1000 + 0xFFFF, code: 7, end: true, dur: 320},
			{ts: 1000 + 0xFFFF + step, code: 7}, // a new press
		}, "77"},
		{"new event after 0xFFFF duration but with E bit", []pkt{
			{ts: 1000, code: 7, dur: 0xFFFF, end: true}, {ts: 1000 + 0xFFFF, code: 7, dur: 160},
		}, "77"},
		{"same timestamp other code is the same event", []pkt{{ts: 1000, code: 1}, {ts: 1000, code: 2}}, "1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r Receiver
			var got []byte
			for _, p := range tc.pkts {
				k, ok, err := r.Push(p.ts, p.payload(t))
				require.NoError(t, err)
				if ok {
					got = append(got, k)
				}
			}
			assert.Equal(t, tc.want, string(got))
		})
	}
}

func TestReceiverShortPayload(t *testing.T) {
	var r Receiver
	k, ok, err := r.Push(1000, []byte{1, 2, 3})
	require.ErrorIs(t, err, ErrShortPayload)
	assert.False(t, ok)
	assert.Zero(t, k)
	// The bad packet did not consume the timestamp.
	k, ok, err = r.Push(1000, pkt{ts: 1000, code: 3}.payload(t))
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, byte('3'), k)
	_, _, err = r.Push(2000, nil)
	require.ErrorIs(t, err, ErrShortPayload)
}

func TestReceiverReset(t *testing.T) {
	var r Receiver
	p := pkt{ts: 5000, code: 11}.payload(t)
	_, ok, err := r.Push(5000, p)
	require.NoError(t, err)
	require.True(t, ok)
	_, ok, _ = r.Push(5000, p)
	require.False(t, ok)
	r.Reset()
	assert.Equal(t, Receiver{}, r)
	k, ok, err := r.Push(5000, p)
	require.NoError(t, err)
	assert.True(t, ok, "after Reset the same timestamp is a new event (new stream)")
	assert.Equal(t, byte('#'), k)
	// After Reset an older timestamp is accepted too.
	r.Reset()
	_, ok, _ = r.Push(100, p)
	assert.True(t, ok)
}
