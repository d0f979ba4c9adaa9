package sip

import (
	"context"
	"crypto/md5" //nolint:gosec // SIP digest is MD5 (RFC 2617)
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/siptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memRegistrar is an in-memory Registrar for tests.
type memRegistrar struct {
	mu       sync.Mutex
	ha1      map[string]string
	bindings map[string]Binding
}

func newMemRegistrar(users map[string]string) *memRegistrar {
	r := &memRegistrar{ha1: map[string]string{}, bindings: map[string]Binding{}}
	for u, p := range users {
		sum := md5.Sum([]byte(u + ":" + DefaultRealm + ":" + p)) //nolint:gosec // digest HA1
		r.ha1[u] = hex.EncodeToString(sum[:])
	}
	return r
}

func (r *memRegistrar) HA1(_ context.Context, user, _ string) (string, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	h, ok := r.ha1[user]
	return h, ok, nil
}

func (r *memRegistrar) Bind(_ context.Context, user string, b Binding) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b.Contact == "" {
		delete(r.bindings, user)
		return nil
	}
	r.bindings[user] = b
	return nil
}

func (r *memRegistrar) Lookup(_ context.Context, user string) (Binding, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.bindings[user]
	return b, ok, nil
}

func startRegistrar(t *testing.T) (*testServer, *memRegistrar) {
	t.Helper()
	reg := newMemRegistrar(map[string]string{"alice": "alice-demo-1", "bob": "bob-demo-1"})
	return startServerWith(t, Config{}, nil, nil, WithRegistrar(reg)), reg
}

func registerMsg(callID, extra string) string {
	return strings.Replace(strings.ReplaceAll(strings.ReplaceAll(optionsMsg(callID), "OPTIONS", "REGISTER"), "sip:test@127.0.0.1", "sip:alice@127.0.0.1"),
		"Max-Forwards: 70", "Max-Forwards: 70\nContact: <sip:alice@LOCAL>\nExpires: 300"+extra, 1)
}

func TestRegisterChallenge(t *testing.T) {
	ts, _ := startRegistrar(t)
	res := rawRequest(t, ts.udp, registerMsg("reg-1", ""), 2*time.Second)
	require.True(t, strings.HasPrefix(res, "SIP/2.0 401 "), res)
	assert.Contains(t, res, `WWW-Authenticate: Digest realm="callgate"`)
	assert.Contains(t, res, `qop="auth"`)
	assert.Contains(t, res, "nonce=")
}

func TestSIPpRegisterWithDigest(t *testing.T) {
	siptest.RequireSipp(t)
	ts, reg := startRegistrar(t)
	run := func(user, pass, expires string) siptest.SippResult {
		return siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_register", Target: ts.udp.String(),
			Vars:      map[string]string{"user": user, "expires": expires},
			ExtraArgs: []string{"-au", user, "-ap", pass},
		})
	}
	t.Run("right password binds the contact", func(t *testing.T) {
		res := run("alice", "alice-demo-1", "300")
		require.Equal(t, 1, res.Successful, res.ErrorLog)
		b, ok, _ := reg.Lookup(context.Background(), "alice")
		require.True(t, ok)
		assert.Contains(t, b.Contact, "sip:alice@127.0.0.1:")
		assert.WithinDuration(t, time.Now().Add(300*time.Second), b.Expires, 5*time.Second)
	})
	t.Run("expires 0 unregisters", func(t *testing.T) {
		res := run("alice", "alice-demo-1", "0")
		require.Equal(t, 1, res.Successful, res.ErrorLog)
		_, ok, _ := reg.Lookup(context.Background(), "alice")
		assert.False(t, ok)
	})
	t.Run("too brief an interval gets 423", func(t *testing.T) {
		res := run("alice", "alice-demo-1", "30")
		assert.Equal(t, 0, res.Successful)
		assert.Contains(t, res.ErrorLog+res.Stdout, "423")
	})
	t.Run("wrong password is refused, then the pair is locked out", func(t *testing.T) {
		for range authFailLimit {
			res := run("bob", "guess", "300")
			assert.Equal(t, 0, res.Successful)
		}
		res := run("bob", "bob-demo-1", "300")
		assert.Equal(t, 0, res.Successful, "locked out even with the right password for a while")
		_, ok, _ := reg.Lookup(context.Background(), "bob")
		assert.False(t, ok)
	})
}
