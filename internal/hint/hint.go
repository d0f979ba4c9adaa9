// Package hint gives "did you mean" suggestions for misspelled names in
// strictly parsed input (flows, the agent directory and the disclosure
// policy).
package hint

import "strconv"

// maxSuggestDistance is the largest edit distance at which a misspelled
// name still gets a "did you mean" hint.
const maxSuggestDistance = 2

// DidYouMean returns `; did you mean "x"?` for the candidate closest to
// word, or "" when none is close. The first of equally close ones wins.
// Words longer than 2*maxLen are not compared.
func DidYouMean(word string, candidates []string, maxLen int) string {
	best, bestDist := "", maxSuggestDistance+1
	for _, c := range candidates {
		if c == word {
			continue
		}
		if d := editDistance(word, c, bestDist, maxLen); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist >= len(word) {
		return ""
	}
	return "; did you mean " + strconv.Quote(best) + "?"
}

// editDistance is the Levenshtein distance between a and b, or limit when
// it is limit or more (long words are not compared in full).
func editDistance(a, b string, limit, maxLen int) int {
	if len(a)-len(b) >= limit || len(b)-len(a) >= limit || len(a) > 2*maxLen || len(b) > 2*maxLen {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
