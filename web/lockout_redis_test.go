package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/store/storetest"
)

// testLockoutKey is the HMAC key the test nodes share (a deployment's
// secret_key).
const testLockoutKey = "0123456789abcdef-test-secret-key"

// twoNodes returns two servers that share rdb for their lockout, as two
// callgate nodes behind a load balancer would.
func twoNodes(t *testing.T, rdb redis.UniversalClient, prefix string, maxFailures int) (*fixture, *fixture) {
	t.Helper()
	cfg := Config{Demo: true, MaxFailures: maxFailures}
	opt := WithRedisLockout(RedisLockout{Client: rdb, Key: []byte(testLockoutKey), Prefix: prefix})
	return newFixture(t, cfg, nil, opt), newFixture(t, cfg, nil, opt)
}

func login(t *testing.T, f *fixture, user, password string) *httptest.ResponseRecorder {
	t.Helper()
	return f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: user, Password: password}, "")
}

// checkSharedLockout is the cross-node acceptance, against any Redis:
// failures on node 1 lock the username out on node 2, for known and
// unknown usernames, and success on one node forgets failures made on
// the other. Keys hold no username.
func checkSharedLockout(t *testing.T, rdb redis.UniversalClient, prefix string) {
	t.Helper()
	for _, user := range []string{"alice", "nobody"} {
		t.Run("failures on node 1 lock "+user+" out on node 2", func(t *testing.T) {
			n1, n2 := twoNodes(t, rdb, prefix, 3)
			for i := range 3 {
				w := login(t, n1, user, "guess")
				require.Equal(t, http.StatusUnauthorized, w.Code, "failure %d", i+1)
			}
			locked := login(t, n2, user, user+"-demo-1")
			require.Equal(t, http.StatusTooManyRequests, locked.Code, "locked on node 2 even with the right password")
			assert.Equal(t, "too many failed sign-ins; try again later", errorOf(t, locked))
			assert.Equal(t, "900", locked.Header().Get("Retry-After"))
			assert.Equal(t, http.StatusTooManyRequests, login(t, n1, user, user+"-demo-1").Code, "and on node 1")

			e1 := n1.audit.Entries()
			require.Len(t, e1, 4)
			assert.Equal(t, t0.Add(LockoutDuration).Format(time.RFC3339), e1[2].Detail["locked_until"], "node 1's third failure locked it")
			e2 := n2.audit.Entries()
			require.Len(t, e2, 1)
			assert.Equal(t, "locked_out", e2[0].Detail["reason"])

			// Another username is unaffected.
			assert.Equal(t, http.StatusOK, login(t, n2, "bob", "bob-demo-1").Code)
			for _, k := range storetest.Keys(t.Context(), t, rdb, prefix) {
				assert.NotContains(t, k, user, "the key is a hash of the username")
				assert.Regexp(t, `^`+prefix+`[0-9a-f]{64}$`, k)
			}
			require.NoError(t, rdb.Del(t.Context(), storetest.Keys(t.Context(), t, rdb, prefix)...).Err())
		})
	}

	t.Run("success on node 2 forgets failures from node 1", func(t *testing.T) {
		n1, n2 := twoNodes(t, rdb, prefix, 2)
		require.Equal(t, http.StatusUnauthorized, login(t, n1, "alice", "guess").Code)
		require.Equal(t, http.StatusOK, login(t, n2, "alice", "alice-demo-1").Code)
		require.Equal(t, http.StatusUnauthorized, login(t, n1, "alice", "guess").Code)
		assert.Equal(t, http.StatusOK, login(t, n2, "alice", "alice-demo-1").Code, "one failure since the success")
		assert.Empty(t, storetest.Keys(t.Context(), t, rdb, prefix), "nothing kept after a success")
	})
}

