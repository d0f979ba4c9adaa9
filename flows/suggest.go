package flows

import "github.com/callgate/callgate/internal/hint"

// didYouMean returns `; did you mean "x"?` for the closest candidate, or "".
// Candidates are tried in order, so the first of equally close ones wins.
func didYouMean(word string, candidates []string) string {
	return hint.DidYouMean(word, candidates, maxNameLen)
}
