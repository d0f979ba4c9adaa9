package load

import "errors"

var (
	// ErrNotLoopback is returned for a target, local address or metrics URL
	// off loopback: the generator only talks to this host.
	ErrNotLoopback = errors.New("load: not a loopback address")
	// ErrBadScript is returned for a DTMF script that does not parse.
	ErrBadScript = errors.New("load: bad DTMF script")
	// ErrBadConfig is returned for a Config that cannot run.
	ErrBadConfig = errors.New("load: bad configuration")

	// errHungUp ends a call's wait when the call ended under it.
	errHungUp = errors.New("load: call ended")
)
