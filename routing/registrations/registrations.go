// Package registrations keeps agent phones' SIP registrations in Redis so
// every node can reach a phone that registered with any of them. One hash
// per user, key callgate:reg:{username}, expiring with the registration.
package registrations

import (
	"context"
	"crypto/md5" //nolint:gosec // SIP digest HA1 is MD5 by definition (RFC 2617)
	"encoding/hex"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrStore wraps Redis failures.
var ErrStore = errors.New("registrations: store")

// Binding is where a user's phone can be reached.
type Binding struct {
	Contact   string
	Source    netip.AddrPort
	Transport string
	Expires   time.Time
}

// HA1Func returns a user's digest HA1 for a realm.
type HA1Func func(username, realm string) (string, bool)

// Store implements the SIP registrar's storage.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	ha1    HA1Func
	now    func() time.Time
}

// New returns a Store reading credentials from ha1.
func New(rdb redis.UniversalClient, ha1 HA1Func) *Store {
	return &Store{rdb: rdb, prefix: "callgate:reg:", ha1: ha1, now: time.Now}
}

// HA1 computes MD5(username:realm:password), the digest secret.
func HA1(username, realm, password string) string {
	sum := md5.Sum([]byte(username + ":" + realm + ":" + password)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// Credentials returns the user's HA1.
func (s *Store) Credentials(username, realm string) (string, bool) {
	if s.ha1 == nil {
		return "", false
	}
	return s.ha1(username, realm)
}

// Bind stores b; a zero Contact removes the registration. One round trip.
func (s *Store) Bind(ctx context.Context, username string, b Binding) error {
	key := s.prefix + username
	var err error
	if b.Contact == "" {
		err = s.rdb.Del(ctx, key).Err()
	} else {
		_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Del(ctx, key)
			p.HSet(ctx, key, "contact", b.Contact, "source", b.Source.String(), "transport", b.Transport,
				"expires", strconv.FormatInt(b.Expires.Unix(), 10))
			p.ExpireAt(ctx, key, b.Expires)
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("%w: bind: %w", ErrStore, err)
	}
	return nil
}

// Lookup returns the user's current registration. One round trip.
func (s *Store) Lookup(ctx context.Context, username string) (Binding, bool, error) {
	m, err := s.rdb.HGetAll(ctx, s.prefix+username).Result()
	if err != nil {
		return Binding{}, false, fmt.Errorf("%w: lookup: %w", ErrStore, err)
	}
	if len(m) == 0 || m["contact"] == "" {
		return Binding{}, false, nil
	}
	exp, _ := strconv.ParseInt(m["expires"], 10, 64)
	b := Binding{Contact: m["contact"], Transport: m["transport"], Expires: time.Unix(exp, 0)}
	b.Source, _ = netip.ParseAddrPort(m["source"])
	if !b.Expires.After(s.now()) {
		return Binding{}, false, nil
	}
	return b, true, nil
}
