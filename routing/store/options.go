package store

import (
	"crypto/tls"
	"time"
)

const (
	defaultPingTimeout    = 3 * time.Second
	defaultExpiryInterval = time.Second
)

// Option adjusts Open.
type Option func(*options)

type options struct {
	pingTimeout    time.Duration
	tlsConfig      *tls.Config
	sentinelUser   string
	sentinelPass   string
	now            func() time.Time
	expiryInterval time.Duration
}

func defaultOptions() options {
	return options{pingTimeout: defaultPingTimeout, now: time.Now, expiryInterval: defaultExpiryInterval}
}

// WithPingTimeout bounds the ping Open sends to check the store answers
// (default 3s; <= 0 keeps the default).
func WithPingTimeout(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.pingTimeout = d
		}
	}
}

// WithTLSConfig sets the TLS configuration for rediss:// (for example a
// private CA) and turns TLS on for redis-sentinel:// (sentinels and
// master). An empty ServerName is filled from the URL's host for rediss://.
func WithTLSConfig(c *tls.Config) Option {
	return func(o *options) { o.tlsConfig = c }
}

// WithSentinelAuth sets the credentials for the sentinels themselves; the
// URL's user and password authenticate to the master.
func WithSentinelAuth(username, password string) Option {
	return func(o *options) { o.sentinelUser, o.sentinelPass = username, password }
}

// WithClock sets the clock the embedded store's expiry follows (default
// time.Now).
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithExpiryInterval sets how often the embedded store advances its key
// expiry to the clock (default 1s; <= 0 keeps the default). The embedded
// store only expires keys when told the time has passed.
func WithExpiryInterval(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.expiryInterval = d
		}
	}
}
