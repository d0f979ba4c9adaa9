package audit

import "time"

// Option adjusts Open.
type Option func(*options)

type options struct {
	now func() time.Time
}

func defaultOptions() options {
	return options{now: time.Now}
}

// WithClock sets the clock Append stamps entries with (default time.Now).
// Its readings are stored in UTC. A nil clock keeps the default.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}
