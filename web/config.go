package web

import (
	"fmt"
	"time"
)

// Defaults and fixed limits.
const (
	// DefaultIdleTimeout is how long a session lives without a request.
	DefaultIdleTimeout = 15 * time.Minute
	// DefaultMaxFailures is how many failed sign-ins lock a username out.
	DefaultMaxFailures = 5
	// LockoutWindow is the window in which failed sign-ins are counted.
	LockoutWindow = 15 * time.Minute
	// LockoutDuration is how long a locked-out username stays locked.
	LockoutDuration = 15 * time.Minute
)

// Config is the agent API's configuration.
type Config struct {
	// Demo accepts the public demo credentials ("<username>-demo-1").
	// When false, a user whose password verifies and equals
	// "<username>-demo-1" is refused with ErrDemoCredentials.
	Demo bool
	// IdleTimeout ends a session after this long without a request
	// (automatic logoff, 164.312(a)(2)(iii)). 0 means DefaultIdleTimeout.
	IdleTimeout time.Duration
	// SecureCookies marks the session cookie Secure and sends
	// Strict-Transport-Security; set it when serving over TLS.
	SecureCookies bool
	// MaxFailures is how many failed sign-ins for one username within
	// LockoutWindow lock it for LockoutDuration. 0 means DefaultMaxFailures.
	MaxFailures int
	// ScreenLock locks a session after this long without a request that
	// counts as activity: a locked session gets no screen pop, event or
	// reveal (423) until the user unlocks it with the password. 0 never
	// locks; a value at or above IdleTimeout never locks before logoff.
	ScreenLock time.Duration
	// Trunks reports SIP trunk health for GET /api/v1/trunks (ops, admin);
	// nil answers an empty list.
	Trunks TrunkSource
	// Ops reports live counts for GET /api/v1/ops/summary (ops, admin);
	// nil answers 503.
	Ops OpsSource
}

// withDefaults returns c with zero fields defaulted, or an error wrapping
// ErrInvalidConfig.
func (c Config) withDefaults() (Config, error) {
	switch {
	case c.IdleTimeout < 0:
		return c, fmt.Errorf("%w: idle timeout %v is negative", ErrInvalidConfig, c.IdleTimeout)
	case c.ScreenLock < 0:
		return c, fmt.Errorf("%w: screen lock %v is negative", ErrInvalidConfig, c.ScreenLock)
	case c.MaxFailures < 0:
		return c, fmt.Errorf("%w: max failures %d is negative", ErrInvalidConfig, c.MaxFailures)
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxFailures == 0 {
		c.MaxFailures = DefaultMaxFailures
	}
	return c, nil
}
