package agents_test

import (
	"crypto/rand"
	"os"
	"testing"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/require"
)

// demoUsers are the demo users of DESIGN.md § Demo data; each one's
// password is "<name>-demo-1".
var demoUsers = []string{"alice", "bob", "sam", "ada", "otto"} //nolint:gochecknoglobals // test table

// TestGenerateDemoHashes prints fresh password_hash lines for
// demo-agents.yaml. It runs only when asked:
//
//	CALLGATE_GEN_DEMO_AGENTS=1 go test -run TestGenerateDemoHashes -v ./routing/agents/
//
// and paste the lines into the file; TestDemoDirectory proves them.
func TestGenerateDemoHashes(t *testing.T) {
	if os.Getenv("CALLGATE_GEN_DEMO_AGENTS") != "1" {
		t.Skip("set CALLGATE_GEN_DEMO_AGENTS=1 to print new demo password hashes")
	}
	for _, name := range demoUsers {
		phc, err := agents.HashPassword(rand.Reader, []byte(name+"-demo-1"), agents.DefaultArgon2Params())
		require.NoError(t, err)
		t.Logf("%s:\n    password_hash: %q", name, phc)
	}
}
