package dtmf

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		ev   Event
		wire []byte
	}{
		{"digit 5 start", Event{Code: 5, Volume: 10}, []byte{5, 0x0a, 0, 0}},
		{"digit 1 duration 160", Event{Code: 1, Volume: 10, Duration: 160}, []byte{1, 0x0a, 0x00, 0xa0}},
		{"pound end", Event{Code: 11, End: true, Volume: 7, Duration: 800}, []byte{11, 0x87, 0x03, 0x20}},
		{"D max values", Event{Code: 15, End: true, Volume: 63, Duration: 0xffff}, []byte{15, 0xbf, 0xff, 0xff}},
		{"flash event 16", Event{Code: 16, Volume: 0, Duration: 1}, []byte{16, 0x00, 0x00, 0x01}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b [EventSize]byte
			n, err := tc.ev.MarshalTo(b[:])
			require.NoError(t, err)
			assert.Equal(t, EventSize, n)
			assert.Equal(t, tc.wire, b[:])
			got, err := ParseEvent(tc.wire)
			require.NoError(t, err)
			assert.Equal(t, tc.ev, got)
		})
	}
}

func TestParseEvent(t *testing.T) {
	t.Run("reserved bit ignored", func(t *testing.T) {
		got, err := ParseEvent([]byte{3, 0x40 | 0x80 | 12, 0, 80})
		require.NoError(t, err)
		assert.Equal(t, Event{Code: 3, End: true, Volume: 12, Duration: 80}, got)
	})
	t.Run("trailing bytes ignored", func(t *testing.T) {
		got, err := ParseEvent([]byte{9, 10, 1, 0, 0xde, 0xad})
		require.NoError(t, err)
		assert.Equal(t, Event{Code: 9, Volume: 10, Duration: 256}, got)
	})
	for _, n := range []int{0, 1, 2, 3} {
		t.Run("short payload", func(t *testing.T) {
			_, err := ParseEvent(make([]byte, n))
			require.ErrorIs(t, err, ErrShortPayload)
			assert.Contains(t, err.Error(), "need 4")
		})
	}
}

func TestEventMarshalErrors(t *testing.T) {
	cases := []struct {
		name string
		ev   Event
		buf  int
		want error
	}{
		{"short buffer", Event{Code: 1}, 3, ErrShortBuffer},
		{"nil buffer", Event{Code: 1}, 0, ErrShortBuffer},
		{"volume 64", Event{Code: 1, Volume: 64}, 4, ErrInvalidVolume},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := tc.ev.MarshalTo(make([]byte, tc.buf))
			require.ErrorIs(t, err, tc.want)
			assert.Zero(t, n)
		})
	}
	t.Run("longer buffer writes 4 bytes", func(t *testing.T) {
		b := []byte{9, 9, 9, 9, 9, 9}
		n, err := Event{Code: 2, Duration: 1}.MarshalTo(b)
		require.NoError(t, err)
		assert.Equal(t, 4, n)
		assert.Equal(t, []byte{2, 0, 0, 1, 9, 9}, b)
	})
	t.Run("no allocation", func(t *testing.T) {
		var b [EventSize]byte
		e := Event{Code: 4, End: true, Volume: 10, Duration: 480}
		assert.Zero(t, testing.AllocsPerRun(100, func() { _, _ = e.MarshalTo(b[:]) }))
	})
}
