package agents

import (
	_ "embed"
	"fmt"
)

//go:embed demo-agents.yaml
var demoAgentsYAML []byte //nolint:gochecknoglobals // embedded asset

// LoadDemo returns the bundled demo users (demo-agents.yaml): alice (agent;
// scheduling, billing), bob (agent with clinical clearance; pharmacy,
// nurse), sam (supervisor), ada (admin) and otto (ops). Each password is
// "<username>-demo-1", stored only as an argon2id hash; none has a TOTP
// secret or a static contact. They are public credentials, for demo mode
// only. It fails only if the embedded file is broken, which the package's
// tests rule out.
func LoadDemo() ([]Agent, error) {
	a, err := ParseDirectory(demoAgentsYAML)
	if err != nil {
		return nil, fmt.Errorf("agents: demo directory: %w", err)
	}
	return a, nil
}
