package members

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRedisLayout(t *testing.T) {
	rdb, _ := miniRedisClient(t)
	r := newDemoRedis(t, rdb)
	key := r.keyOf(maria.subject())
	assert.Equal(t, r.prefix+"member:"+maria.subject(), key)

	m, err := rdb.HGetAll(context.Background(), key).Result()
	require.NoError(t, err)
	fields := slices.Sorted(maps.Keys(m))
	assert.Equal(t, []string{
		"dob_hash",
		"f:address", "f:appointments", "f:balance", "f:claims", "f:dob", "f:lab_results", "f:name", "f:phone", "f:plan", "f:prescriptions",
		"pin_hash",
		"rep:0:code_hash", "rep:0:name", "rep:0:relationship", "rep:0:scope",
		"restrictions",
	}, fields)
	phc := `^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`
	for _, f := range []string{"dob_hash", "pin_hash", "rep:0:code_hash"} {
		assert.Regexp(t, phc, m[f], f)
	}
	assert.Equal(t, "", m["restrictions"])
	assert.Equal(t, "scheduling,billing", m["rep:0:scope"])
	assert.Equal(t, "04/12/1980", m["f:dob"])

	jm, err := rdb.HGetAll(context.Background(), r.keyOf(james.subject())).Result()
	require.NoError(t, err)
	assert.Equal(t, "no-family-disclosure,contact-mobile-only", jm["restrictions"])
}

func TestDefaultKeyPrefix(t *testing.T) {
	rdb, mr := miniRedisClient(t)
	r := NewRedis(rdb, testKey, testParams)
	_, err := r.Import(context.Background(), demoCSVRecords(t))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"callgate:member:" + maria.subject(), "callgate:member:" + james.subject()}, mr.Keys())
}

// TestRedisRoundTrips counts the commands each method sends.
func TestRedisRoundTrips(t *testing.T) {
	rdb, mr := miniRedisClient(t)
	r := newDemoRedis(t, rdb)
	ctx := context.Background()
	s := maria.subject()
	require.NoError(t, rdb.Ping(ctx).Err()) // connection set-up is not the methods' cost
	tests := []struct {
		name string
		call func() error
		want int
	}{
		{"Identify, member", func() error { _, _, err := r.Identify(ctx, []byte(maria.id), []byte(maria.dob)); return err }, 1},
		{"Identify, unknown ID", func() error { _, _, err := r.Identify(ctx, []byte("99999999"), []byte(maria.dob)); return err }, 1},
		{"CheckPIN", func() error { _, err := r.CheckPIN(ctx, s, []byte(maria.pin)); return err }, 1},
		{"CheckRepCode", func() error { _, _, err := r.CheckRepCode(ctx, s, []byte(maria.repCode)); return err }, 1},
		{"Restrictions", func() error { _, err := r.Restrictions(ctx, s); return err }, 1},
		{"Record", func() error { _, err := r.Record(ctx, s); return err }, 1},
		{"CheckPIN, not a subject", func() error { _, _ = r.CheckPIN(ctx, maria.id, []byte(maria.pin)); return nil }, 0},
		{"Record, not a subject", func() error { _, _ = r.Record(ctx, maria.id); return nil }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mr.CommandCount()
			require.NoError(t, tt.call())
			assert.Equal(t, tt.want, mr.CommandCount()-before)
		})
	}
}

