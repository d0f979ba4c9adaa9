package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/callgate/callgate/web"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealRedisEndToEnd imports the demo members into a real redis-server
// with `callgate members import`, serves with members.source: redis and
// --redis-url, and verifies a caller: the tags, the guard and the member
// records all live in that Redis.
func TestRealRedisEndToEnd(t *testing.T) {
	rdb := storetest.Redis(t) // real redis-server (CALLGATE_REDIS_TEST_URL, db 15); fails in CI if absent
	url := storetest.RedisURL()
	ctx := context.Background()

	cfgPath := filepath.Join(t.TempDir(), "callgate.yaml")
	cfg := strings.Replace(string(demoConfig), "source: demo ", "source: redis", 1)
	require.Contains(t, cfg, "source: redis")
	require.NoError(t, os.WriteFile(cfgPath, []byte(cfg), 0o600))

	var out, errOut bytes.Buffer
	err := cmdMembers(ctx, []string{"import", "--config", cfgPath, "--redis-url", url, "../../routing/members/testdata/demo-members.csv"}, &out, &errOut, noEnv)
	require.NoError(t, err, errOut.String())
	assert.Contains(t, out.String(), "imported 2 members")
	t.Cleanup(func() { cleanKeys(t, rdb, "callgate:member:*"); cleanKeys(t, rdb, "callgate:guard:*") })
	// The flows this run publishes, not a version an earlier run left.
	cleanFlowKeys(t, rdb)
	t.Cleanup(func() { cleanFlowKeys(t, rdb) })

	app, _, logs, _ := startApp(t, "--config", cfgPath, "--redis-url", url, "--log-level", "debug")
	require.False(t, app.store.Embedded)
	var dialOut bytes.Buffer
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	require.NoError(t, cmdDial(ctx, []string{target, "--dtmf", "22" + "10005678#" + "07221955" + "3344#" + "1" + "@500ms", "--duration", "9s", "--json"}, &dialOut))
	rep := parseReport(t, dialOut.String())
	key := "callgate:call:" + rep.CallID
	t.Cleanup(func() { rdb.Del(context.Background(), key, "callgate:evidence:"+rep.CallID) })
	require.Eventually(t, func() bool { return app.sip.ActiveCalls() == 0 }, 5*time.Second, 10*time.Millisecond)

	got := rdb.HGetAll(ctx, key).Val()
	assert.Equal(t, "full", got["verification_level"], "Ann Carter, James's representative, verified against the imported records")
	assert.Equal(t, "representative", got["caller_role"])
	assert.Equal(t, "contact-mobile-only,no-family-disclosure", got["restrictions"], "the member's restrictions, whoever calls")
	assert.Equal(t, "declined", got["recording_consent"])
	assert.Positive(t, rdb.TTL(ctx, key).Val())
	assertNoPHI(t, logs.String())

	// Nothing in the imported records or the tags is PHI in clear but the
	// display fields (f:...) the screen may show.
	for _, k := range rdb.Keys(ctx, "callgate:member:*").Val() {
		assert.NotContains(t, k, "10005678")
		for f, v := range rdb.HGetAll(ctx, k).Val() {
			if strings.HasPrefix(f, "f:") || strings.HasSuffix(f, ":name") || strings.HasSuffix(f, ":relationship") {
				continue
			}
			for _, phi := range []string{"10005678", "07221955", "8642", "3344", "10001234", "04121980", "4321", "7788"} {
				assert.NotContains(t, v, phi, "field %s", f)
			}
		}
	}
}

func cleanKeys(t *testing.T, rdb *redis.Client, pattern string) {
	t.Helper()
	if keys := rdb.Keys(context.Background(), pattern).Val(); len(keys) > 0 {
		rdb.Del(context.Background(), keys...)
	}
}

// TestRealRedisSharedSignInLockout serves two nodes on one real
// redis-server: failed sign-ins on node 1 lock the username out on node 2.
func TestRealRedisSharedSignInLockout(t *testing.T) {
	rdb := storetest.Redis(t)
	url := storetest.RedisURL()
	cleanKeys(t, rdb, "callgate:web:signin:*")
	t.Cleanup(func() { cleanKeys(t, rdb, "callgate:web:signin:*") })
	node1, _, _, _ := startApp(t, "--redis-url", url)
	node2, _, logs2, _ := startApp(t, "--redis-url", url)
	base1 := "http://" + node1.httpLn.Addr().String()
	base2 := "http://" + node2.httpLn.Addr().String()

	for range web.DefaultMaxFailures {
		code, _ := (&apiClient{t: t, base: base1}).do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "otto", "password": "guess"})
		require.Equal(t, http.StatusUnauthorized, code)
	}
	code, _ := (&apiClient{t: t, base: base2}).do(http.MethodPost, "/api/v1/auth/login", map[string]string{"username": "otto", "password": "otto-demo-1"})
	assert.Equal(t, http.StatusTooManyRequests, code, "node 2 refuses otto after node 1's failures, even with the right password")
	keys := rdb.Keys(context.Background(), "callgate:web:signin:*").Val()
	require.Len(t, keys, 1)
	assert.NotContains(t, keys[0], "otto")
	assert.Contains(t, logs2.String(), "outcome=locked_out")
}