func TestRedisLockoutAcrossNodes(t *testing.T) {
	m, rdb := storetest.Mini(t)
	checkSharedLockout(t, rdb, DefaultLockoutPrefix)

	t.Run("the lock lifts when its key expires", func(t *testing.T) {
		n1, n2 := twoNodes(t, rdb, DefaultLockoutPrefix, 2)
		for range 2 {
			require.Equal(t, http.StatusUnauthorized, login(t, n1, "alice", "guess").Code)
		}
		require.Equal(t, http.StatusTooManyRequests, login(t, n2, "alice", "alice-demo-1").Code)
		m.FastForward(LockoutDuration - time.Second)
		w := login(t, n2, "alice", "alice-demo-1")
		require.Equal(t, http.StatusTooManyRequests, w.Code)
		assert.Equal(t, "1", w.Header().Get("Retry-After"), "Retry-After is what Redis has left")
		m.FastForward(time.Second)
		assert.Equal(t, http.StatusOK, login(t, n2, "alice", "alice-demo-1").Code)
	})

	t.Run("failures outside the window do not add up", func(t *testing.T) {
		n1, n2 := twoNodes(t, rdb, DefaultLockoutPrefix, 2)
		require.Equal(t, http.StatusUnauthorized, login(t, n1, "alice", "guess").Code)
		m.FastForward(LockoutWindow)
		require.Equal(t, http.StatusUnauthorized, login(t, n2, "alice", "guess").Code)
		assert.Equal(t, http.StatusOK, login(t, n1, "alice", "alice-demo-1").Code)
	})

	t.Run("TOTP required is not said while locked", func(t *testing.T) {
		cfg := Config{Demo: true, MaxFailures: 1}
		opt := WithRedisLockout(RedisLockout{Client: rdb, Key: []byte(testLockoutKey)})
		n1 := newFixture(t, cfg, nil, opt)
		n2 := newFixture(t, cfg, withTOTP(t, "alice"), opt)
		require.Equal(t, http.StatusUnauthorized, login(t, n1, "alice", "guess").Code)
		w := login(t, n2, "alice", "alice-demo-1")
		assert.Equal(t, http.StatusTooManyRequests, w.Code, "the right password without a code: still just locked")
		m.FastForward(LockoutDuration)
		w = login(t, n2, "alice", "alice-demo-1")
		assert.Equal(t, http.StatusUnauthorized, w.Code)
		assert.Equal(t, "totp required", errorOf(t, w))
	})

	t.Run("parallel guesses on two nodes get at most max verdicts", func(t *testing.T) {
		n1, n2 := twoNodes(t, rdb, DefaultLockoutPrefix, 3)
		codes := make(chan int, 10)
		var wg sync.WaitGroup
		for i := range 10 {
			node := []*fixture{n1, n2}[i%2]
			wg.Go(func() { codes <- login(t, node, "alice", "guess").Code })
		}
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		assert.Equal(t, map[int]int{http.StatusUnauthorized: 3, http.StatusTooManyRequests: 7}, got)
		m.FastForward(LockoutDuration)
	})

	t.Run("one round trip per attempt", func(t *testing.T) {
		rt := &storetest.RoundTrips{}
		counted := redis.NewClient(&redis.Options{Addr: m.Addr(), MaxRetries: -1})
		t.Cleanup(func() { _ = counted.Close() })
		counted.AddHook(rt)
		n1, _ := twoNodes(t, counted, DefaultLockoutPrefix, 3)
		for _, pw := range []string{"guess", "alice-demo-1"} {
			_ = rt.Take()
			login(t, n1, "alice", pw)
			assert.Equal(t, [][]string{{"eval"}}, rt.Take(), "password %s", pw)
		}
	})

	t.Run("store down: fail closed", func(t *testing.T) {
		m2, rdb2 := storetest.Mini(t)
		n1, _ := twoNodes(t, rdb2, DefaultLockoutPrefix, 3)
		m2.Close()
		for _, pw := range []string{"guess", "alice-demo-1"} {
			w := login(t, n1, "alice", pw)
			assert.Equal(t, http.StatusServiceUnavailable, w.Code, "no verdict without a count (password %s)", pw)
			assert.Equal(t, "unavailable; try again", errorOf(t, w))
			assert.Empty(t, w.Result().Cookies())
		}
		assert.NotContains(t, n1.logs.String(), "alice-demo-1")
	})
}

// TestRedisLockoutRealRedis runs the cross-node acceptance against a real
// redis-server.
func TestRedisLockoutRealRedis(t *testing.T) {
	rdb := storetest.Redis(t)
	checkSharedLockout(t, rdb, storetest.Prefix(t, rdb)+"signin:")
}

func TestWithRedisLockoutValidates(t *testing.T) {
	_, rdb := storetest.Mini(t)
	dir := demoDir(t, nil)
	for name, c := range map[string]RedisLockout{
		"no client":        {Key: []byte(testLockoutKey)},
		"short key":        {Client: rdb, Key: []byte("short")},
		"negative timeout": {Client: rdb, Key: []byte(testLockoutKey), Timeout: -time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(Config{}, dir, NewHub(), &presenceRecorder{}, WithRedisLockout(c))
			assert.ErrorIs(t, err, ErrInvalidConfig)
			assert.False(t, strings.Contains(err.Error(), testLockoutKey), "the key is never echoed")
		})
	}
}

// withTOTP is the demo directory with user enrolled in TOTP.
func withTOTP(t *testing.T, user string) []agents.Agent {
	t.Helper()
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "callgate", AccountName: user})
	require.NoError(t, err)
	return demoDir(t, func(d []agents.Agent) []agents.Agent {
		for i := range d {
			if d[i].Username == user {
				d[i].TOTPSecret = key.Secret()
			}
		}
		return d
	})
}
