package dispatch

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/registrations"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedisRoster(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	dir, err := agents.LoadDemo()
	require.NoError(t, err)
	regs := registrations.New(rdb, nil)
	r := NewRedisRoster(rdb, dir, regs)

	t0 := time.Unix(1_700_000_000, 0)
	require.NoError(t, r.SetStatus(ctx, "alice", "available", t0))
	require.NoError(t, r.SetStatus(ctx, "bob", "away", t0))
	require.NoError(t, regs.Bind(ctx, "alice", registrations.Binding{Contact: "sip:alice@127.0.0.1:5070", Source: netip.MustParseAddrPort("127.0.0.1:5070"), Transport: "udp", Expires: time.Now().Add(time.Hour)}))

	cands, err := r.Candidates(ctx)
	require.NoError(t, err)
	byName := map[string]agents.Candidate{}
	for _, c := range cands {
		byName[c.Username] = c
	}
	assert.NotContains(t, byName, "ada", "admins take no calls")
	assert.NotContains(t, byName, "otto", "ops take no calls")
	assert.True(t, byName["alice"].Available && byName["alice"].Reachable)
	assert.Equal(t, t0, byName["alice"].IdleSince)
	assert.False(t, byName["bob"].Available, "away")
	assert.False(t, byName["bob"].Reachable, "not registered")
	contact, ok, err := r.Contact(ctx, "alice")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "sip:alice@127.0.0.1:5070", contact)

	states, err := r.States(ctx)
	require.NoError(t, err)
	assert.Equal(t, map[string]int{AgentAvailable: 1, AgentAway: 1, AgentOffline: 1, AgentOnCall: 0}, states, "alice, bob, sam (no status); ada and otto take no calls")

	require.NoError(t, r.OnCall(ctx, "alice", "call-9"))
	states, err = r.States(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, states[AgentOnCall])
	assert.Equal(t, 0, states[AgentAvailable])
	cands, _ = r.Candidates(ctx)
	for _, c := range cands {
		if c.Username == "alice" {
			assert.True(t, c.OnCall)
		}
	}
	require.NoError(t, r.OnCall(ctx, "alice", ""))
	cands, _ = r.Candidates(ctx)
	for _, c := range cands {
		if c.Username == "alice" {
			assert.False(t, c.OnCall)
			assert.True(t, c.IdleSince.After(t0), "idle again from the end of the call")
		}
	}
}
