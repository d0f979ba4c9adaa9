package trunk

import "errors"

var (
	// ErrInvalidTrunk is returned by NewTable and NewMonitor for a trunk
	// that cannot be used: no name, a duplicate name, no address, or no
	// way to admit calls (neither an allowlist nor digest credentials).
	ErrInvalidTrunk = errors.New("trunk: invalid trunk")
)
