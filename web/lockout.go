package web

import (
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

// attempts is one username's sign-in record.
type attempts struct {
	failures    int       // failed sign-ins since windowStart
	windowStart time.Time // zero: no window open
	lockedUntil time.Time
	inflight    int // sign-ins being verified now
}

// limiter counts failed sign-ins per username, known or not, and locks a
// username after max failures within LockoutWindow for LockoutDuration.
// Attempts in flight count against the limit, so parallel guesses cannot
// overrun it.
type limiter struct {
	mu        sync.Mutex
	max       int
	byUser    map[string]*attempts
	lastPrune time.Time
}

func newLimiter(maxFailures int) limiter {
	return limiter{max: maxFailures, byUser: map[string]*attempts{}}
}

// begin starts a sign-in attempt for username. It fails with a
// *lockedOutError while the username is locked, or when the attempts in
// flight would reach the limit. Every successful begin must be followed
// by exactly one of succeed, fail or abandon.
func (l *limiter) begin(username string, now time.Time) error {
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

// abandon ends an attempt that neither failed nor signed in (a TOTP code
// still to come, demo credentials refused, an internal error).
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
