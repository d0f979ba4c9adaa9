package members

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

const (
	// envRedisURL names the real redis-server the tests use.
	envRedisURL = "CALLGATE_REDIS_TEST_URL"
	// defaultRedisURL is database 15 on the local redis-server.
	defaultRedisURL = "redis://127.0.0.1:6379/15"
	// envRequirePeers makes a missing redis-server a failure, not a skip.
	envRequirePeers = "CALLGATE_REQUIRE_PEERS"
)

// testKey is the HMAC key of every test directory.
var testKey = []byte("callgate-members-test-key-0123456789") //nolint:gochecknoglobals // test fixture

// testParams are cheap argon2id parameters for tests (64 KiB, one pass).
var testParams = Argon2Params{Time: 1, MemoryKiB: 64, Threads: 1, KeyLen: 32, SaltLen: 16} //nolint:gochecknoglobals // test fixture

// demoPerson is one row of the demo table, in clear, as the tests enter it.
type demoPerson struct {
	id, name, dob, dobDisplay, pin string
	restrictions                   []string
	repName, repRelationship       string
	repCode                        string
	repScope                       []string
}

var (
	maria = demoPerson{ //nolint:gochecknoglobals // test fixture
		id: "10001234", name: "Maria Lopez", dob: "04121980", dobDisplay: "04/12/1980", pin: "4321",
		repName: "Carlos Lopez", repRelationship: "spouse", repCode: "7788", repScope: []string{"scheduling", "billing"},
	}
	james = demoPerson{ //nolint:gochecknoglobals // test fixture
		id: "10005678", name: "James Carter", dob: "07221955", dobDisplay: "07/22/1955", pin: "8642",
		restrictions: []string{"no-family-disclosure", "contact-mobile-only"},
		repName:      "Ann Carter", repRelationship: "daughter", repCode: "3344", repScope: []string{"scheduling"},
	}
	demoPeople = []demoPerson{maria, james} //nolint:gochecknoglobals // test fixture
)

// subject returns p's subject under testKey.
func (p demoPerson) subject() string { return SubjectOf(testKey, []byte(p.id)) }

// secrets returns what must never leak: member ID, DOB in both forms, PIN,
// representative code.
func (p demoPerson) secrets() []string { return []string{p.id, p.dob, p.dobDisplay, p.pin, p.repCode} }

// demoCSVRecords parses testdata/demo-members.csv.
func demoCSVRecords(t testing.TB) []Record {
	t.Helper()
	f, err := os.Open("testdata/demo-members.csv")
	require.NoError(t, err)
	defer f.Close()
	recs, err := ParseCSV(f)
	require.NoError(t, err)
	return recs
}

// newDemoStatic returns the demo table in a Static directory with cheap parameters.
func newDemoStatic(t testing.TB) *Static {
	t.Helper()
	s, err := NewStatic(testKey, demoCSVRecords(t), testParams)
	require.NoError(t, err)
	return s
}

// miniRedisClient returns a client of a fresh miniredis.
func miniRedisClient(t testing.TB) (redis.UniversalClient, *miniredis.Miniredis) {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb, mr
}

// realRedisClient returns a client of the redis-server at
// CALLGATE_REDIS_TEST_URL (default redis://127.0.0.1:6379/15). If it does
// not answer the test fails with CALLGATE_REQUIRE_PEERS=1 and is skipped
// otherwise.
func realRedisClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	url := os.Getenv(envRedisURL)
	if url == "" {
		url = defaultRedisURL
	}
	opt, err := redis.ParseURL(url)
	require.NoError(t, err, "%s is not a redis:// URL", envRedisURL)
	rdb := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		// The address only: the URL may carry a password.
		msg := "redis-server not answering at " + opt.Addr + ": install redis-server (apt-get install -y redis-server) or set " + envRedisURL
		if os.Getenv(envRequirePeers) == "1" {
			t.Fatalf("%s (%v)", msg, err)
		}
		t.Skipf("%s (%v)", msg, err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// uniquePrefix returns a key prefix no other test run uses and deletes
// every key under it (and only those) when the test ends.
func uniquePrefix(t testing.TB, rdb redis.UniversalClient) string {
	t.Helper()
	var b [8]byte
	_, _ = rand.Read(b[:])
	prefix := "callgate-test:members:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys := scanKeys(t, rdb, prefix)
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) { // never anything else
				_ = rdb.Del(ctx, k).Err()
			}
		}
	})
	return prefix
}

// scanKeys returns every key starting with prefix.
func scanKeys(t testing.TB, rdb redis.UniversalClient, prefix string) []string {
	t.Helper()
	var keys []string
	iter := rdb.Scan(context.Background(), 0, prefix+"*", 100).Iterator()
	for iter.Next(context.Background()) {
		keys = append(keys, iter.Val())
	}
	require.NoError(t, iter.Err())
	return keys
}

// redisBackend names a way to get a Redis client.
type redisBackend struct {
	name   string
	client func(testing.TB) redis.UniversalClient
}

// redisBackends are miniredis and the real redis-server.
func redisBackends() []redisBackend {
	return []redisBackend{
		{"miniredis", func(t testing.TB) redis.UniversalClient { rdb, _ := miniRedisClient(t); return rdb }},
		{"redis-server", realRedisClient},
	}
}

// newDemoRedis imports the demo CSV into a Redis directory under a unique prefix.
func newDemoRedis(t testing.TB, rdb redis.UniversalClient) *Redis {
	t.Helper()
	r := NewRedis(rdb, testKey, testParams, WithKeyPrefix(uniquePrefix(t, rdb)))
	require.NoError(t, r.Err())
	n, err := r.Import(context.Background(), demoCSVRecords(t))
	require.NoError(t, err)
	require.Equal(t, len(demoPeople), n)
	return r
}
