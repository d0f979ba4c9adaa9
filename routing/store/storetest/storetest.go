// Package storetest gives tests of the Redis-backed packages a real
// redis-server (skipped, or failed with CALLGATE_REQUIRE_PEERS=1, when none
// answers), an in-process miniredis, per-test key prefixes that are cleaned
// up, and a go-redis hook that counts round trips.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

const (
	// EnvRequirePeers makes a missing redis-server a test failure instead
	// of a skip when set to "1" (CI).
	EnvRequirePeers = "CALLGATE_REQUIRE_PEERS"
	// EnvRedisURL names the real redis-server tests use.
	EnvRedisURL = "CALLGATE_REDIS_TEST_URL"
	// DefaultRedisURL is used when EnvRedisURL is unset: database 15 of a
	// local redis-server.
	DefaultRedisURL = "redis://127.0.0.1:6379/15"

	installHint = "install redis-server (apt-get install -y redis-server) and start it on 127.0.0.1:6379, or set " + EnvRedisURL
)

// RedisURL returns $CALLGATE_REDIS_TEST_URL or DefaultRedisURL.
func RedisURL() string {
	if u := os.Getenv(EnvRedisURL); u != "" {
		return u
	}
	return DefaultRedisURL
}

// Redis connects to the real redis-server at RedisURL. When it does not
// answer the test is skipped, or failed with CALLGATE_REQUIRE_PEERS=1. The
// client is closed when the test ends. Use Prefix for the keys.
func Redis(t testing.TB) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(RedisURL())
	if err != nil {
		t.Fatalf("%s is not a usable redis URL", EnvRedisURL)
		return nil
	}
	opt.DialerRetries = 1 // a missing server is reported at once
	rdb := redis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		if os.Getenv(EnvRequirePeers) == "1" {
			t.Fatalf("redis-server at %s does not answer (%v): %s", opt.Addr, err, installHint)
			return nil
		}
		t.Skipf("redis-server at %s does not answer (%v): %s", opt.Addr, err, installHint)
		return nil
	}
	return rdb
}

// Prefix returns a key prefix unique to this test run, and deletes every
// key under it (and only those) when the test ends.
func Prefix(t testing.TB, rdb redis.UniversalClient) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	p := "callgate-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for _, k := range Keys(ctx, t, rdb, p) {
			_ = rdb.Del(ctx, k).Err()
		}
	})
	return p
}

// Keys lists the keys under prefix with SCAN, sorted.
func Keys(ctx context.Context, t testing.TB, rdb redis.UniversalClient, prefix string) []string {
	t.Helper()
	var keys []string
	iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("scan %s*: %v", prefix, err)
	}
	slices.Sort(keys)
	return keys
}

// Mini starts a miniredis for the test and returns it with a connected
// client; both are closed when the test ends. Advance its key expiry with
// m.FastForward.
func Mini(t testing.TB) (*miniredis.Miniredis, *redis.Client) {
	t.Helper()
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	return m, rdb
}
