package agents_test

import (
	"testing"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemoDirectory(t *testing.T) {
	got := demoAgents(t)
	type shape struct {
		Username, Role string
		Skills         []string
		Clinical       bool
	}
	want := []shape{
		{"alice", "agent", []string{"scheduling", "billing"}, false},
		{"bob", "agent", []string{"pharmacy", "nurse"}, true},
		{"sam", "supervisor", nil, false},
		{"ada", "admin", nil, false},
		{"otto", "ops", nil, false},
	}
	require.Len(t, got, len(want))
	for i, a := range got {
		assert.Equal(t, want[i], shape{a.Username, a.Role, a.Skills, a.Clinical})
		assert.Empty(t, a.TOTPSecret, "demo users have no TOTP")
		assert.Empty(t, a.Contact)
		assert.Contains(t, a.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$")
		assert.NotContains(t, a.PasswordHash, a.Username+"-demo-1")
	}
}

// TestDemoPasswords verifies each demo password and rejects near misses
// (argon2id at the demo cost: about 20 ms each, more under -race).
func TestDemoPasswords(t *testing.T) {
	for _, a := range demoAgents(t) {
		t.Run(a.Username, func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				password string
				want     bool
			}{
				{a.Username + "-demo-1", true},
				{a.Username + "-demo-2", false},
				{a.Username + "-demo-1 ", false},
				{"alice-demo-1x", false},
				{"", false},
			} {
				if a.Username == "alice" && tc.password == "alice-demo-1x" {
					tc.password = "bob-demo-1" // another user's password
				}
				ok, err := agents.VerifyPassword(a.PasswordHash, []byte(tc.password))
				require.NoError(t, err)
				assert.Equal(t, tc.want, ok, "%q", tc.password)
			}
		})
	}
}
