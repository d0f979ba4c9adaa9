package load

import (
	"fmt"
	"strings"
	"time"

	"github.com/callgate/callgate/media/dtmf"
)

// Step is one item of a DTMF script: send Keys at Offset after the answer.
type Step struct {
	Keys   string        `json:"keys"`
	Offset time.Duration `json:"offset_ns"`
}

// ParseScript parses the `callgate dial --dtmf` syntax: comma-separated
// KEYS@OFFSET items, OFFSET from the answer ("1@2s,1234#@5s"). An item
// without @ follows the previous one by 1 s. Offsets must not decrease.
func ParseScript(s string) ([]Step, error) {
	var out []Step
	var last time.Duration
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		keys, at, hasAt := strings.Cut(item, "@")
		off := last + time.Second
		if hasAt {
			d, err := time.ParseDuration(at)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("%w: item %d: offset %q is not a duration like 2s or 1500ms", ErrBadScript, i+1, at)
			}
			off = d
		}
		if keys == "" {
			return nil, fmt.Errorf("%w: item %d: no keys", ErrBadScript, i+1)
		}
		for j := range len(keys) {
			if _, ok := dtmf.KeyToEvent(keys[j]); !ok {
				return nil, fmt.Errorf("%w: item %d: %q is not a DTMF key (0-9 * # A-D)", ErrBadScript, i+1, keys[j])
			}
		}
		if len(out) > 0 && off < last {
			return nil, fmt.Errorf("%w: item %d: offset %s is before the previous item's %s", ErrBadScript, i+1, off, last)
		}
		out = append(out, Step{Keys: keys, Offset: off})
		last = off
	}
	return out, nil
}

// FormatScript renders steps back in script syntax.
func FormatScript(steps []Step) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = s.Keys + "@" + s.Offset.String()
	}
	return strings.Join(parts, ",")
}
