package agents_test

import (
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/agents"
	"github.com/stretchr/testify/require"
)

// Canonical argon2id PHC strings of zero salt and hash (they match no
// password): one at the demo parameters, one below the directory minimum.
var (
	goodHash = "$argon2id$v=19$m=19456,t=2,p=1$" + strings.Repeat("A", 22) + "$" + strings.Repeat("A", 43) //nolint:gochecknoglobals // test constant
	weakHash = "$argon2id$v=19$m=4096,t=3,p=1$" + strings.Repeat("A", 22) + "$" + strings.Repeat("A", 43)  //nolint:gochecknoglobals // test constant
)

// doc joins lines into a YAML source.
func doc(lines ...string) []byte { return []byte(strings.Join(lines, "\n") + "\n") }

// dir is a directory of one agent, alice, at lines 3 to 5, followed by
// more lines.
func dir(more ...string) []byte {
	return doc(append([]string{
		"version: 1", // 1
		"agents:",    // 2
		"  - username: alice",
		"    role: agent",
		"    password_hash: \"" + goodHash + "\"", // 5
	}, more...)...)
}

func demoAgents(tb testing.TB) []agents.Agent {
	tb.Helper()
	a, err := agents.LoadDemo()
	require.NoError(tb, err)
	return a
}
