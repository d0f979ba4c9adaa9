package policy

import "github.com/callgate/callgate/internal/hint"

// didYouMean returns `; did you mean "x"?` for the closest candidate, or "".
func didYouMean(word string, candidates []string) string {
	return hint.DidYouMean(word, candidates, maxNameLen)
}
