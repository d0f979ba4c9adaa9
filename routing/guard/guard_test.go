package guard

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testKey = []byte("0123456789abcdef-test-hmac-key") //nolint:gochecknoglobals // test fixture

const (
	subject  = "m_abcdefghijk234567"
	subject2 = "m_zyxwvutsrq765432"
)

func newMini(t *testing.T, cfg Config) (*miniredis.Miniredis, *Guard) {
	t.Helper()
	m, rdb := storetest.Mini(t)
	return m, New(rdb, testKey, cfg)
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		in   Config
		want Config
	}{
		{"zero", Config{}, Config{5, 15 * time.Minute, 30 * time.Minute, 3, time.Hour}},
		{"negative", Config{-1, -time.Second, -1, -2, -time.Minute}, Config{5, 15 * time.Minute, 30 * time.Minute, 3, time.Hour}},
		{"set", Config{3, time.Minute, 2 * time.Minute, 2, 5 * time.Minute}, Config{3, time.Minute, 2 * time.Minute, 2, 5 * time.Minute}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, New(nil, testKey, tc.in).Config())
		})
	}
}

func TestFailureThreshold(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		max     int
		lockFor time.Duration
	}{
		{"defaults", Config{}, 5, 30 * time.Minute},
		{"three, ten minutes", Config{MaxFailures: 3, LockFor: 10 * time.Minute}, 3, 10 * time.Minute},
		{"one", Config{MaxFailures: 1}, 1, 30 * time.Minute},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			m, g := newMini(t, tc.cfg)
			for i := 1; i < tc.max; i++ {
				locked, err := g.Failure(ctx, subject)
				require.NoError(t, err)
				assert.False(t, locked, "failure %d", i)
			}
			locked, err := g.Locked(ctx, subject)
			require.NoError(t, err)
			assert.False(t, locked)

			lockedNow, err := g.Failure(ctx, subject)
			require.NoError(t, err)
			assert.True(t, lockedNow, "failure %d locks", tc.max)
			locked, err = g.Locked(ctx, subject)
			require.NoError(t, err)
			assert.True(t, locked)
			assert.Equal(t, tc.lockFor, m.TTL("callgate:guard:lock:"+subject))
			assert.False(t, m.Exists("callgate:guard:fail:"+subject), "the counter restarts after the lock")

			other, err := g.Locked(ctx, subject2)
			require.NoError(t, err)
			assert.False(t, other, "other members are not locked")
		})
	}
}

func TestFailureWindow(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{})
	fail := "callgate:guard:fail:" + subject

	tests := []struct {
		name    string
		advance time.Duration
		failure bool
		want    bool          // lockedNow
		ttl     time.Duration // of the counter after, 0: gone
	}{
		{"first failure starts the window", 0, true, false, 15 * time.Minute},
		{"second does not extend it", 5 * time.Minute, true, false, 10 * time.Minute},
		{"third", time.Minute, true, false, 9 * time.Minute},
		{"fourth", time.Minute, true, false, 8 * time.Minute},
		{"the window passes", 8 * time.Minute, false, false, 0},
		{"a fifth failure starts again", 0, true, false, 15 * time.Minute},
		{"2", 0, true, false, 15 * time.Minute},
		{"3", 0, true, false, 15 * time.Minute},
		{"4", 0, true, false, 15 * time.Minute},
		{"5 within the window locks", time.Minute, true, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m.FastForward(tc.advance)
			if tc.failure {
				got, err := g.Failure(ctx, subject)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			}
			if tc.ttl == 0 {
				assert.False(t, m.Exists(fail))
			} else {
				assert.Equal(t, tc.ttl, m.TTL(fail))
			}
		})
	}
}

