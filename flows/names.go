package flows

// maxNameLen is the longest flow ID, node name, slot, tag value or queue name.
const maxNameLen = 63

// isFlowID reports whether s matches ^[a-z0-9][a-z0-9-]{0,62}$.
func isFlowID(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] == '-' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// isNodeName reports whether s matches ^[a-z][a-z0-9_]{0,62}$. Slot names
// (collect into, verify inputs) follow the same rule.
func isNodeName(s string) bool {
	if s == "" || len(s) > maxNameLen || !isLower(s[0]) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' {
			return false
		}
	}
	return true
}

// isWord reports whether s matches ^[a-z][a-z0-9_-]*$ (at most 63 bytes):
// the form of tag values, queue names and skills.
func isWord(s string) bool {
	if s == "" || len(s) > maxNameLen || !isLower(s[0]) {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}

// isLanguage reports whether s is a language code such as "en", "es" or
// "es-MX": two or three lowercase letters, optionally a dash and 2 to 8
// letters or digits.
func isLanguage(s string) bool {
	base, region, hasRegion := cut(s, '-')
	if len(base) < 2 || len(base) > 3 {
		return false
	}
	for i := range len(base) {
		if !isLower(base[i]) {
			return false
		}
	}
	if !hasRegion {
		return true
	}
	if len(region) < 2 || len(region) > 8 {
		return false
	}
	for i := range len(region) {
		if c := region[i]; !isLower(c) && !isDigit(c) && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// isDTMFKey reports whether s is one DTMF key: 0-9, *, # or A-D.
func isDTMFKey(s string) bool {
	if len(s) != 1 {
		return false
	}
	c := s[0]
	return isDigit(c) || c == '*' || c == '#' || (c >= 'A' && c <= 'D')
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// cut splits s at the first sep.
func cut(s string, sep byte) (before, after string, found bool) {
	for i := range len(s) {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