func TestRedisImport(t *testing.T) {
	ctx := context.Background()
	t.Run("re-import replaces the member", func(t *testing.T) {
		rdb, _ := miniRedisClient(t)
		r := newDemoRedis(t, rdb)
		recs := demoCSVRecords(t)
		recs[0].Representatives = nil
		recs[0].Restrictions = []string{"billing-hold"}
		n, err := r.Import(ctx, recs[:1])
		require.NoError(t, err)
		assert.Equal(t, 1, n)
		m, err := r.Record(ctx, maria.subject())
		require.NoError(t, err)
		assert.Empty(t, m.Representatives, "the old representative is gone")
		assert.Equal(t, []string{"billing-hold"}, m.Restrictions)
		_, ok, err := r.CheckRepCode(ctx, maria.subject(), []byte(maria.repCode))
		require.NoError(t, err)
		assert.False(t, ok)
		_, err = r.Record(ctx, james.subject())
		require.NoError(t, err, "members missing from the import are left alone")
	})
	t.Run("more than one batch", func(t *testing.T) {
		rdb, mr := miniRedisClient(t)
		r := NewRedis(rdb, testKey, testParams)
		recs := make([]Record, 2*importBatch+17)
		for i := range recs {
			recs[i] = Record{
				MemberID: fmt.Appendf(nil, "2%07d", i), Name: fmt.Sprintf("Member %d", i),
				DOB: []byte("01011970"), PIN: []byte("1111"),
			}
		}
		n, err := r.Import(ctx, recs)
		require.NoError(t, err)
		assert.Equal(t, len(recs), n)
		assert.Len(t, mr.Keys(), len(recs))
		subject, ok, err := r.Identify(ctx, []byte("20000210"), []byte("01011970"))
		require.NoError(t, err)
		assert.True(t, ok)
		m, err := r.Record(ctx, subject)
		require.NoError(t, err)
		assert.Equal(t, "Member 210", m.Fields["name"])
	})
	t.Run("an invalid record writes nothing", func(t *testing.T) {
		rdb, mr := miniRedisClient(t)
		r := NewRedis(rdb, testKey, testParams)
		recs := demoCSVRecords(t)
		recs[1].PIN = nil
		n, err := r.Import(ctx, recs)
		require.ErrorIs(t, err, ErrInvalidRecord)
		assert.Contains(t, err.Error(), "record 2: pin")
		assert.Zero(t, n)
		assert.Empty(t, mr.Keys())
	})
	t.Run("cancelled context writes nothing", func(t *testing.T) {
		rdb, mr := miniRedisClient(t)
		r := NewRedis(rdb, testKey, testParams)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := r.Import(cctx, demoCSVRecords(t))
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, mr.Keys())
	})
	t.Run("bad key", func(t *testing.T) {
		rdb, _ := miniRedisClient(t)
		r := NewRedis(rdb, []byte("short"), testParams)
		require.ErrorIs(t, r.Err(), ErrInvalidKey)
		_, err := r.Import(ctx, demoCSVRecords(t))
		require.ErrorIs(t, err, ErrInvalidKey)
	})
}

func TestRedisCorruptRecords(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		damage  func(t *testing.T, r *Redis, key string)
		call    func(r *Redis) error
		wantErr error
	}{
		{"restrictions missing: Restrictions fails closed", hdel("restrictions"),
			func(r *Redis) error { _, err := r.Restrictions(ctx, maria.subject()); return err }, ErrCorrupt},
		{"restrictions missing: Record fails closed", hdel("restrictions"),
			func(r *Redis) error { _, err := r.Record(ctx, maria.subject()); return err }, ErrCorrupt},
		{"PIN hash missing", hdel("pin_hash"),
			func(r *Redis) error { _, err := r.CheckPIN(ctx, maria.subject(), []byte(maria.pin)); return err }, ErrCorrupt},
		{"representative incomplete", hdel("rep:0:scope"),
			func(r *Redis) error {
				_, _, err := r.CheckRepCode(ctx, maria.subject(), []byte(maria.repCode))
				return err
			}, ErrCorrupt},
		{"representative gap", hset("rep:2:name", "X"),
			func(r *Redis) error { _, err := r.Record(ctx, maria.subject()); return err }, ErrCorrupt},
		{"representative bad index", hset("rep:01:name", "X"),
			func(r *Redis) error { _, err := r.Record(ctx, maria.subject()); return err }, ErrCorrupt},
		{"huge memory in a DOB hash", func(t *testing.T, r *Redis, key string) {
			t.Helper()
			v, err := r.rdb.HGet(ctx, key, "dob_hash").Result()
			require.NoError(t, err)
			hset("dob_hash", strings.Replace(v, "m=64", "m=4194304", 1))(t, r, key)
		}, func(r *Redis) error { _, _, err := r.Identify(ctx, []byte(maria.id), []byte(maria.dob)); return err }, ErrCorrupt},
		{"unknown fields are ignored", hset("x:future", "1"),
			func(r *Redis) error { _, err := r.Record(ctx, maria.subject()); return err }, nil},
		{"DOB hash missing: identify fails like an unknown ID", hdel("dob_hash"),
			func(r *Redis) error {
				_, ok, err := r.Identify(ctx, []byte(maria.id), []byte(maria.dob))
				if ok {
					return fmt.Errorf("identified without a DOB hash")
				}
				return err
			}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb, _ := miniRedisClient(t)
			r := newDemoRedis(t, rdb)
			tt.damage(t, r, r.keyOf(maria.subject()))
			err := tt.call(r)
			if tt.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.wantErr)
		})
	}
}

func hdel(field string) func(*testing.T, *Redis, string) {
	return func(t *testing.T, r *Redis, key string) {
		t.Helper()
		require.NoError(t, r.rdb.HDel(context.Background(), key, field).Err())
	}
}

func hset(field, value string) func(*testing.T, *Redis, string) {
	return func(t *testing.T, r *Redis, key string) {
		t.Helper()
		require.NoError(t, r.rdb.HSet(context.Background(), key, field, value).Err())
	}
}