func TestLockExpiry(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{MaxFailures: 2, LockFor: 30 * time.Minute})
	for range 2 {
		_, err := g.Failure(ctx, subject)
		require.NoError(t, err)
	}
	tests := []struct {
		name    string
		advance time.Duration
		failure bool
		want    bool
	}{
		{"locked", 0, false, true},
		{"a failure while locked reports locked", 10 * time.Minute, true, true},
		{"and does not extend the lock", 20*time.Minute - time.Second, false, true},
		{"the lock lifts", time.Second, false, false},
		{"one failure after is the first of a new count", 0, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m.FastForward(tc.advance)
			if tc.failure {
				got, err := g.Failure(ctx, subject)
				require.NoError(t, err)
				assert.Equal(t, tc.want, got)
			}
			got, err := g.Locked(ctx, subject)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	assert.Equal(t, "1", mustGet(t, m, "callgate:guard:fail:"+subject))
}

func TestSuccessClearsFailures(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{})
	for range 4 {
		locked, err := g.Failure(ctx, subject)
		require.NoError(t, err)
		require.False(t, locked)
	}
	require.NoError(t, g.Success(ctx, subject))
	assert.False(t, m.Exists("callgate:guard:fail:"+subject))
	for range 4 {
		locked, err := g.Failure(ctx, subject)
		require.NoError(t, err)
		assert.False(t, locked, "the count started again")
	}
	locked, err := g.Failure(ctx, subject)
	require.NoError(t, err)
	require.True(t, locked)

	require.NoError(t, g.Success(ctx, subject))
	locked, err = g.Locked(ctx, subject)
	require.NoError(t, err)
	assert.True(t, locked, "Success does not lift a lock")
}

func TestTried(t *testing.T) {
	ctx := context.Background()
	_, g := newMini(t, Config{})
	steps := []struct {
		name   string
		caller string
		ref    string
		want   bool
	}{
		{"first member", "+15550100123", subject, false},
		{"same member again", "+15550100123", subject, false},
		{"second member", "+15550100123", subject2, false},
		{"another caller", "+15550100999", "ref-3", false},
		{"third member", "+15550100123", "ref-3", true},
		{"formatted number is the same caller", "+1 (555) 010-0123", "ref-4", true},
		{"known member again", "+15550100123", subject, true},
		{"other caller still below", "+15550100999", subject, false},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := g.Tried(ctx, s.caller, s.ref)
			require.NoError(t, err)
			assert.Equal(t, s.want, got)
		})
	}
}

func TestTriedWindow(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{PretextDistinct: 3, PretextWindow: time.Hour})
	const caller = "+15550100123"
	steps := []struct {
		name    string
		advance time.Duration
		ref     string
		want    bool
	}{
		{"first", 0, "a", false},
		{"second", 10 * time.Minute, "b", false},
		{"forgotten an hour after the last try", time.Hour, "c", false},
		{"the window follows the last try", 50 * time.Minute, "d", false},
		{"third within an hour of the last", 50 * time.Minute, "e", true},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			m.FastForward(s.advance)
			got, err := g.Tried(ctx, caller, s.ref)
			require.NoError(t, err)
			assert.Equal(t, s.want, got)
		})
	}
}

// TestNothingInClear checks no key or value holds a caller number (or its
// digits) or a member reference as given.
func TestNothingInClear(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{})
	callers := []string{"+15550100123", "+1 555 010 0456", "0044 20 7946 0789"}
	refs := []string{subject, "hm_unknownmember42", subject2}
	for _, c := range callers {
		for _, r := range refs {
			_, err := g.Tried(ctx, c, r)
			require.NoError(t, err)
		}
	}
	for range 5 {
		_, err := g.Failure(ctx, subject)
		require.NoError(t, err)
	}
	_, err := g.Failure(ctx, subject2)
	require.NoError(t, err)

	var stored []string
	for _, k := range m.Keys() {
		stored = append(stored, k)
		if strings.Contains(k, ":tried:") {
			members, err := m.Members(k)
			require.NoError(t, err)
			stored = append(stored, members...)
		} else {
			stored = append(stored, mustGet(t, m, k))
		}
	}
	require.NotEmpty(t, stored)
	for _, s := range stored {
		for _, c := range callers {
			assert.NotContains(t, s, c)
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, c)
			assert.NotContains(t, s, digits[len(digits)-7:], "the last 7 digits of a caller")
		}
		assert.NotContains(t, s, "hm_unknownmember42")
	}
	assert.Len(t, m.Keys(), 3+2, "a tried set per caller, a lock and a counter")
}

