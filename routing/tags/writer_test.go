package tags

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const callID = "a84b4c76e66710@pc33.example.com"

// hash reads a hash straight from miniredis, as strings.
func hash(t *testing.T, m *miniredis.Miniredis, key string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if !m.Exists(key) {
		return out
	}
	keys, err := m.HKeys(key)
	require.NoError(t, err)
	for _, f := range keys {
		out[f] = m.HGet(key, f)
	}
	return out
}

func TestBegin(t *testing.T) {
	tests := []struct {
		name    string
		initial map[Field]string
		want    map[string]string
	}{
		{
			name:    "defaults",
			initial: nil,
			want: map[string]string{
				"verification_level": "none", "caller_role": "unknown", "recording_consent": "unanswered",
				"restrictions": "", "flags": "", "state": "ivr",
			},
		},
		{
			name: "initial fields override defaults",
			initial: map[Field]string{
				FieldFlow: "main-menu", FieldFlowVersion: "7", FieldPurpose: "scheduling",
				FieldState: "greeting", FieldFlags: "b,a", FieldCallerRole: string(Self),
			},
			want: map[string]string{
				"verification_level": "none", "caller_role": "self", "recording_consent": "unanswered",
				"restrictions": "", "flags": "a,b", "state": "greeting",
				"flow": "main-menu", "flow_version": "7", "purpose": "scheduling",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			m, rdb := storetest.Mini(t)
			tg := New(rdb)
			w, err := tg.Begin(ctx, callID, tc.initial)
			require.NoError(t, err)
			assert.Equal(t, tc.want, hash(t, m, "callgate:call:"+callID))
			assert.Equal(t, DefaultLiveTTL, m.TTL("callgate:call:"+callID))
			_, unsynced := w.Unsynced()
			assert.False(t, unsynced)

			snap := w.Snapshot()
			assert.Len(t, snap, len(tc.want))
			for k, v := range tc.want {
				assert.Equal(t, v, snap[Field(k)], k)
			}
		})
	}
}

func TestBeginRejects(t *testing.T) {
	tests := []struct {
		name    string
		callID  string
		initial map[Field]string
		want    error
	}{
		{"empty Call-ID", "", nil, ErrBadCallID},
		{"Call-ID with space", "a b", nil, ErrBadCallID},
		{"bad value", callID, map[Field]string{FieldSubject: "W123456789"}, ErrInvalidValue},
		{"unknown field", callID, map[Field]string{"dob": "x"}, ErrUnknownField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, rdb := storetest.Mini(t)
			w, err := New(rdb).Begin(context.Background(), tc.callID, tc.initial)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, w)
			assert.Empty(t, m.Keys(), "nothing written")
		})
	}
}

func TestBeginClearsEarlierHash(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	m.HSet("callgate:call:"+callID, "subject", testSubject, "agent", "old.agent", "verification_level", "full")

	_, err := New(rdb).Begin(ctx, callID, nil)
	require.NoError(t, err)
	h := hash(t, m, "callgate:call:"+callID)
	assert.NotContains(t, h, "subject", "nothing from an earlier call with this Call-ID survives")
	assert.NotContains(t, h, "agent")
	assert.Equal(t, "none", h["verification_level"])
}

func TestWriterSet(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	w, err := New(rdb).Begin(ctx, callID, nil)
	require.NoError(t, err)

	tests := []struct {
		name    string
		kv      map[Field]string
		wantErr error
		want    map[string]string // fields checked after
	}{
		{"verified", map[Field]string{FieldVerificationLevel: "full", FieldSubject: testSubject, FieldCallerRole: "self"},
			nil, map[string]string{"verification_level": "full", "subject": testSubject, "caller_role": "self"}},
		{"flags normalized", map[Field]string{FieldFlags: "verification_failed,locked_out,locked_out"},
			nil, map[string]string{"flags": "locked_out,verification_failed"}},
		{"one bad value writes nothing", map[Field]string{FieldQueue: "nurse", FieldSubject: "Jane Doe"},
			ErrInvalidValue, map[string]string{"subject": testSubject}},
		{"nothing to write", nil, nil, map[string]string{"verification_level": "full"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := w.Set(ctx, tc.kv)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				assert.NotContains(t, err.Error(), "Jane")
			} else {
				require.NoError(t, err)
			}
			h := hash(t, m, key)
			for k, v := range tc.want {
				assert.Equal(t, v, h[k], k)
			}
		})
	}
	assert.NotContains(t, hash(t, m, key), "queue", "a rejected Set writes none of its fields")
	assert.NotContains(t, w.Snapshot(), FieldQueue)
}

