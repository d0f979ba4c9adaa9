package store

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"

	"github.com/redis/go-redis/v9"
)

// Config selects the store.
type Config struct {
	// URL of the Redis store (see the package documentation); empty runs
	// the embedded store.
	URL string
}

// Store is an open connection to the shared store.
type Store struct {
	// Client talks to the store; it is safe for concurrent use.
	Client redis.UniversalClient
	// Embedded is set when the store runs in this process.
	Embedded bool

	where     string
	closeOnce sync.Once
	closeErr  error
	embedded  *embedded
}

// Open connects to the store cfg names and checks it answers a ping
// within the ping timeout. An empty URL starts the embedded store on
// 127.0.0.1 (a free port) and connects to it.
func Open(ctx context.Context, cfg Config, opts ...Option) (*Store, error) {
	o := defaultOptions()
	for _, opt := range opts {
		opt(&o)
	}
	s := &Store{}
	if cfg.URL == "" {
		e, err := startEmbedded(o.now, o.expiryInterval)
		if err != nil {
			return nil, err
		}
		s.embedded, s.Embedded, s.where = e, true, "embedded "+e.m.Addr()
		s.Client = redis.NewClient(&redis.Options{Addr: e.m.Addr()})
	} else {
		t, err := parseURL(cfg.URL)
		if err != nil {
			return nil, err
		}
		s.where = t.where()
		s.Client = newClient(t, o)
	}
	pctx, cancel := context.WithTimeout(ctx, o.pingTimeout)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		return nil, errors.Join(err, s.Close())
	}
	return s, nil
}

// newClient builds the go-redis client for a parsed URL.
func newClient(t target, o options) redis.UniversalClient {
	if t.kind == kindSentinel {
		fo := &redis.FailoverOptions{
			MasterName:       t.master,
			SentinelAddrs:    t.addrs,
			Username:         t.username,
			Password:         t.password,
			SentinelUsername: o.sentinelUser,
			SentinelPassword: o.sentinelPass,
			DB:               t.db,
		}
		if o.tlsConfig != nil {
			fo.TLSConfig = o.tlsConfig.Clone()
		}
		return redis.NewFailoverClient(fo)
	}
	ro := &redis.Options{
		Network:  "tcp",
		Addr:     t.addrs[0],
		Username: t.username,
		Password: t.password,
		DB:       t.db,
	}
	if t.kind == kindUnix {
		ro.Network = "unix"
	}
	if t.tls {
		c := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.tlsConfig != nil {
			c = o.tlsConfig.Clone()
		}
		if c.ServerName == "" {
			c.ServerName = t.serverName
		}
		ro.TLSConfig = c
	}
	return redis.NewClient(ro)
}

// Addr describes where the store is (host:port, socket, sentinel master or
// embedded address), without credentials, for logs.
func (s *Store) Addr() string { return s.where }

// Ping checks the store answers. Its error wraps ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.Client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("%w: ping %s: %w", ErrUnavailable, s.where, err)
	}
	return nil
}

// Close closes the client and stops the embedded store. Later calls return
// the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		s.closeErr = s.Client.Close()
		if s.embedded != nil {
			s.embedded.close()
		}
	})
	return s.closeErr
}
