package flows

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// UnmarshalYAML decodes a choice written as a node name or as
// {next: node, set: {tag: value}}.
func (c *Choice) UnmarshalYAML(v *yaml.Node) error {
	p := &parser{pos: Positions{}}
	parsed, ok := p.choice(v, "", "")
	if len(p.errs) > 0 || !ok {
		msg := "empty choice"
		if len(p.errs) > 0 {
			msg = p.errs[0].Error()
		}
		return fmt.Errorf("%w: %s", ErrInvalidChoice, msg)
	}
	*c = parsed
	return nil
}

// MarshalYAML encodes a choice that sets no tags as its node name.
func (c Choice) MarshalYAML() (any, error) {
	if len(c.Set) == 0 {
		return c.Next, nil
	}
	return struct {
		Next string            `yaml:"next"`
		Set  map[string]string `yaml:"set"`
	}{c.Next, c.Set}, nil
}