func TestWriterAddFlag(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	w, err := New(rdb).Begin(ctx, callID, nil)
	require.NoError(t, err)

	tests := []struct {
		name    string
		flag    string
		wantErr error
		want    string
	}{
		{"first", FlagVerificationFailed, nil, "verification_failed"},
		{"sorted in", FlagLockedOut, nil, "locked_out,verification_failed"},
		{"duplicate", FlagVerificationFailed, nil, "locked_out,verification_failed"},
		{"third", FlagSuspectedPretexting, nil, "locked_out,suspected_pretexting,verification_failed"},
		{"invalid", "Jane,Doe", ErrInvalidValue, "locked_out,suspected_pretexting,verification_failed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := w.AddFlag(ctx, tc.flag)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, m.HGet(key, "flags"))
			assert.Equal(t, tc.want, w.Snapshot()[FieldFlags])
		})
	}
}

func TestWriterEnd(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	tg := New(rdb, WithTTL(2*time.Hour), WithLiveTTL(time.Hour))
	w, err := tg.Begin(ctx, callID, map[Field]string{FieldPurpose: "billing"})
	require.NoError(t, err)
	assert.Equal(t, time.Hour, m.TTL(key))

	m.FastForward(10 * time.Minute)
	require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "billing"}))
	assert.Equal(t, time.Hour, m.TTL(key), "writes during the call renew the live expiry")

	require.NoError(t, w.End(ctx, "ended"))
	assert.Equal(t, "ended", m.HGet(key, "state"))
	assert.Equal(t, 2*time.Hour, m.TTL(key), "kept for the TTL after hang-up")

	require.ErrorIs(t, w.Set(ctx, map[Field]string{FieldAgent: "x"}), ErrEnded)
	require.ErrorIs(t, w.AddFlag(ctx, "x"), ErrEnded)
	require.ErrorIs(t, w.End(ctx, "ended"), ErrEnded)
	require.ErrorIs(t, w.End(ctx, "Ended"), ErrInvalidValue, "validation comes first")

	got, err := tg.Get(ctx, callID)
	require.NoError(t, err)
	assert.Equal(t, w.Snapshot(), got)

	m.FastForward(2 * time.Hour)
	_, err = tg.Get(ctx, callID)
	assert.ErrorIs(t, err, ErrNotFound, "gone after the TTL")
}

func TestTagsGet(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	tg := New(rdb, WithKeyPrefix("t:"))
	tests := []struct {
		name   string
		callID string
		want   error
	}{
		{"missing", "nope@host", ErrNotFound},
		{"bad Call-ID", "", ErrBadCallID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tg.Get(ctx, tc.callID)
			assert.ErrorIs(t, err, tc.want)
		})
	}
	_, err := tg.Begin(ctx, "c1", nil)
	require.NoError(t, err)
	assert.Equal(t, int64(1), rdb.Exists(ctx, "t:c1").Val(), "the key prefix applies")
}

func TestMetricsHook(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	type call struct {
		op  string
		err error
	}
	var mu sync.Mutex
	var calls []call
	tg := New(rdb, WithMetrics(func(op string, err error) {
		mu.Lock()
		calls = append(calls, call{op, err})
		mu.Unlock()
	}))
	w, err := tg.Begin(ctx, callID, nil)
	require.NoError(t, err)
	require.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: "nurse"}))
	require.Error(t, w.Set(ctx, map[Field]string{FieldQueue: "Nurse"}))
	require.NoError(t, w.AddFlag(ctx, FlagLockedOut))
	require.NoError(t, w.End(ctx, "ended"))
	_, err = tg.Get(ctx, "other")
	require.Error(t, err)

	mu.Lock()
	defer mu.Unlock()
	ops := make([]string, len(calls))
	for i, c := range calls {
		ops[i] = c.op
	}
	assert.Equal(t, []string{OpBegin, OpSet, OpSet, OpAddFlag, OpEnd, OpGet}, ops)
	assert.NoError(t, calls[1].err)
	assert.ErrorIs(t, calls[2].err, ErrInvalidValue)
	assert.ErrorIs(t, calls[5].err, ErrNotFound)
}

// TestWriterConcurrent has many goroutines write one call at once; the
// store ends up equal to the snapshot (run with -race).
func TestWriterConcurrent(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	key := "callgate:call:" + callID
	w, err := New(rdb).Begin(ctx, callID, nil)
	require.NoError(t, err)

	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 20 {
				assert.NoError(t, w.Set(ctx, map[Field]string{FieldQueue: fmt.Sprintf("q%d-%d", i, j), FieldAgent: fmt.Sprintf("a%d", j)}))
				assert.NoError(t, w.AddFlag(ctx, fmt.Sprintf("f%d", i)))
				_ = w.Snapshot()
			}
		})
	}
	wg.Wait()

	snap := w.Snapshot()
	h := hash(t, m, key)
	assert.Len(t, h, len(snap))
	for f, v := range snap {
		assert.Equal(t, v, h[string(f)], f)
	}
	assert.Len(t, strings.Split(h["flags"], ","), 16)
}
