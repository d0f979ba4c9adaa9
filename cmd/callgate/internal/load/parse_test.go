package load

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/sip"
	sipmsg "github.com/emiago/sipgo/sip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseScript(t *testing.T) {
	valid := []struct {
		name string
		in   string
		want []Step
	}{
		{name: "empty", in: "", want: nil},
		{name: "member services", in: "1110001234#041219804321#1@1s", want: []Step{{Keys: "1110001234#041219804321#1", Offset: time.Second}}},
		{name: "several with implicit offset", in: "1@2s, 1234#@5s,9", want: []Step{{"1", 2 * time.Second}, {"1234#", 5 * time.Second}, {"9", 6 * time.Second}}},
		{name: "letters and star", in: "*A#D@1500ms", want: []Step{{"*A#D", 1500 * time.Millisecond}}},
	}
	for _, tc := range valid {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseScript(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			if len(got) > 0 {
				again, err := ParseScript(FormatScript(got))
				require.NoError(t, err)
				assert.Equal(t, got, again, "FormatScript round-trips")
			}
		})
	}
	invalid := []struct{ name, in string }{
		{"bad key", "12x@1s"},
		{"no keys", "@1s"},
		{"bad offset", "1@soon"},
		{"negative offset", "1@-1s"},
		{"offsets go back", "1@2s,2@1s"},
	}
	for _, tc := range invalid {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScript(tc.in)
			assert.ErrorIs(t, err, ErrBadScript)
		})
	}
}

func TestCheckTarget(t *testing.T) {
	for _, ok := range []string{"sip:ivr@127.0.0.1:5060", "sip:ivr@127.0.0.2:5060;transport=tcp", "sip:ivr@localhost:5060", "sip:ivr@[::1]:5060"} {
		assert.NoError(t, CheckTarget(ok), ok)
	}
	for _, bad := range []string{"sip:ivr@10.0.0.1:5060", "sip:ivr@example.com", "sip:ivr@192.168.1.1", "sip:ivr@[2001:db8::1]:5060"} {
		assert.ErrorIs(t, CheckTarget(bad), ErrNotLoopback, bad)
	}
	assert.ErrorIs(t, CheckTarget(""), ErrBadConfig)
}

func TestConfigValidate(t *testing.T) {
	base := func() Config {
		c := Config{Target: "sip:ivr@127.0.0.1:5060"}
		c.setDefaults()
		return c
	}
	c := base()
	require.NoError(t, c.validate())

	tests := []struct {
		name string
		edit func(*Config)
		want error
	}{
		{"remote local IP", func(c *Config) { c.LocalIP = netip.MustParseAddr("10.1.2.3") }, ErrNotLoopback},
		{"remote metrics", func(c *Config) { c.MetricsURL = "http://10.0.0.1:8080/metrics" }, ErrNotLoopback},
		{"metrics not http", func(c *Config) { c.MetricsURL = "ftp://127.0.0.1/metrics" }, ErrBadConfig},
		{"negative rate", func(c *Config) { c.Rate = -1 }, ErrBadConfig},
		{"tone too short", func(c *Config) { c.Tone = time.Millisecond }, ErrBadConfig},
		{"script longer than the call", func(c *Config) {
			c.Duration = time.Second
			c.Script = []Step{{Keys: "1", Offset: 2 * time.Second}}
		}, ErrBadConfig},
		{"bad RTP range", func(c *Config) { c.RTPPorts = media.PortRange{Low: 5, High: 5} }, media.ErrInvalidPortRange},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base()
			tc.edit(&c)
			assert.ErrorIs(t, c.validate(), tc.want)
		})
	}
}

func TestClassify(t *testing.T) {
	run := context.Background()
	over, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		run  context.Context
		err  error
		want string
	}{
		{"status", run, fmt.Errorf("dial: %w", &sip.StatusError{Code: 503, Reason: "Service Unavailable", Err: sip.ErrCallFailed}), "sip_503"},
		{"ring timeout", run, fmt.Errorf("sip: INVITE: %w", context.DeadlineExceeded), "timeout"},
		{"timer B", run, fmt.Errorf("x: %w", sipmsg.ErrTransactionTimeout), "timeout"},
		{"transport", run, fmt.Errorf("x: %w", sipmsg.ErrTransactionTransport), "transport"},
		{"no ports", run, fmt.Errorf("x: %w", media.ErrNoPorts), "local_ports"},
		{"run over", over, context.Canceled, "aborted"},
		{"other", run, errors.New("boom"), "other"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, classify(tc.run, tc.err))
		})
	}
}

