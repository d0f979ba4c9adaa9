package registrations

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBindLookup(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	s := New(rdb, func(u, realm string) (string, bool) {
		if u == "alice" {
			return HA1(u, realm, "alice-demo-1"), true
		}
		return "", false
	})
	h, ok := s.Credentials("alice", "callgate")
	require.True(t, ok)
	assert.Equal(t, HA1("alice", "callgate", "alice-demo-1"), h)
	assert.Len(t, h, 32)
	_, ok = s.Credentials("mallory", "callgate")
	assert.False(t, ok)

	exp := time.Now().Add(300 * time.Second).Truncate(time.Second)
	b := Binding{Contact: "sip:alice@127.0.0.1:5070", Source: netip.MustParseAddrPort("127.0.0.1:5070"), Transport: "udp", Expires: exp}
	require.NoError(t, s.Bind(ctx, "alice", b))
	got, ok, err := s.Lookup(ctx, "alice")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, b, got)
	assert.InDelta(t, 300, m.TTL("callgate:reg:alice").Seconds(), 2, "expires with the registration")

	require.NoError(t, s.Bind(ctx, "alice", Binding{}))
	_, ok, err = s.Lookup(ctx, "alice")
	require.NoError(t, err)
	assert.False(t, ok, "unregistered")

	m.SetError("down")
	_, _, err = s.Lookup(ctx, "alice")
	assert.ErrorIs(t, err, ErrStore)
}
