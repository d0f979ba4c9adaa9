package guard

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEmbeddedStoreLiftsLocks runs the guard on the embedded store, whose
// expiry follows its clock: a lock lifts when the clock passes LockFor.
func TestEmbeddedStoreLiftsLocks(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s, err := store.Open(ctx, store.Config{}, store.WithClock(clock), store.WithExpiryInterval(2*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	g := New(s.Client, testKey, Config{MaxFailures: 2, LockFor: 30 * time.Minute})
	for range 2 {
		_, err := g.Failure(ctx, subject)
		require.NoError(t, err)
	}
	locked, err := g.Locked(ctx, subject)
	require.NoError(t, err)
	assert.True(t, locked)

	mu.Lock()
	now = now.Add(30*time.Minute + time.Second)
	mu.Unlock()
	require.Eventually(t, func() bool {
		l, err := g.Locked(ctx, subject)
		return err == nil && !l
	}, 2*time.Second, 2*time.Millisecond)
}
