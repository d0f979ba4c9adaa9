package dtmf

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestKeyEventMapping(t *testing.T) {
	cases := []struct {
		name  string
		key   byte
		event uint8
	}{
		{"zero", '0', 0}, {"one", '1', 1}, {"five", '5', 5}, {"nine", '9', 9},
		{"star", '*', 10}, {"pound", '#', 11},
		{"A", 'A', 12}, {"B", 'B', 13}, {"C", 'C', 14}, {"D", 'D', 15},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, ok := KeyToEvent(tc.key)
			assert.True(t, ok)
			assert.Equal(t, tc.event, e)
			k, ok := EventToKey(tc.event)
			assert.True(t, ok)
			assert.Equal(t, tc.key, k)
		})
	}
	t.Run("all keys round trip", func(t *testing.T) {
		for i := range len(Keys) {
			e, ok := KeyToEvent(Keys[i])
			assert.True(t, ok)
			assert.Equal(t, uint8(i), e)
			r, c, ok := keyFreqs(Keys[i])
			assert.True(t, ok)
			assert.Contains(t, rowFreqs, r)
			assert.Contains(t, colFreqs, c)
		}
	})
	for _, k := range []byte{0, ' ', 'a', 'd', 'E', 'e', '+', '/', ':', 0xff} {
		t.Run("not a key "+string(rune(k)), func(t *testing.T) {
			_, ok := KeyToEvent(k)
			assert.False(t, ok)
			_, _, ok = keyFreqs(k)
			assert.False(t, ok)
		})
	}
	for _, e := range []uint8{16, 17, 32, 255} {
		t.Run("not a key event", func(t *testing.T) {
			_, ok := EventToKey(e)
			assert.False(t, ok, "event %d", e)
		})
	}
}

func TestSourceString(t *testing.T) {
	cases := []struct {
		name string
		s    Source
		want string
	}{
		{"rfc4733", SourceRFC4733, "rfc4733"},
		{"info", SourceInfo, "info"},
		{"inband", SourceInband, "inband"},
		{"zero", 0, "source(0)"},
		{"unknown", 9, "source(9)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.s.String())
		})
	}
}
