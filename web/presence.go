package web

import (
	"context"
	"time"
)

// Status is an agent's web status. Only StatusAvailable agents are offered
// calls (DESIGN.md § Demo data: routable = phone reachable and available).
type Status string

// Web statuses.
const (
	StatusAvailable Status = "available" // ready for calls
	StatusAway      Status = "away"      // signed in, not taking calls
	StatusOffline   Status = "offline"   // signed out or logged off for idleness
)

// Presence records agents' web statuses, for routing. The server calls it
// when an agent sets a status and with StatusOffline when the agent's last
// session ends.
type Presence interface {
	SetStatus(ctx context.Context, username string, s Status, at time.Time) error
}

// PresenceFunc adapts a function to Presence.
type PresenceFunc func(ctx context.Context, username string, s Status, at time.Time) error

// SetStatus calls f.
func (f PresenceFunc) SetStatus(ctx context.Context, username string, s Status, at time.Time) error {
	return f(ctx, username, s, at)
}

var _ Presence = PresenceFunc(nil)