func TestBadInputs(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	good := New(rdb, testKey, Config{})
	weak := New(rdb, []byte("short"), Config{})
	const memberID = "W123456789"
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"weak key Locked", func() error { _, err := weak.Locked(ctx, subject); return err }, ErrBadKey},
		{"weak key Failure", func() error { _, err := weak.Failure(ctx, subject); return err }, ErrBadKey},
		{"weak key Success", func() error { return weak.Success(ctx, subject) }, ErrBadKey},
		{"weak key Tried", func() error { _, err := weak.Tried(ctx, "+15550100123", subject); return err }, ErrBadKey},
		{"member ID as subject", func() error { _, err := good.Failure(ctx, memberID); return err }, ErrBadSubject},
		{"member ID as subject to Locked", func() error { _, err := good.Locked(ctx, memberID); return err }, ErrBadSubject},
		{"member ID as subject to Success", func() error { return good.Success(ctx, memberID) }, ErrBadSubject},
		{"withheld number", func() error { _, err := good.Tried(ctx, "", subject); return err }, ErrNoCaller},
		{"only separators", func() error { _, err := good.Tried(ctx, " - ", subject); return err }, ErrNoCaller},
		{"overlong number", func() error { _, err := good.Tried(ctx, strings.Repeat("1", 129), subject); return err }, ErrNoCaller},
		{"empty member", func() error { _, err := good.Tried(ctx, "+15550100123", ""); return err }, ErrBadMemberRef},
		{"overlong member", func() error { _, err := good.Tried(ctx, "+15550100123", strings.Repeat("a", 257)); return err }, ErrBadMemberRef},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.op()
			require.ErrorIs(t, err, tc.want)
			assert.NotContains(t, err.Error(), memberID)
		})
	}
	assert.Empty(t, rdb.Keys(ctx, "*").Val(), "nothing written")
}

func TestStoreUnavailable(t *testing.T) {
	ctx := context.Background()
	m, g := newMini(t, Config{})
	m.SetError("LOADING Redis is loading the dataset in memory")
	tests := []struct {
		name string
		op   func() error
	}{
		{"Locked", func() error { _, err := g.Locked(ctx, subject); return err }},
		{"Failure", func() error { _, err := g.Failure(ctx, subject); return err }},
		{"Success", func() error { return g.Success(ctx, subject) }},
		{"Tried", func() error { _, err := g.Tried(ctx, "+15550100123", subject); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.op(), ErrStoreUnavailable)
		})
	}
}

func TestRoundTrips(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	require.NoError(t, rdb.Ping(ctx).Err())
	rt := &storetest.RoundTrips{}
	rdb.AddHook(rt)
	g := New(rdb, testKey, Config{MaxFailures: 2})
	tests := []struct {
		name string
		op   func() error
		want []string
	}{
		{"Locked", func() error { _, err := g.Locked(ctx, subject); return err }, []string{"exists"}},
		{"Failure", func() error { _, err := g.Failure(ctx, subject); return err }, []string{"eval"}},
		{"Failure that locks", func() error { _, err := g.Failure(ctx, subject); return err }, []string{"eval"}},
		{"Success", func() error { return g.Success(ctx, subject) }, []string{"del"}},
		{"Tried", func() error { _, err := g.Tried(ctx, "+15550100123", subject); return err }, []string{"eval"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.op())
			assert.Equal(t, [][]string{tc.want}, rt.Take())
		})
	}
}

func mustGet(t *testing.T, m *miniredis.Miniredis, key string) string {
	t.Helper()
	v, err := m.Get(key)
	require.NoError(t, err)
	return v
}

func BenchmarkMAC(b *testing.B) {
	g := New(nil, testKey, Config{})
	b.ReportAllocs()
	for b.Loop() {
		_ = g.mac("caller", "+15550100123")
	}
}
