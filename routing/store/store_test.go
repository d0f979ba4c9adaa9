package store

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenEmbedded(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Config{})
	require.NoError(t, err)
	assert.True(t, s.Embedded)
	assert.Contains(t, s.Addr(), "embedded 127.0.0.1:")

	require.NoError(t, s.Ping(ctx))
	require.NoError(t, s.Client.Set(ctx, "k", "v", 0).Err())
	got, err := s.Client.Get(ctx, "k").Result()
	require.NoError(t, err)
	assert.Equal(t, "v", got)

	require.NoError(t, s.Close())
	assert.NoError(t, s.Close(), "a second Close returns the first result")
	assert.ErrorIs(t, s.Ping(ctx), ErrUnavailable)
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func TestEmbeddedExpiresKeys(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s, err := Open(ctx, Config{}, WithClock(clock.Now), WithExpiryInterval(2*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	require.NoError(t, s.Client.Set(ctx, "short", "v", time.Minute).Err())
	require.NoError(t, s.Client.Set(ctx, "long", "v", time.Hour).Err())

	clock.Add(59 * time.Second)
	time.Sleep(20 * time.Millisecond)
	assert.Equal(t, int64(2), s.Client.Exists(ctx, "short", "long").Val(), "nothing expired before its time")

	clock.Add(2 * time.Second)
	require.Eventually(t, func() bool { return s.Client.Exists(ctx, "short").Val() == 0 }, 2*time.Second, 2*time.Millisecond,
		"the embedded store expires keys as its clock moves")
	assert.Equal(t, int64(1), s.Client.Exists(ctx, "long").Val())
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	closed := freePort(t)
	tests := []struct {
		name string
		url  string
		want error
	}{
		{"bad url", "redis://cache:x", ErrBadURL},
		{"nothing listening", "redis://:pw-not-shown@127.0.0.1:" + closed + "/0", ErrUnavailable},
		{"no socket", "unix://" + filepath.Join(t.TempDir(), "none.sock"), ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(ctx, Config{URL: tc.url}, WithPingTimeout(time.Second))
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, s)
			assert.NotContains(t, err.Error(), "pw-not-shown")
		})
	}
}

func TestPeerOpenRedis(t *testing.T) {
	storetest.Redis(t) // skip or fail as the policy says when none answers
	ctx := context.Background()
	s, err := Open(ctx, Config{URL: storetest.RedisURL()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	assert.False(t, s.Embedded)

	p := storetest.Prefix(t, storetest.Redis(t))
	require.NoError(t, s.Client.Set(ctx, p+"k", "v", time.Minute).Err())
	assert.Equal(t, "v", s.Client.Get(ctx, p+"k").Val())
	require.NoError(t, s.Ping(ctx))
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Ping(ctx), ErrUnavailable)
}

func TestPeerWrongPasswordNotShown(t *testing.T) {
	storetest.Redis(t)
	tg, err := parseURL(storetest.RedisURL())
	require.NoError(t, err)
	if tg.password != "" {
		t.Skip("the test server has a password; this test needs one without")
	}
	// A user without a password accepts any; a user that does not exist
	// does not.
	const pw = "wrong-Pw-7f3a9c"
	_, err = Open(context.Background(), Config{URL: "redis://callgate-no-such-user:" + pw + "@" + tg.addrs[0] + "/0"})
	require.ErrorIs(t, err, ErrUnavailable)
	assert.NotContains(t, err.Error(), pw)
}

// TestPeerSentinel runs a real Sentinel (redis-server --sentinel) that
// monitors the test redis-server and opens the store through it.
func TestPeerSentinel(t *testing.T) {
	storetest.Redis(t)
	tg, err := parseURL(storetest.RedisURL())
	require.NoError(t, err)
	if tg.kind != kindTCP || tg.password != "" || tg.tls {
		t.Skip("the Sentinel test needs a plain redis:// test server without a password")
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(storetest.EnvRequirePeers) == "1" {
			t.Fatal("redis-server not found: install redis-server")
		}
		t.Skip("redis-server not found: install redis-server")
	}
	host, port, err := net.SplitHostPort(tg.addrs[0])
	require.NoError(t, err)
	sport := freePort(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "sentinel.conf")
	require.NoError(t, os.WriteFile(conf, []byte("port "+sport+"\nbind 127.0.0.1\ndir "+dir+
		"\nsentinel monitor callgate-test "+host+" "+port+" 1\n"), 0o600))
	cmd := exec.Command(bin, conf, "--sentinel")
	cmd.Dir = dir
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	sentinel := redis.NewSentinelClient(&redis.Options{Addr: "127.0.0.1:" + sport})
	t.Cleanup(func() { _ = sentinel.Close() })
	require.Eventually(t, func() bool {
		addr, err := sentinel.GetMasterAddrByName(context.Background(), "callgate-test").Result()
		return err == nil && len(addr) == 2
	}, 10*time.Second, 50*time.Millisecond, "sentinel did not come up")

	ctx := context.Background()
	s, err := Open(ctx, Config{URL: "redis-sentinel://127.0.0.1:" + sport + ",127.0.0.1:" + freePort(t) + "/callgate-test?db=" + strconv.Itoa(tg.db)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	assert.Contains(t, s.Addr(), "sentinel master callgate-test via 127.0.0.1:"+sport)

	direct := storetest.Redis(t)
	p := storetest.Prefix(t, direct)
	require.NoError(t, s.Client.Set(ctx, p+"k", "via-sentinel", time.Minute).Err())
	assert.Equal(t, "via-sentinel", direct.Get(ctx, p+"k").Val(), "the write reached the monitored master")
}

// freePort returns a TCP port on 127.0.0.1 nothing listens on (now).
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	require.NoError(t, ln.Close())
	return port
}
