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
	assert.Equal(t, map[string]int{AgentAvailable: 1, AgentAway: 1, AgentOffline: 1, AgentRinging: 0, AgentOnCall: 0, AgentWrapUp: 0}, states, "alice, bob, sam (no status); ada and otto take no calls")

	state := func(u string) agents.Candidate {
		t.Helper()
		cands, err := r.Candidates(ctx)
		require.NoError(t, err)
		for _, c := range cands {
			if c.Username == u {
				return c
			}
		}
		t.Fatalf("%s is not a candidate", u)
		return agents.Candidate{}
	}
	ok, err = r.Claim(ctx, "alice", "call-9")
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, state("alice").OnCall)
	ok, err = r.Claim(ctx, "alice", "call-10")
	require.NoError(t, err)
	assert.False(t, ok, "a claimed agent cannot be claimed by another call")
	ok, err = r.Claim(ctx, "alice", "call-9")
	require.NoError(t, err)
	assert.True(t, ok, "claiming again for the same call is idempotent")
	st, err := r.State(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, AgentRinging, st, "claimed: the phone rings")
	require.NoError(t, r.Answered(ctx, "alice", "call-10"), "another call's answer changes nothing")
	st, _ = r.State(ctx, "alice")
	assert.Equal(t, AgentRinging, st)
	require.NoError(t, r.Answered(ctx, "alice", "call-9"))
	st, _ = r.State(ctx, "alice")
	assert.Equal(t, AgentOnCall, st)
	states, err = r.States(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, states[AgentOnCall])
	assert.Equal(t, 0, states[AgentAvailable])

	require.NoError(t, r.Release(ctx, "alice", "call-10", time.Time{}), "releasing another call's claim is a no-op")
	assert.True(t, state("alice").OnCall)

	require.NoError(t, r.Release(ctx, "alice", "call-9", time.Now().Add(time.Hour)))
	a := state("alice")
	assert.False(t, a.OnCall)
	assert.False(t, a.Available, "in wrap-up")
	assert.True(t, a.IdleSince.After(t0), "idle again from the end of the call")
	st, _ = r.State(ctx, "alice")
	assert.Equal(t, "wrap_up", st)
	states, _ = r.States(ctx)
	assert.Equal(t, 1, states[AgentWrapUp])

	require.NoError(t, r.SetStatus(ctx, "alice", "available", time.Now()))
	assert.True(t, state("alice").Available, "choosing available ends wrap-up early")
	st, _ = r.State(ctx, "alice")
	assert.Equal(t, "available", st)

	require.NoError(t, r.Release(ctx, "alice", "", time.Now().Add(-time.Second)))
	assert.True(t, state("alice").Available, "a wrap-up in the past is over")
	st, _ = r.State(ctx, "ada")
	assert.Equal(t, "offline", st)
}

