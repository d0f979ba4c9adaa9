package web

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// pruneAbove is how many usernames the limiter tracks before it starts
// dropping finished entries; pruneEvery is how often it may do so.
const (
	pruneAbove = 4096
	pruneEvery = time.Minute
)

// lockedOutError is ErrLockedOut with the time left.
type lockedOutError struct{ retryAfter time.Duration }

func (e *lockedOutError) Error() string {
	return fmt.Sprintf("%v for %v", ErrLockedOut, e.retryAfter)
}

func (e *lockedOutError) Unwrap() error { return ErrLockedOut }

// outcome is how a sign-in attempt ended, for lockout.end.
type outcome int

const (
	// outcomeSucceeded: the user signed in; their failures are forgotten.
	outcomeSucceeded outcome = iota
	// outcomeFailed: a wrong password or TOTP code (or an unknown user).
	outcomeFailed
	// outcomeNeutral: the password was right but no session started (a
	// TOTP code still to come, demo credentials refused): nothing is
	// counted, but a locked username must still be refused, so that the
	// answer never says the password was right.
	outcomeNeutral
	// outcomeAborted: no verdict was reached (an internal error, the
	// client went away); nothing is revealed or counted.
	outcomeAborted
)

// lockout counts failed sign-ins per username, known or not, and locks a
// username after MaxFailures within LockoutWindow for LockoutDuration.
// The server calls begin before it checks a password and end once it
// knows the outcome. Two implementations: limiter (this node's memory,
// the default) and redisLockout (shared by every node through Redis).
type lockout interface {
	// begin starts an attempt for username. It refuses it with a
	// *lockedOutError, or another error when it cannot decide (then the
	// attempt is refused as unavailable). Every nil return must be
	// followed by exactly one end.
	begin(ctx context.Context, username string, now time.Time) error
	// end records how the attempt ended. It returns the end of the
	// lockout a failure started (else the zero time). An error refuses
	// the attempt after all, and then its outcome must not be revealed:
	// a *lockedOutError when the username is locked (by failures on
	// another node, or in flight), another error when the shared store did
	// not answer. With outcomeAborted it returns nothing.
	end(ctx context.Context, username string, o outcome, now time.Time) (lockedUntil time.Time, err error)
}

// attempts is one username's sign-in record.
type attempts struct {
	failures    int       // failed sign-ins since windowStart
	windowStart time.Time // zero: no window open
	lockedUntil time.Time
	inflight    int // sign-ins being verified now
}

// limiter is the in-memory lockout of one node. Attempts in flight count
// against the limit, so parallel guesses cannot overrun it.
type limiter struct {
	mu        sync.Mutex
	max       int
	byUser    map[string]*attempts
	lastPrune time.Time
}

var _ lockout = (*limiter)(nil)

func newLimiter(maxFailures int) *limiter {
	return &limiter{max: maxFailures, byUser: map[string]*attempts{}}
}

// begin fails with a *lockedOutError while the username is locked, or
// when the attempts in flight would reach the limit.
func (l *limiter) begin(_ context.Context, username string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pruneLocked(now)
	a := l.byUser[username]
	if a == nil {
		a = &attempts{}
		l.byUser[username] = a
	}
	if now.Before(a.lockedUntil) {
		return &lockedOutError{retryAfter: a.lockedUntil.Sub(now)}
	}
	if !a.windowStart.IsZero() && now.Sub(a.windowStart) >= LockoutWindow {
		a.failures, a.windowStart = 0, time.Time{}
	}
	if a.failures+a.inflight >= l.max {
		return &lockedOutError{retryAfter: time.Second}
	}
	a.inflight++
	return nil
}

// end never refuses: begin already counted the attempt in flight.
func (l *limiter) end(_ context.Context, username string, o outcome, now time.Time) (time.Time, error) {
	switch o {
	case outcomeSucceeded:
		l.succeed(username)
	case outcomeFailed:
		return l.fail(username, now), nil
	default:
		l.abandon(username)
	}
	return time.Time{}, nil
}

// succeed ends an attempt that signed in: the failures are forgotten.
func (l *limiter) succeed(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.byUser[username]
	a.inflight--
	a.failures, a.windowStart = 0, time.Time{}
	if a.inflight == 0 && a.lockedUntil.IsZero() {
		delete(l.byUser, username)
	}
}

// abandon ends an attempt that neither failed nor signed in.
func (l *limiter) abandon(username string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.byUser[username].inflight--
}

// fail ends a failed attempt and returns the end of the lockout it
// started, or the zero time.
func (l *limiter) fail(username string, now time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	a := l.byUser[username]
	a.inflight--
	if a.windowStart.IsZero() || now.Sub(a.windowStart) >= LockoutWindow {
		a.failures, a.windowStart = 0, now
	}
	a.failures++
	if a.failures < l.max {
		return time.Time{}
	}
	a.failures, a.windowStart = 0, time.Time{}
	a.lockedUntil = now.Add(LockoutDuration)
	return a.lockedUntil
}

// pruneLocked drops entries that no longer matter, once the map is large:
// no attempt in flight, no lockout running, no failure window open.
func (l *limiter) pruneLocked(now time.Time) {
	if len(l.byUser) <= pruneAbove || now.Sub(l.lastPrune) < pruneEvery {
		return
	}
	l.lastPrune = now
	for u, a := range l.byUser {
		if a.inflight == 0 && !now.Before(a.lockedUntil) &&
			(a.windowStart.IsZero() || now.Sub(a.windowStart) >= LockoutWindow) {
			delete(l.byUser, u)
		}
	}
}
