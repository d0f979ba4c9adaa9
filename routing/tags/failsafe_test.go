package tags

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outage is a way for the store to fail and come back.
type outage struct {
	name    string
	down    func(m *miniredis.Miniredis)
	restore func(t *testing.T, m *miniredis.Miniredis)
}

var outages = []outage{ //nolint:gochecknoglobals // test table
	{
		name:    "error replies",
		down:    func(m *miniredis.Miniredis) { m.SetError("LOADING Redis is loading the dataset in memory") },
		restore: func(_ *testing.T, m *miniredis.Miniredis) { m.SetError("") },
	},
	{
		name: "server gone, back empty",
		down: func(m *miniredis.Miniredis) { m.Close() },
		restore: func(t *testing.T, m *miniredis.Miniredis) {
			m.FlushAll() // a restart without persistence
			require.NoError(t, m.Restart())
		},
	},
}

// assertStored checks the hash holds exactly the snapshot, with the ttl.
func assertStored(t *testing.T, m *miniredis.Miniredis, key string, w *Writer, ttl time.Duration) {
	t.Helper()
	snap := w.Snapshot()
	h := hash(t, m, key)
	assert.Len(t, h, len(snap), "no field more or less than the snapshot")
	for f, v := range snap {
		assert.Equal(t, v, h[string(f)], f)
	}
	assert.Equal(t, ttl, m.TTL(key), "the rewritten hash expires")
	since, unsynced := w.Unsynced()
	assert.False(t, unsynced)
	assert.True(t, since.IsZero())
}

func TestRecoversAfterOutage(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			ctx := context.Background()
			m, rdb := storetest.Mini(t)
			key := "callgate:call:" + callID
			tg := New(rdb, WithClock(func() time.Time { return t0 }), WithTimeout(time.Second))
			w, err := tg.Begin(ctx, callID, map[Field]string{FieldFlow: "main", FieldFlowVersion: "3"})
			require.NoError(t, err)

			o.down(m)
			err = w.Set(ctx, map[Field]string{FieldVerificationLevel: string(Partial), FieldSubject: testSubject})
			require.ErrorIs(t, err, ErrStoreUnavailable)
			require.ErrorIs(t, w.AddFlag(ctx, FlagVerificationFailed), ErrStoreUnavailable)
			since, unsynced := w.Unsynced()
			assert.True(t, unsynced)
			assert.Equal(t, t0, since)
			assert.Equal(t, "partial", w.Snapshot()[FieldVerificationLevel], "the writer keeps what it was told")

			o.restore(t, m)
			require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "nurse"}))
			assertStored(t, m, key, w, DefaultLiveTTL)
			assert.Equal(t, "partial", m.HGet(key, "verification_level"))
			assert.Equal(t, "verification_failed", m.HGet(key, "flags"))
			assert.Equal(t, "main", m.HGet(key, "flow"), "fields from Begin are back too")
		})
	}
}

func TestBeginDuringOutage(t *testing.T) {
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			ctx := context.Background()
			m, rdb := storetest.Mini(t)
			key := "callgate:call:" + callID
			tg := New(rdb, WithTimeout(time.Second))

			o.down(m)
			w, err := tg.Begin(ctx, callID, map[Field]string{FieldPurpose: "pharmacy"})
			require.ErrorIs(t, err, ErrStoreUnavailable)
			require.NotNil(t, w, "the call goes on with a writer that catches up")

			o.restore(t, m)
			m.HSet(key, "subject", testSubject, "agent", "stale") // left by an earlier call
			require.NoError(t, w.AddFlag(ctx, FlagLockedOut))
			assertStored(t, m, key, w, DefaultLiveTTL)
			assert.Equal(t, "pharmacy", m.HGet(key, "purpose"))
			assert.False(t, m.Exists(key) && m.HGet(key, "agent") != "", "the late Begin still clears the earlier hash")
		})
	}
}

func TestEndDuringOutage(t *testing.T) {
	for _, o := range outages {
		t.Run(o.name, func(t *testing.T) {
			ctx := context.Background()
			m, rdb := storetest.Mini(t)
			key := "callgate:call:" + callID
			tg := New(rdb, WithTTL(time.Hour), WithTimeout(time.Second))
			w, err := tg.Begin(ctx, callID, nil)
			require.NoError(t, err)
			require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "billing"}))

			o.down(m)
			require.ErrorIs(t, w.End(ctx, "ended"), ErrStoreUnavailable)
			o.restore(t, m)
			require.NoError(t, w.End(ctx, "ended"), "a failed End can be retried")
			assertStored(t, m, key, w, time.Hour)
			assert.Equal(t, "billing", m.HGet(key, "queue"))
		})
	}
}

// TestSetEmptyCatchesUp: Set with no fields rewrites the hash after a
// failure and does nothing otherwise.
func TestSetEmptyCatchesUp(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	w, err := New(rdb).Begin(ctx, callID, nil)
	require.NoError(t, err)
	m.SetError("ERR down")
	require.Error(t, w.Set(ctx, map[Field]string{FieldAgent: "j.doe"}))
	m.SetError("")
	m.FlushAll()
	require.NoError(t, w.Set(ctx, nil))
	assertStored(t, m, key, w, DefaultLiveTTL)
}

// TestTimeoutFailsFast points the writer at a server that accepts and
// never answers: the write fails within the timeout.
func TestTimeoutFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String(), MaxRetries: -1, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = rdb.Close() })

	start := time.Now()
	w, err := New(rdb, WithTimeout(200*time.Millisecond)).Begin(context.Background(), callID, nil)
	require.ErrorIs(t, err, ErrStoreUnavailable)
	require.NotNil(t, w)
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestWaitingForTurnTimesOut: a write that cannot get its turn before the
// deadline keeps its change for the next write.
func TestWaitingForTurnTimesOut(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	w, err := New(rdb, WithTimeout(20*time.Millisecond)).Begin(ctx, callID, nil)
	require.NoError(t, err)

	w.turn <- struct{}{} // another write in flight
	err = w.Set(ctx, map[Field]string{FieldVerificationLevel: string(Full)})
	require.ErrorIs(t, err, ErrStoreUnavailable)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, "none", m.HGet(key, "verification_level"))
	<-w.turn

	require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "nurse"}))
	assertStored(t, m, key, w, DefaultLiveTTL)
	assert.Equal(t, "full", m.HGet(key, "verification_level"))
}
