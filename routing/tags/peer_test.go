package tags

import (
	"context"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// assertRealStored checks the real hash holds exactly the snapshot and
// expires within (ttl-5s, ttl].
func assertRealStored(t *testing.T, rdb redis.UniversalClient, key string, w *Writer, ttl time.Duration) {
	t.Helper()
	ctx := context.Background()
	h, err := rdb.HGetAll(ctx, key).Result()
	require.NoError(t, err)
	snap := w.Snapshot()
	assert.Len(t, h, len(snap))
	for f, v := range snap {
		assert.Equal(t, v, h[string(f)], f)
	}
	pttl, err := rdb.PTTL(ctx, key).Result()
	require.NoError(t, err)
	assert.LessOrEqual(t, pttl, ttl)
	assert.Greater(t, pttl, ttl-5*time.Second)
}

func TestPeerCallLifecycle(t *testing.T) {
	ctx := context.Background()
	rdb, check := storetest.Redis(t), storetest.Redis(t)
	prefix := storetest.Prefix(t, check)
	rt := &storetest.RoundTrips{}
	rdb.AddHook(rt)
	tg := New(rdb, WithKeyPrefix(prefix+"call:"), WithTTL(time.Hour), WithLiveTTL(30*time.Minute))
	key := prefix + "call:" + callID

	w, err := tg.Begin(ctx, callID, map[Field]string{FieldFlow: "main", FieldFlowVersion: "12", FieldPurpose: "scheduling"})
	require.NoError(t, err)
	assertRealStored(t, check, key, w, 30*time.Minute)

	require.NoError(t, w.Set(ctx, map[Field]string{FieldVerificationLevel: "partial", FieldSubject: testSubject, FieldCallerRole: "representative"}))
	require.NoError(t, w.AddFlag(ctx, FlagVerificationFailed))
	require.NoError(t, w.AddFlag(ctx, FlagSuspectedPretexting))
	require.NoError(t, w.AddFlag(ctx, FlagVerificationFailed))
	require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "scheduling", FieldState: "queued"}))
	assertRealStored(t, check, key, w, 30*time.Minute)
	assert.Equal(t, "suspected_pretexting,verification_failed", check.HGet(ctx, key, "flags").Val())

	require.NoError(t, w.End(ctx, "ended"))
	assertRealStored(t, check, key, w, time.Hour)

	got, err := tg.Get(ctx, callID)
	require.NoError(t, err)
	assert.Equal(t, w.Snapshot(), got)

	// begin, set, add, add, (same flag: none), set, end, get
	assert.Equal(t, [][]string{{"eval"}, {"eval"}, {"eval"}, {"eval"}, {"eval"}, {"eval"}, {"hgetall"}}, rt.Take())
}

// TestPeerRecoversAfterOutage cuts the real store off mid-call, loses the
// hash while it is away, and checks the next Set stores it complete.
func TestPeerRecoversAfterOutage(t *testing.T) {
	ctx := context.Background()
	direct := storetest.Redis(t)
	prefix := storetest.Prefix(t, direct)
	proxy := storetest.NewProxy(t, direct.Options().Addr)
	o := direct.Options()
	rdb := redis.NewClient(&redis.Options{Addr: proxy.Addr(), DB: o.DB, Username: o.Username, Password: o.Password, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	tg := New(rdb, WithKeyPrefix(prefix), WithTimeout(time.Second))
	key := prefix + callID

	w, err := tg.Begin(ctx, callID, map[Field]string{FieldPurpose: "billing"})
	require.NoError(t, err)

	proxy.SetDown(true)
	require.ErrorIs(t, w.Set(ctx, map[Field]string{FieldVerificationLevel: "full", FieldSubject: testSubject}), ErrStoreUnavailable)
	require.ErrorIs(t, w.AddFlag(ctx, FlagLockedOut), ErrStoreUnavailable)
	require.NoError(t, direct.Del(ctx, key).Err(), "the store loses the hash while we are away")

	proxy.SetDown(false)
	require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "billing"}))
	assertRealStored(t, direct, key, w, DefaultLiveTTL)
	assert.Equal(t, "full", direct.HGet(ctx, key, "verification_level").Val())
	assert.Equal(t, "locked_out", direct.HGet(ctx, key, "flags").Val())
}

// BenchmarkPeerWriterSet measures a Set against the real redis-server
// (miniredis would mostly measure its Lua interpreter).
func BenchmarkPeerWriterSet(b *testing.B) {
	ctx := context.Background()
	rdb := storetest.Redis(b)
	w, err := New(rdb, WithKeyPrefix(storetest.Prefix(b, rdb))).Begin(ctx, callID, nil)
	require.NoError(b, err)
	kv := map[Field]string{FieldVerificationLevel: "partial", FieldQueue: "nurse"}
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Set(ctx, kv); err != nil {
			b.Fatal(err)
		}
	}
}
