package dtmf

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseInfo(t *testing.T) {
	const relay, bare = "application/dtmf-relay", "application/dtmf"
	cases := []struct {
		name string
		ct   string
		body string
		key  byte
		dur  time.Duration
	}{
		{"relay crlf", relay, "Signal=5\r\nDuration=160\r\n", '5', 160 * time.Millisecond},
		{"relay lf", relay, "Signal=9\nDuration=250\n", '9', 250 * time.Millisecond},
		{"relay no trailing newline", relay, "Signal=1\r\nDuration=100", '1', 100 * time.Millisecond},
		{"relay without duration", relay, "Signal=0\r\n", '0', 0},
		{"relay duration first", relay, "Duration=80\r\nSignal=#\r\n", '#', 80 * time.Millisecond},
		{"relay spaces", relay, "  Signal = *  \r\n Duration =  120 \r\n", '*', 120 * time.Millisecond},
		{"relay case-insensitive names", relay, "SIGNAL=A\r\nduration=60\r\n", 'A', 60 * time.Millisecond},
		{"relay lower-case key", relay, "signal=d\r\n", 'D', 0},
		{"relay event number 10 is star", relay, "Signal=10\r\nDuration=160\r\n", '*', 160 * time.Millisecond},
		{"relay event number 11 is pound", relay, "Signal=11\r\n", '#', 0},
		{"relay event number 12 is A", relay, "Signal=12\r\n", 'A', 0},
		{"relay event number 15 is D", relay, "Signal=15\r\n", 'D', 0},
		{"relay unknown lines ignored", relay, "Foo=bar\r\njunk\r\nSignal=7\r\n\r\n", '7', 0},
		{"relay duration 0", relay, "Signal=3\r\nDuration=0\r\n", '3', 0},
		{"content type with parameters", "application/dtmf-relay; charset=utf-8", "Signal=2\r\n", '2', 0},
		{"content type upper case", "Application/DTMF-Relay", "Signal=4\r\n", '4', 0},
		{"content type spaces", "  application/dtmf-relay ;x=y", "Signal=6", '6', 0},
		{"bare key", bare, "5", '5', 0},
		{"bare key with whitespace", bare, " \r\n#\r\n", '#', 0},
		{"bare event number", bare, "11", '#', 0},
		{"bare upper case type", "APPLICATION/DTMF", "B", 'B', 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, dur, err := ParseInfo(tc.ct, []byte(tc.body))
			require.NoError(t, err)
			assert.Equal(t, string(tc.key), string(key))
			assert.Equal(t, tc.dur, dur)
		})
	}
}

// lengthNote is the only number an error may carry.
var lengthNote = regexp.MustCompile(`\(\d+ bytes\)|\d+ bytes, max \d+`)

// assertNoSecret checks that an error message carries no DTMF key value.
func assertNoSecret(t testing.TB, err error) {
	t.Helper()
	msg := lengthNote.ReplaceAllString(err.Error(), "")
	assert.False(t, strings.ContainsAny(msg, "0123456789*#ABCD"), "error leaks a key: %q", err.Error())
}

func TestParseInfoErrors(t *testing.T) {
	const relay, bare = "application/dtmf-relay", "application/dtmf"
	cases := []struct {
		name string
		ct   string
		body string
		want error
	}{
		{"unknown content type", "text/plain", "Signal=5", ErrUnsupportedContentType},
		{"empty content type", "", "Signal=5", ErrUnsupportedContentType},
		{"prefix of type", "application/dtmf-relayx", "Signal=5", ErrUnsupportedContentType},
		{"relay empty body", relay, "", ErrInvalidSignal},
		{"relay missing signal", relay, "Duration=160\r\n", ErrInvalidSignal},
		{"relay empty signal", relay, "Signal=\r\n", ErrInvalidSignal},
		{"relay signal not a key", relay, "Signal=x\r\n", ErrInvalidSignal},
		{"relay signal two keys", relay, "Signal=55\r\n", ErrInvalidSignal},
		{"relay signal 16 flash", relay, "Signal=16\r\n", ErrInvalidSignal},
		{"relay signal E", relay, "Signal=E\r\n", ErrInvalidSignal},
		{"relay two signal lines", relay, "Signal=1\r\nSignal=2\r\n", ErrInvalidSignal},
		{"relay bad duration", relay, "Signal=1\r\nDuration=abc\r\n", ErrInvalidDuration},
		{"relay negative duration", relay, "Signal=1\r\nDuration=-5\r\n", ErrInvalidDuration},
		{"relay huge duration", relay, "Signal=1\r\nDuration=99999999999\r\n", ErrInvalidDuration},
		{"relay two duration lines", relay, "Signal=1\r\nDuration=1\r\nDuration=2\r\n", ErrInvalidDuration},
		{"bare empty", bare, "  \r\n", ErrInvalidSignal},
		{"bare two keys", bare, "1 2", ErrInvalidSignal},
		{"bare relay body", bare, "Signal=5", ErrInvalidSignal},
		{"body too large", relay, "Signal=5\r\n" + strings.Repeat(" ", MaxInfoBody), ErrBodyTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			key, dur, err := ParseInfo(tc.ct, []byte(tc.body))
			require.ErrorIs(t, err, tc.want)
			assert.Zero(t, key)
			assert.Zero(t, dur)
			if tc.want != ErrUnsupportedContentType {
				assertNoSecret(t, err)
				if b := strings.TrimSpace(tc.body); b != "" {
					assert.NotContains(t, err.Error(), b)
				}
			}
		})
	}
	t.Run("content type is named in the error", func(t *testing.T) {
		_, _, err := ParseInfo("Text/Plain; charset=x", nil)
		require.ErrorIs(t, err, ErrUnsupportedContentType)
		assert.Contains(t, err.Error(), `"text/plain"`)
	})
	t.Run("long content type is truncated in the error", func(t *testing.T) {
		_, _, err := ParseInfo(strings.Repeat("x", 500), nil)
		require.ErrorIs(t, err, ErrUnsupportedContentType)
		assert.Less(t, len(err.Error()), 120)
	})
}