func TestProcParsers(t *testing.T) {
	t.Run("stat with a nasty command name", func(t *testing.T) {
		line := "1234 (call gate) (x)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 9 0 100 123456 789 18446744073709551615\n"
		got, err := parseProcStat([]byte(line))
		require.NoError(t, err)
		assert.Equal(t, uint64(325), got)
		_, err = parseProcStat([]byte("1234 (x) S 1"))
		assert.Error(t, err)
	})
	t.Run("status", func(t *testing.T) {
		rss, thr, err := parseProcStatus([]byte("Name:\tcallgate\nVmRSS:\t   86016 kB\nThreads:\t9\n"))
		require.NoError(t, err)
		assert.Equal(t, uint64(86016), rss)
		assert.Equal(t, 9, thr)
		_, _, err = parseProcStatus([]byte("Name:\tx\n"))
		assert.Error(t, err)
	})
	t.Run("snmp", func(t *testing.T) {
		snmp := "Ip: Forwarding DefaultTTL\nIp: 1 64\n" +
			"Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n" +
			"Udp: 100 2 7 90 5 1 0 0 0\n" +
			"UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors\n" +
			"UdpLite: 0 0 0 0 0 0 0 0 0\n"
		c, err := parseSNMP([]byte(snmp))
		require.NoError(t, err)
		assert.Equal(t, UDPCounters{InErrors: 7, RcvbufErrors: 5, SndbufErrors: 1}, c)
		assert.Equal(t, UDPCounters{InErrors: 2, RcvbufErrors: 1}, c.Sub(UDPCounters{InErrors: 5, RcvbufErrors: 4, SndbufErrors: 1}))
		_, err = parseSNMP([]byte("Ip: 1\n"))
		assert.Error(t, err)
	})
	t.Run("metrics", func(t *testing.T) {
		m := parseMetrics([]byte("# HELP go_goroutines x\n# TYPE go_goroutines gauge\ngo_goroutines 42\ngo_memstats_heap_inuse_bytes 1.048576e+06\n" +
			"callgate_sip_calls_total{cause=\"remote_bye\"} 3\ncallgate_sip_active_calls 2\nprocess_open_fds 17\n"))
		assert.Equal(t, ServerMetrics{Goroutines: 42, HeapInuse: 1 << 20, ActiveCalls: 2, OpenFDs: 17}, m)
	})
	t.Run("udp drops by owner", func(t *testing.T) {
		tbl := "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n" +
			" 1641: 0100007F:9C40 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 351092 2 00000000836708cd 5\n" +
			" 1642: 0100007F:7530 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 351093 2 00000000836708ce 3\n" +
			" 1643: 0100007F:7532 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 351094 2 00000000836708cf 2\n" +
			" 1644: 0100007F:7534 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 351095 2 00000000836708d0 0\n"
		by := parseUDPDrops([]byte(tbl), map[uint64]int{351092: ownerGenerator, 351093: ownerServer, 351095: ownerServer})
		assert.Equal(t, [3]uint64{ownerOther: 2, ownerGenerator: 5, ownerServer: 3}, by)
	})
	t.Run("socket inodes", func(t *testing.T) {
		root := t.TempDir()
		fd := filepath.Join(root, "9", "fd")
		require.NoError(t, os.MkdirAll(fd, 0o755))
		require.NoError(t, os.Symlink("socket:[4242]", filepath.Join(fd, "3")))
		require.NoError(t, os.Symlink("/dev/null", filepath.Join(fd, "4")))
		m := map[uint64]int{}
		socketInodes(root, 9, ownerServer, m)
		assert.Equal(t, map[uint64]int{4242: ownerServer}, m)
	})
	t.Run("host cpu", func(t *testing.T) {
		h, err := parseHostCPU([]byte("cpu  100 5 50 800 20 1 4 7 30 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n"))
		require.NoError(t, err)
		assert.Equal(t, hostCPU{busy: 160, total: 987, steal: 7}, h)
		_, err = parseHostCPU([]byte("intr 1 2 3\n"))
		assert.Error(t, err)
	})
	t.Run("this process from a fake /proc", func(t *testing.T) {
		root := t.TempDir()
		dir := filepath.Join(root, "77")
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "fd"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "stat"), []byte("77 (callgate) S 1 77 77 0 -1 0 0 0 0 0 10 5 0 0 20 0 3 0 1 1 1\n"), 0o644))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "status"), []byte("VmRSS:\t1024 kB\nThreads:\t3\n"), 0o644))
		for _, n := range []string{"0", "1", "2"} {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "fd", n), nil, 0o644))
		}
		s, err := sampleProc(root, 77)
		require.NoError(t, err)
		assert.Equal(t, uint64(15), s.CPUTicks)
		assert.Equal(t, uint64(1024), s.RSSKiB)
		assert.Equal(t, 3, s.Threads)
		n, err := countFDs(root, 77)
		require.NoError(t, err)
		assert.Equal(t, 3, n)
	})
}
