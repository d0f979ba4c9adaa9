package dtmf

// Keys are the 16 DTMF keys in RFC 4733 event-code order: event code i is
// Keys[i] (0-9, 10='*', 11='#', 12-15='A'-'D').
const Keys = "0123456789*#ABCD"

// Nominal DTMF frequencies in Hz (ITU-T Q.23).
var (
	rowFreqs = [4]float64{697, 770, 852, 941}
	colFreqs = [4]float64{1209, 1336, 1477, 1633}
)

// keypad maps [row][column] to the key.
var keypad = [4][4]byte{
	{'1', '2', '3', 'A'},
	{'4', '5', '6', 'B'},
	{'7', '8', '9', 'C'},
	{'*', '0', '#', 'D'},
}

// KeyToEvent returns the RFC 4733 event code of a DTMF key. Lower-case
// 'a'-'d' are not keys.
func KeyToEvent(k byte) (uint8, bool) {
	switch {
	case k >= '0' && k <= '9':
		return k - '0', true
	case k == '*':
		return 10, true
	case k == '#':
		return 11, true
	case k >= 'A' && k <= 'D':
		return 12 + k - 'A', true
	default:
		return 0, false
	}
}

// EventToKey returns the DTMF key of an RFC 4733 event code 0-15. Other
// codes (flash, line tones, ...) are not keys.
func EventToKey(e uint8) (byte, bool) {
	if int(e) >= len(Keys) {
		return 0, false
	}
	return Keys[e], true
}

// keyFreqs returns the row and column frequencies of a key.
func keyFreqs(k byte) (row, col float64, ok bool) {
	for r := range keypad {
		for c := range keypad[r] {
			if keypad[r][c] == k {
				return rowFreqs[r], colFreqs[c], true
			}
		}
	}
	return 0, 0, false
}
