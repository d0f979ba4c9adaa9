package sip

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// Registration defaults (RFC 3261 §10.2.1.1, §10.3).
const (
	DefaultRealm          = "callgate"
	DefaultRegisterExpiry = time.Hour
	MinRegisterExpiry     = 60 * time.Second
	MaxRegisterExpiry     = 24 * time.Hour
	// nonceLifetime bounds how long a digest nonce is accepted (stale after).
	nonceLifetime = 5 * time.Minute
	// authFailLimit failed digest attempts for one username from one source
	// within authFailWindow lock that pair out for authLockFor.
	authFailLimit  = 5
	authFailWindow = 5 * time.Minute
	authLockFor    = 15 * time.Minute
)

// Binding is where a registered user can be reached.
type Binding struct {
	Contact   string         // the Contact URI, e.g. sip:alice@127.0.0.1:5070
	Source    netip.AddrPort // where the REGISTER came from
	Transport string         // udp or tcp
	Expires   time.Time
}

// Registrar keeps credentials and bindings for phones that REGISTER
// (agent phones). Implementations share bindings across nodes.
type Registrar interface {
	// HA1 returns MD5(username:realm:password) for a known user.
	HA1(ctx context.Context, username, realm string) (ha1 string, ok bool, err error)
	// Bind stores b for username; a zero Expires removes the binding.
	Bind(ctx context.Context, username string, b Binding) error
	// Lookup returns the current binding of username.
	Lookup(ctx context.Context, username string) (Binding, bool, error)
}

// WithRegistrar accepts REGISTER with digest authentication against r.
// Without one, REGISTER gets 405.
func WithRegistrar(r Registrar) Option {
	return func(s *Server) error {
		s.registrar = r
		return nil
	}
}

// authGuard issues and checks nonces and counts failures per user+source.
type authGuard struct {
	key  [32]byte
	mu   sync.Mutex
	fail map[string]*failCount
}

type failCount struct {
	n           int
	first, lock time.Time
}

func newAuthGuard() *authGuard {
	g := &authGuard{fail: map[string]*failCount{}}
	_, _ = rand.Read(g.key[:])
	return g
}

// nonce is base64(unix-seconds || HMAC(key, seconds || source)).
func (g *authGuard) nonce(src netip.Addr, now time.Time) string {
	var b [8 + sha256.Size]byte
	binary.BigEndian.PutUint64(b[:8], uint64(now.Unix()))
	m := hmac.New(sha256.New, g.key[:])
	m.Write(b[:8])
	m.Write([]byte(src.String()))
	copy(b[8:], m.Sum(nil))
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// checkNonce reports whether n is ours for src, and whether it is stale.
func (g *authGuard) checkNonce(n string, src netip.Addr, now time.Time) (valid, stale bool) {
	b, err := base64.RawURLEncoding.DecodeString(n)
	if err != nil || len(b) != 8+sha256.Size {
		return false, false
	}
	m := hmac.New(sha256.New, g.key[:])
	m.Write(b[:8])
	m.Write([]byte(src.String()))
	if !hmac.Equal(m.Sum(nil), b[8:]) {
		return false, false
	}
	issued := time.Unix(int64(binary.BigEndian.Uint64(b[:8])), 0)
	return true, now.Sub(issued) > nonceLifetime
}

func (g *authGuard) locked(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.fail[key]
	return f != nil && now.Before(f.lock)
}

func (g *authGuard) failed(key string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.fail[key]
	if f == nil || now.Sub(f.first) > authFailWindow {
		f = &failCount{first: now}
		g.fail[key] = f
	}
	f.n++
	if f.n >= authFailLimit {
		f.lock = now.Add(authLockFor)
		f.n = 0
		f.first = now
	}
	if len(g.fail) > 10000 { // bound memory under a scan
		for k, v := range g.fail {
			if now.Sub(v.first) > authFailWindow && now.After(v.lock) {
				delete(g.fail, k)
			}
		}
	}
}

func (g *authGuard) succeeded(key string) {
	g.mu.Lock()
	delete(g.fail, key)
	g.mu.Unlock()
}

func (s *Server) realm() string {
	if s.cfg.Realm != "" {
		return s.cfg.Realm
	}
	return DefaultRealm
}

// onRegister authenticates with digest (RFC 3261 §22, RFC 2617) and
// stores the binding (RFC 3261 §10.3).
func (s *Server) onRegister(req *sip.Request, tx sip.ServerTransaction) {
	if err := validateRequest(req); err != nil {
		s.reject(req, tx, err)
		return
	}
	if s.registrar == nil {
		s.onNoRoute(req, tx)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	now := time.Now()
	user, err := s.digestAuth(ctx, req, sourceIP(req), now, registerDigest(s.registrar))
	if err != nil {
		s.reject(req, tx, err)
		return
	}
	res, err := s.bind(ctx, req, user, now)
	if err != nil {
		s.reject(req, tx, err)
		return
	}
	_ = tx.Respond(res)
}

// registerDigest authenticates REGISTER against the registrar's users
// (401, WWW-Authenticate, Authorization).
func registerDigest(r Registrar) digestScheme {
	return digestScheme{
		code: 401, reason: "Unauthorized", challengeHeader: "WWW-Authenticate", credentialsHeader: "Authorization",
		what: "REGISTER", ha1: r.HA1,
	}
}

// bind applies the REGISTER's Contact and Expires and builds the 200 with
// the current binding.
func (s *Server) bind(ctx context.Context, req *sip.Request, user string, now time.Time) (*sip.Response, error) {
	expires := DefaultRegisterExpiry
	if h := req.GetHeader("Expires"); h != nil {
		if v, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil {
			expires = time.Duration(v) * time.Second
		}
	}
	ct := req.Contact()
	if ct != nil {
		if v, ok := ct.Params.Get("expires"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				expires = time.Duration(n) * time.Second
			}
		}
	}
	src, _ := netip.ParseAddrPort(req.Source())
	switch {
	case expires == 0 || ct == nil || ct.Address.Wildcard:
		if err := s.registrar.Bind(ctx, user, Binding{}); err != nil {
			return nil, fmt.Errorf("sip: unbind: %w", err)
		}
		s.log.Info("unregistered", "user", user)
		return sip.NewResponseFromRequest(req, 200, "OK", nil), nil
	case expires < MinRegisterExpiry:
		return nil, &StatusError{Code: 423, Reason: "Interval Too Brief", Err: fmt.Errorf("sip: expires %s below %s", expires, MinRegisterExpiry)}
	}
	expires = min(expires, MaxRegisterExpiry)
	b := Binding{Contact: ct.Address.String(), Source: src, Transport: transportOf(req), Expires: now.Add(expires)}
	if err := s.registrar.Bind(ctx, user, b); err != nil {
		return nil, fmt.Errorf("sip: bind: %w", err)
	}
	s.log.Info("registered", "user", user, "expires", expires)
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	c := sip.ContactHeader{Address: ct.Address, Params: sip.NewParams()}
	c.Params.Add("expires", strconv.Itoa(int(expires/time.Second)))
	res.AppendHeader(&c)
	return res, nil
}
