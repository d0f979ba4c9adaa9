package sip

import "strings"

// cutParams splits "type/sub; a=b" into the lower-case media type and the rest.
func cutParams(v string) (mediaType, params string, hadParams bool) {
	mt, rest, ok := strings.Cut(v, ";")
	return strings.ToLower(strings.TrimSpace(mt)), rest, ok
}
