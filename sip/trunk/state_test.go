package trunk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestStateString(t *testing.T) {
	tests := []struct {
		s         State
		want      string
		answering bool
	}{
		{StateUnknown, "unknown", false},
		{StateUp, "up", true},
		{StateDegraded, "degraded", true},
		{StateDown, "down", false},
		{State(99), "unknown", false},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.s.String())
			assert.Equal(t, tc.answering, tc.s.Answering())
		})
	}
	assert.Len(t, States(), 4)
}
