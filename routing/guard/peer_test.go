package guard

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newPeer returns a Guard on the real redis-server under a fresh prefix,
// with the prefix and a plain client for checks.
func newPeer(t *testing.T, cfg Config) (*Guard, string, *redis.Client) {
	t.Helper()
	rdb := storetest.Redis(t)
	prefix := storetest.Prefix(t, rdb)
	return New(rdb, testKey, cfg, WithKeyPrefix(prefix)), prefix, rdb
}

func TestPeerLockout(t *testing.T) {
	ctx := context.Background()
	g, prefix, rdb := newPeer(t, Config{MaxFailures: 3, Window: time.Minute, LockFor: 300 * time.Millisecond})
	for i := 1; i <= 2; i++ {
		locked, err := g.Failure(ctx, subject)
		require.NoError(t, err)
		assert.False(t, locked, "failure %d", i)
	}
	locked, err := g.Failure(ctx, subject)
	require.NoError(t, err)
	assert.True(t, locked, "the third failure locks")
	locked, err = g.Locked(ctx, subject)
	require.NoError(t, err)
	assert.True(t, locked)
	pttl := rdb.PTTL(ctx, prefix+"lock:"+subject).Val()
	assert.Greater(t, pttl, time.Duration(0))
	assert.LessOrEqual(t, pttl, 300*time.Millisecond)

	require.Eventually(t, func() bool {
		l, err := g.Locked(ctx, subject)
		return err == nil && !l
	}, 3*time.Second, 20*time.Millisecond, "the lock lifts after LockFor")
	locked, err = g.Failure(ctx, subject)
	require.NoError(t, err)
	assert.False(t, locked, "counting starts again")
}

func TestPeerWindowAndSuccess(t *testing.T) {
	ctx := context.Background()
	g, prefix, rdb := newPeer(t, Config{MaxFailures: 3, Window: 300 * time.Millisecond})
	fail := prefix + "fail:" + subject

	for range 2 {
		_, err := g.Failure(ctx, subject)
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return rdb.Exists(ctx, fail).Val() == 0 }, 3*time.Second, 20*time.Millisecond,
		"the counter expires with the window")
	for range 2 {
		locked, err := g.Failure(ctx, subject)
		require.NoError(t, err)
		assert.False(t, locked)
	}
	require.NoError(t, g.Success(ctx, subject))
	assert.Zero(t, rdb.Exists(ctx, fail).Val(), "Success clears the counter")
	locked, err := g.Failure(ctx, subject)
	require.NoError(t, err)
	assert.False(t, locked)
}

// TestPeerFailureIsAtomic has two nodes (two clients) record failures
// against one member at once: exactly MaxFailures-1 of them see it
// unlocked.
func TestPeerFailureIsAtomic(t *testing.T) {
	ctx := context.Background()
	g1, prefix, _ := newPeer(t, Config{MaxFailures: 5})
	g2 := New(storetest.Redis(t), testKey, Config{MaxFailures: 5}, WithKeyPrefix(prefix))

	var mu sync.Mutex
	unlocked := 0
	var wg sync.WaitGroup
	for i := range 40 {
		g := g1
		if i%2 == 1 {
			g = g2
		}
		wg.Go(func() {
			locked, err := g.Failure(ctx, subject)
			assert.NoError(t, err)
			if !locked {
				mu.Lock()
				unlocked++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 4, unlocked)
}

func TestPeerPretexting(t *testing.T) {
	ctx := context.Background()
	g, prefix, rdb := newPeer(t, Config{PretextDistinct: 3, PretextWindow: time.Minute})
	const caller = "+15550100123"
	for i, ref := range []string{subject, subject, subject2} {
		p, err := g.Tried(ctx, caller, ref)
		require.NoError(t, err)
		assert.False(t, p, "try %d", i)
	}
	p, err := g.Tried(ctx, "+1 555 010 0123", "hm_unknownmember42")
	require.NoError(t, err)
	assert.True(t, p, "three distinct members from one number")

	keys := storetest.Keys(ctx, t, rdb, prefix)
	require.Len(t, keys, 1)
	members := rdb.SMembers(ctx, keys[0]).Val()
	assert.Len(t, members, 3)
	for _, s := range append(keys, members...) {
		assert.NotContains(t, s, "5550100123")
		assert.NotContains(t, s, "0100123")
		assert.NotContains(t, s, "hm_unknownmember42")
		assert.NotContains(t, strings.TrimPrefix(s, prefix), subject)
	}
	pttl := rdb.PTTL(ctx, keys[0]).Val()
	assert.Greater(t, pttl, 55*time.Second)
}
