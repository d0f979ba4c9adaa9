package guard

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLock(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{MaxFailures: 5, LockFor: 30 * time.Minute})
	_, err := g.Failure(ctx, subject)
	require.NoError(t, err)

	require.NoError(t, g.Lock(ctx, subject))
	locked, err := g.Locked(ctx, subject)
	require.NoError(t, err)
	assert.True(t, locked, "locked at once, below the failure threshold")
	assert.Equal(t, 30*time.Minute, m.TTL("callgate:guard:lock:"+subject))
	assert.False(t, m.Exists("callgate:guard:fail:"+subject), "the counter restarts after the lock")

	m.FastForward(20 * time.Minute)
	require.NoError(t, g.Lock(ctx, subject))
	assert.Equal(t, 10*time.Minute, m.TTL("callgate:guard:lock:"+subject), "a second lock does not extend the first")

	other, err := g.Locked(ctx, subject2)
	require.NoError(t, err)
	assert.False(t, other)

	require.ErrorIs(t, g.Lock(ctx, "10001234"), ErrBadSubject, "a member ID is not a subject")
	m.SetError("LOADING")
	require.ErrorIs(t, g.Lock(ctx, subject), ErrStoreUnavailable)
}
