package twilioverify

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestE164(t *testing.T) {
	valid := []struct{ in, want string }{
		{"+1 217 555 0117", "+12175550117"},
		{"+1 207 555 0190 (mobile)", "+12075550190"},
		{"+1 (207) 555-0190", "+12075550190"},
		{"+44 20 7946 0958", "+442079460958"},
		{" +12175550117 ", "+12175550117"},
		{"+1.217.555.0117 ext. 12", "+12175550117"},
	}
	for _, tc := range valid {
		t.Run("valid/"+tc.in, func(t *testing.T) {
			got, ok := E164(tc.in)
			assert.True(t, ok)
			assert.Equal(t, tc.want, got)
		})
	}
	invalid := []string{
		"", "217 555 0117", "(217) 555-0117", "+", "+0 217 555 0117", "+1 555", "+1234567890123456",
		"+1 217 555 0117 +1", "++1 217 555 0117", "+1 217 555 0117;x", "mobile +1 217 555 0117",
	}
	for _, in := range invalid {
		t.Run("invalid/"+in, func(t *testing.T) {
			got, ok := E164(in)
			assert.False(t, ok)
			assert.Empty(t, got)
		})
	}
}
