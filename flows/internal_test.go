package flows

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNames(t *testing.T) {
	cases := []struct {
		name  string
		check func(string) bool
		in    string
		want  bool
	}{
		{"flow id", isFlowID, "member-services", true},
		{"flow id digit first", isFlowID, "911-line", true},
		{"flow id dash first", isFlowID, "-x", false},
		{"flow id upper", isFlowID, "Member", false},
		{"flow id underscore", isFlowID, "a_b", false},
		{"node name", isNodeName, "self_member_id", true},
		{"node name digit first", isNodeName, "1st", false},
		{"node name dash", isNodeName, "a-b", false},
		{"node name 63", isNodeName, "a" + repeat('b', 62), true},
		{"node name 64", isNodeName, repeat('a', 64), false},
		{"word", isWord, "no-family-disclosure", true},
		{"word upper", isWord, "Billing", false},
		{"language", isLanguage, "en", true},
		{"language region", isLanguage, "es-MX", true},
		{"language upper", isLanguage, "EN", false},
		{"language long", isLanguage, "english", false},
		{"key digit", isDTMFKey, "7", true},
		{"key hash", isDTMFKey, "#", true},
		{"key D", isDTMFKey, "D", true},
		{"key E", isDTMFKey, "E", false},
		{"key two", isDTMFKey, "11", false},
		{"prompt", isPromptName, "verify_failed_transfer", true},
		{"prompt path", isPromptName, "../x", false},
		{"sip", isSIPURI, "sip:nurse@pbx.example.org", true},
		{"sips with port and params", isSIPURI, "sips:+15551234@trunk.example.net:5061;transport=tls", true},
		{"sip host only", isSIPURI, "sip:pbx.example.org", true},
		{"sip no host", isSIPURI, "sip:nurse@", false},
		{"sip space", isSIPURI, "sip:a b@x", false},
		{"tel", isSIPURI, "tel:+15551234", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.check(tc.in), "%q", tc.in)
		})
	}
}

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func TestDidYouMean(t *testing.T) {
	cases := []struct {
		name       string
		word       string
		candidates []string
		want       string
	}{
		{"transposed", "choises", []string{"prompts", "choices"}, `; did you mean "choices"?`},
		{"missing letter", "goodby", []string{"goodbye"}, `; did you mean "goodbye"?`},
		{"too far", "zzz", []string{"choices"}, ""},
		{"short word", "a", []string{"b"}, ""},
		{"exact is not a hint", "next", []string{"next"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, didYouMean(tc.word, tc.candidates))
		})
	}
}

func TestComponents(t *testing.T) {
	adj := map[string][]string{"a": {"b"}, "b": {"c", "a"}, "c": {"c"}, "d": {"a"}}
	got := components([]string{"a", "b", "c", "d"}, adj)
	assert.ElementsMatch(t, [][]string{{"c"}, {"b", "a"}, {"d"}}, got)
	assert.Equal(t, []string{"a", "b", "a"}, shortestCycle("a", adj, []string{"a", "b"}))
	assert.Equal(t, []string{"c", "c"}, shortestCycle("c", adj, []string{"c"}))
}

func TestArticle(t *testing.T) {
	for word, want := range map[string]string{"menu": "a", "identity": "an", "hours": "an", "rep_code": "a", "": "a"} {
		assert.Equal(t, want, article(word), word)
	}
}
