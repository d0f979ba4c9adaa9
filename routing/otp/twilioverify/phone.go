package twilioverify

// E.164 bounds: a country code and subscriber number of at most 15 digits.
const (
	minE164Digits = 8
	maxE164Digits = 15
)

// E164 turns a phone number as kept on file into E.164 (+CCNNN...), or
// reports false. The number must be in international form (start with +);
// spaces, dashes, dots and parentheses are ignored, and a trailing note
// such as "(mobile)" or "ext. 12" ends it. Nothing guesses a country.
//
//	"+1 217 555 0117"          -> "+12175550117"
//	"+1 (207) 555-0190 (mobile)" -> "+12075550190"
//	"217 555 0117"             -> false (no country code)
func E164(s string) (string, bool) {
	out := make([]byte, 0, maxE164Digits+1)
	seenPlus := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+' && !seenPlus && len(out) == 0:
			seenPlus = true
			out = append(out, c)
		case c >= '0' && c <= '9':
			if !seenPlus {
				return "", false
			}
			out = append(out, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t':
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			i = len(s) // a note: the number has ended
		default:
			return "", false
		}
	}
	digits := len(out) - 1
	if !seenPlus || digits < minE164Digits || digits > maxE164Digits || out[1] == '0' {
		return "", false
	}
	return string(out), true
}
