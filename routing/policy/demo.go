package policy

import (
	"bytes"
	_ "embed"
	"fmt"
)

//go:embed demo-policy.yaml
var demoPolicyYAML []byte //nolint:gochecknoglobals // embedded asset

// DemoSource returns a copy of the bundled demo policy's YAML
// (demo-policy.yaml), the table in DESIGN.md § Demo data.
func DemoSource() []byte { return bytes.Clone(demoPolicyYAML) }

// LoadDemo parses the bundled demo policy. It fails only if the embedded
// file is broken, which the package's tests rule out.
func LoadDemo() (*Policy, error) {
	p, err := Parse(demoPolicyYAML)
	if err != nil {
		return nil, fmt.Errorf("policy: demo policy: %w", err)
	}
	return p, nil
}
