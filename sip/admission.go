package sip

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/callgate/callgate/sip/trunk"
	"github.com/emiago/sipgo/sip"
)

// admissionTimeout bounds the registrar lookup and digest check of one INVITE.
const admissionTimeout = 2 * time.Second

// WithTrunks admits new INVITEs only from the table's trunks — a source
// inside a trunk's allowlist, or one that authenticates with a digest
// trunk's credentials after a 407 challenge — and from registered agent
// phones; any other source gets 403 (ErrUnknownSource), so there is no
// path for toll fraud. It also enforces each trunk's MaxCalls (503).
//
// Without this option every source is admitted: that is for library use
// and tests. An empty table admits registered agents only; callgate serve
// always passes its configured table.
func WithTrunks(t *trunk.Table) Option {
	return func(s *Server) error {
		if t == nil {
			var err error
			if t, err = trunk.NewTable(nil); err != nil {
				return err
			}
		}
		s.trunks = t
		return nil
	}
}

// admission is who a new INVITE was admitted as.
type admission struct {
	trunk *trunk.Trunk // the trunk it came through; nil for an agent or without WithTrunks
	agent string       // the registered agent whose phone called
}

func (a admission) trunkName() string {
	if a.trunk == nil {
		return ""
	}
	return a.trunk.Name
}

// admitSource decides whether req's source may place a call: allowlisted
// trunk, registered agent, or digest trunk (challenged with 407 first).
func (s *Server) admitSource(req *sip.Request, src netip.Addr, now time.Time) (admission, error) {
	if s.trunks == nil {
		return admission{}, nil
	}
	m := s.trunks.Match(src)
	if m.Trunk != nil {
		return admission{trunk: m.Trunk}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), admissionTimeout)
	defer cancel()
	if user, ok := s.registeredAgent(ctx, req, src, now); ok {
		return admission{agent: user}, nil
	}
	if len(m.Digest) > 0 {
		user, err := s.digestAuth(ctx, req, src, now, trunkDigest(m.Digest))
		if err != nil {
			return admission{}, err
		}
		for _, t := range m.Digest {
			if t.Digest.Username == user {
				return admission{trunk: t}, nil
			}
		}
	}
	return admission{}, fmt.Errorf("%w: %s", ErrUnknownSource, src)
}

// trunkDigest authenticates an INVITE against the candidate trunks'
// credentials (407, Proxy-Authenticate, Proxy-Authorization).
func trunkDigest(cands []*trunk.Trunk) digestScheme {
	return digestScheme{
		code: 407, reason: "Proxy Authentication Required",
		challengeHeader: "Proxy-Authenticate", credentialsHeader: "Proxy-Authorization", what: "trunk",
		ha1: func(_ context.Context, username, _ string) (string, bool, error) {
			for _, t := range cands {
				if t.Digest.Username == username {
					return t.Digest.HA1, true, nil
				}
			}
			return "", false, nil
		},
	}
}

// registeredAgent reports whether req comes from a registered agent's
// phone: its From user has a live registration whose REGISTER came from
// the same IP address.
func (s *Server) registeredAgent(ctx context.Context, req *sip.Request, src netip.Addr, now time.Time) (string, bool) {
	if s.registrar == nil || req.From() == nil {
		return "", false
	}
	user := req.From().Address.User
	if user == "" {
		return "", false
	}
	b, ok, err := s.registrar.Lookup(ctx, user)
	if err != nil {
		s.log.Warn("registrar lookup failed; INVITE not admitted as an agent", "call_id", callIDOf(req), "error", err)
		return "", false
	}
	if !ok || !b.Expires.After(now) || b.Source.Addr().Unmap() != src {
		return "", false
	}
	return user, true
}

// TrunkCalls is the number of admitted calls that came through each trunk.
func (s *Server) TrunkCalls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.trunkCalls))
	for k, v := range s.trunkCalls {
		out[k] = v
	}
	return out
}
