package hint

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		name, word string
		cands      []string
		want       string
	}{
		{"one typo", "phne", []string{"name", "phone"}, `; did you mean "phone"?`},
		{"exact match is no hint", "phone", []string{"phone"}, ""},
		{"too far", "xyz", []string{"phone"}, ""},
		{"first of equals wins", "ab", []string{"abc", "abd"}, `; did you mean "abc"?`},
		{"short words need a closer match", "a", []string{"b"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, DidYouMean(tc.word, tc.cands, 64))
		})
	}
}
