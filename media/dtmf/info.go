package dtmf

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SIP INFO content types understood by ParseInfo.
const (
	// ContentTypeDTMFRelay is the de-facto standard body of Cisco and most
	// phones: "Signal=5\r\nDuration=160\r\n".
	ContentTypeDTMFRelay = "application/dtmf-relay"
	// ContentTypeDTMF is the bare body carrying just the key, e.g. "5".
	ContentTypeDTMF = "application/dtmf"
)

// MaxInfoBody is the longest INFO body ParseInfo reads.
const MaxInfoBody = 1024

// maxTypeInError bounds how much of a bad Content-Type an error repeats.
const maxTypeInError = 64

// ParseInfo extracts the key, and the duration when the body gives one,
// from a SIP INFO request.
//
// contentType is the Content-Type header value; parameters
// ("application/dtmf-relay; charset=x") and letter case are ignored.
//
// application/dtmf-relay: lines "Signal=<key>" and optionally
// "Duration=<ms>", separated by \n or \r\n, keys case-insensitive, spaces
// allowed around names and values, unknown lines ignored. The signal is a
// key 0-9 * # A-D (a-d accepted), or an event number 10-15 as some phones
// send for * # A-D.
//
// application/dtmf: the body is just the key (or event number), surrounded
// by optional white space; dur is then 0.
//
// Errors: ErrUnsupportedContentType, ErrInvalidSignal (missing, repeated or
// not a key), ErrInvalidDuration and ErrBodyTooLarge. No error message
// contains the body or the signal value.
func ParseInfo(contentType string, body []byte) (key byte, dur time.Duration, err error) {
	mediaType, _, _ := strings.Cut(contentType, ";")
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if mediaType != ContentTypeDTMFRelay && mediaType != ContentTypeDTMF {
		if len(mediaType) > maxTypeInError {
			mediaType = mediaType[:maxTypeInError] + "..."
		}
		return 0, 0, fmt.Errorf("%w: %q", ErrUnsupportedContentType, mediaType)
	}
	if len(body) > MaxInfoBody {
		return 0, 0, fmt.Errorf("%w: %d bytes, max %d", ErrBodyTooLarge, len(body), MaxInfoBody)
	}
	if mediaType == ContentTypeDTMF {
		key, err = parseSignal(bytes.TrimSpace(body))
		return key, 0, err
	}
	return parseRelay(body)
}

// parseRelay parses an application/dtmf-relay body.
func parseRelay(body []byte) (key byte, dur time.Duration, err error) {
	var haveSignal, haveDuration bool
	for len(body) > 0 {
		var line []byte
		line, body, _ = bytes.Cut(body, []byte{'\n'})
		name, value, ok := bytes.Cut(line, []byte{'='})
		if !ok {
			continue
		}
		name, value = bytes.TrimSpace(name), bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("signal")):
			if haveSignal {
				return 0, 0, fmt.Errorf("%w: more than one signal line", ErrInvalidSignal)
			}
			haveSignal = true
			if key, err = parseSignal(value); err != nil {
				return 0, 0, err
			}
		case bytes.EqualFold(name, []byte("duration")):
			if haveDuration {
				return 0, 0, fmt.Errorf("%w: more than one duration line", ErrInvalidDuration)
			}
			haveDuration = true
			ms, perr := strconv.ParseUint(string(value), 10, 32)
			if perr != nil {
				return 0, 0, fmt.Errorf("%w: duration is not a number of milliseconds (%d bytes)", ErrInvalidDuration, len(value))
			}
			dur = time.Duration(ms) * time.Millisecond
		}
	}
	if !haveSignal {
		return 0, 0, fmt.Errorf("%w: no signal line", ErrInvalidSignal)
	}
	return key, dur, nil
}

// parseSignal maps a signal value to a key: one key character (a-d folded
// to upper case) or an event number 10-15.
func parseSignal(v []byte) (byte, error) {
	switch len(v) {
	case 0:
		return 0, fmt.Errorf("%w: empty signal", ErrInvalidSignal)
	case 1:
		k := v[0]
		if k >= 'a' && k <= 'd' {
			k -= 'a' - 'A'
		}
		if _, ok := KeyToEvent(k); ok {
			return k, nil
		}
	case 2:
		if v[0] == '1' && v[1] >= '0' && v[1] <= '5' {
			return Keys[10+v[1]-'0'], nil
		}
	}
	return 0, fmt.Errorf("%w: signal is not a dtmf key (%d bytes)", ErrInvalidSignal, len(v))
}
