package flows

import (
	"fmt"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// parseDuration parses "5s", "1500ms", "10m". A bare number is refused: it
// has no unit. The error wraps ErrInvalidDuration.
func parseDuration(s string) (Duration, error) {
	d, problem := durationOf(s)
	if problem != "" {
		return 0, fmt.Errorf("%w: %s", ErrInvalidDuration, problem)
	}
	return d, nil
}

// durationOf parses a duration, or says what is wrong with it.
func durationOf(s string) (Duration, string) {
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Sprintf(`%q has no unit; write it like "5s" or "1500ms"`, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Sprintf(`%q is not a duration; write it like "5s" or "1500ms"`, s)
	}
	return Duration(d), ""
}

// String formats d like time.Duration ("5s", "1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// UnmarshalYAML decodes a duration written as "5s" or "1500ms".
func (d *Duration) UnmarshalYAML(v *yaml.Node) error {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		return fmt.Errorf(`%w: line %d: want a duration such as "5s", got %s`, ErrInvalidDuration, v.Line, describe(v))
	}
	parsed, err := parseDuration(v.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", v.Line, err)
	}
	*d = parsed
	return nil
}

// MarshalYAML encodes d as "5s".
func (d Duration) MarshalYAML() (any, error) { return d.String(), nil }
