package sip

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// digestScheme is one use of SIP digest authentication (RFC 3261 §22,
// RFC 2617): REGISTER against agents' phones (401, WWW-Authenticate,
// Authorization) or INVITE against trunks (407, Proxy-Authenticate,
// Proxy-Authorization, §22.3).
type digestScheme struct {
	code              int    // 401 or 407
	reason            string // its reason phrase
	challengeHeader   string // WWW-Authenticate or Proxy-Authenticate
	credentialsHeader string // Authorization or Proxy-Authorization
	what              string // what is authenticated, for messages
	// ha1 returns MD5(username:realm:password) for a known username.
	ha1 func(ctx context.Context, username, realm string) (string, bool, error)
}

var (
	errNoCredentials = errors.New("sip: no credentials")
	errStaleNonce    = errors.New("sip: stale nonce")
)

// digestAuth returns the authenticated username. Otherwise it returns a
// *StatusError: the scheme's challenge code (with the challenge header;
// wrapping ErrAuthRequired) when credentials are missing, stale or not for
// one of our nonces; 400 when they are malformed; 403 (wrapping
// ErrAuthFailed) when they are wrong or the username+source pair is
// locked out after repeated failures; 500 when the lookup fails.
func (s *Server) digestAuth(ctx context.Context, req *sip.Request, src netip.Addr, now time.Time, ds digestScheme) (string, error) {
	h := req.GetHeader(ds.credentialsHeader)
	if h == nil {
		return "", s.challenge(ds, src, now, errNoCredentials)
	}
	cred, err := digest.ParseCredentials(h.Value())
	if err != nil {
		return "", &StatusError{Code: 400, Reason: "Bad Request", Err: fmt.Errorf("sip: malformed %s header: %w", ds.credentialsHeader, errNoCredentials)}
	}
	failKey := ds.what + "|" + cred.Username + "|" + src.String()
	if s.auth.locked(failKey, now) {
		return "", &StatusError{Code: 403, Reason: "Forbidden", Err: fmt.Errorf("%w: too many failed %s attempts; locked for a while", ErrAuthFailed, ds.what)}
	}
	valid, stale := s.auth.checkNonce(cred.Nonce, src, now)
	if !valid {
		return "", s.challenge(ds, src, now, errNoCredentials)
	}
	if stale {
		return "", s.challenge(ds, src, now, errStaleNonce)
	}
	ha1, ok, err := ds.ha1(ctx, cred.Username, s.realm())
	if err != nil {
		return "", &StatusError{Code: 500, Reason: "Server Internal Error", Err: fmt.Errorf("sip: %s credentials: %w", ds.what, err)}
	}
	if !ok {
		ha1 = "00000000000000000000000000000000" // same work for unknown users
	}
	chal := &digest.Challenge{Realm: s.realm(), Nonce: cred.Nonce, Algorithm: cred.Algorithm}
	if cred.QOP != "" {
		chal.QOP = []string{cred.QOP}
	}
	want, err := digest.Digest(chal, digest.Options{Method: string(req.Method), URI: cred.URI, Username: cred.Username, A1: ha1, Cnonce: cred.Cnonce, Count: cred.Nc})
	if err != nil || !ok || cred.Realm != s.realm() || subtle.ConstantTimeCompare([]byte(want.Response), []byte(cred.Response)) != 1 {
		s.auth.failed(failKey, now)
		s.log.Info(ds.what+" authentication failed", "source", src.String())
		return "", &StatusError{Code: 403, Reason: "Forbidden", Err: fmt.Errorf("%w: %s credentials rejected", ErrAuthFailed, ds.what)}
	}
	s.auth.succeeded(failKey)
	return cred.Username, nil
}

// challenge is the scheme's 401/407 with a fresh nonce for src.
func (s *Server) challenge(ds digestScheme, src netip.Addr, now time.Time, why error) *StatusError {
	chal := digest.Challenge{Realm: s.realm(), Nonce: s.auth.nonce(src, now), Algorithm: "MD5", QOP: []string{"auth"}, Stale: errors.Is(why, errStaleNonce)}
	return &StatusError{
		Code: ds.code, Reason: ds.reason, Err: fmt.Errorf("%w: %w", ErrAuthRequired, why),
		Headers: []sip.Header{sip.NewHeader(ds.challengeHeader, chal.String())},
	}
}