func TestRedisQueue(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	q := NewRedisQueue(rdb)
	now := time.Unix(1_800_000_000, 0)
	q.now = func() time.Time { return now }

	p, err := q.Position(ctx, "scheduling", "b", now.Add(-time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, p)
	p, err = q.Position(ctx, "scheduling", "a", now.Add(-2*time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, p, "a arrived before b")
	p, _ = q.Position(ctx, "scheduling", "b", now)
	assert.Equal(t, 2, p, "the arrival time is kept from the first report")
	p, _ = q.Position(ctx, "billing", "c", now)
	assert.Equal(t, 1, p, "queues are separate")
	n, err := q.Depth(ctx, "scheduling")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)

	require.NoError(t, q.Leave(ctx, "scheduling", "a"))
	p, _ = q.Position(ctx, "scheduling", "b", now)
	assert.Equal(t, 1, p)

	// d's node stops reporting: after staleAfter it no longer blocks e.
	_, _ = q.Position(ctx, "nurse", "d", now)
	now = now.Add(staleAfter / 2)
	p, _ = q.Position(ctx, "nurse", "e", now)
	assert.Equal(t, 2, p)
	now = now.Add(staleAfter)
	p, _ = q.Position(ctx, "nurse", "e", now)
	assert.Equal(t, 1, p, "a call whose node stopped reporting is dropped")
	n, _ = q.Depth(ctx, "nurse")
	assert.Equal(t, int64(1), n)

	stats, err := q.Stats(ctx, []string{"scheduling", "nurse", "general"})
	require.NoError(t, err)
	assert.Equal(t, []QueueStats{
		{Name: "scheduling", Depth: 1, Oldest: now.Add(-staleAfter*3/2 - time.Second).UTC()},
		{Name: "nurse", Depth: 1, Oldest: now.Add(-staleAfter).UTC()},
		{Name: "general"},
	}, stats, "b arrived a second before the first now; e half a stale period later")
	stats, err = q.Stats(ctx, nil)
	require.NoError(t, err)
	assert.Empty(t, stats)
}

// TestScriptsOnRealRedis runs the Lua scripts on redis-server, whose Lua
// is not miniredis's.
func TestScriptsOnRealRedis(t *testing.T) {
	ctx := context.Background()
	rdb := storetest.Redis(t)
	pfx := storetest.Prefix(t, rdb)
	dir := []agents.Agent{{Username: pfx + "a", Role: agents.RoleAgent, Contact: "sip:a@127.0.0.1"}}
	r := NewRedisRoster(rdb, dir, nil)
	t.Cleanup(func() { rdb.Del(context.Background(), agentKey(pfx+"a")) })
	require.NoError(t, r.SetStatus(ctx, pfx+"a", "available", time.Now()))
	ok, err := r.Claim(ctx, pfx+"a", "c1")
	require.NoError(t, err)
	require.True(t, ok)
	ok, err = r.Claim(ctx, pfx+"a", "c2")
	require.NoError(t, err)
	require.False(t, ok)
	require.NoError(t, r.Answered(ctx, pfx+"a", "c1"))
	st, err := r.State(ctx, pfx+"a")
	require.NoError(t, err)
	assert.Equal(t, AgentOnCall, st)
	require.NoError(t, r.Release(ctx, pfx+"a", "c1", time.Now().Add(time.Minute)))
	st, err = r.State(ctx, pfx+"a")
	require.NoError(t, err)
	assert.Equal(t, "wrap_up", st)

	q := NewRedisQueue(rdb)
	t.Cleanup(func() { rdb.Del(context.Background(), queueKey(pfx+"q"), queueKey(pfx+"q")+":seen") })
	now := time.Now()
	p, err := q.Position(ctx, pfx+"q", "x", now)
	require.NoError(t, err)
	assert.Equal(t, 1, p)
	p, err = q.Position(ctx, pfx+"q", "w", now.Add(-time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, p)
	p, _ = q.Position(ctx, pfx+"q", "x", now)
	assert.Equal(t, 2, p)
	require.NoError(t, q.Leave(ctx, pfx+"q", "w"))
	p, _ = q.Position(ctx, pfx+"q", "x", now)
	assert.Equal(t, 1, p)
	stats, err := q.Stats(ctx, []string{pfx + "q"})
	require.NoError(t, err)
	assert.Equal(t, []QueueStats{{Name: pfx + "q", Depth: 1, Oldest: time.UnixMilli(now.UnixMilli()).UTC()}}, stats)
}

func TestRedisCallbacks(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	cb := NewRedisCallbacks(rdb)
	at := time.UnixMilli(1_800_000_000_000).UTC()
	cb.now = func() time.Time { return at }
	enq := at.Add(-3 * time.Minute)
	id1, err := cb.Request(ctx, Callback{Queue: "billing", CallID: "c1", Subject: "m_aaaaaaaaaaaaaaaaaaaa", Purpose: "billing", Level: "full", To: "on_file", Enqueued: enq})
	require.NoError(t, err)
	_, err = cb.Request(ctx, Callback{Queue: "scheduling", CallID: "c2", Level: "none", To: "caller", Number: "15550107777"})
	require.NoError(t, err)
	_, err = cb.Request(ctx, Callback{Queue: "billing", CallID: "c3", To: "somewhere"})
	require.Error(t, err)

	got, err := cb.List(ctx, 10)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, Callback{ID: id1, Queue: "billing", CallID: "c1", Subject: "m_aaaaaaaaaaaaaaaaaaaa", Purpose: "billing", Level: "full", To: "on_file", Enqueued: enq, At: at}, got[0])
	assert.Equal(t, "15550107777", got[1].Number)
	assert.True(t, got[1].Enqueued.IsZero())
	n, err := cb.Pending(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	require.NoError(t, cb.Done(ctx, id1))
	got, _ = cb.List(ctx, 10)
	require.Len(t, got, 1)
	n, _ = cb.Pending(ctx)
	assert.Equal(t, int64(1), n)
	assert.Equal(t, "c2", got[0].CallID)
}
