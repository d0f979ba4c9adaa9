package store

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want target
	}{
		{"redis with db", "redis://127.0.0.1:6379/15", target{kind: kindTCP, addrs: []string{"127.0.0.1:6379"}, db: 15, serverName: "127.0.0.1"}},
		{"default port and db", "redis://localhost", target{kind: kindTCP, addrs: []string{"localhost:6379"}, serverName: "localhost"}},
		{"trailing slash", "redis://cache/", target{kind: kindTCP, addrs: []string{"cache:6379"}, serverName: "cache"}},
		{"user and password", "redis://app:pw@cache:6380/2", target{kind: kindTCP, addrs: []string{"cache:6380"}, username: "app", password: "pw", db: 2, serverName: "cache"}},
		{"password only", "redis://:pw@cache", target{kind: kindTCP, addrs: []string{"cache:6379"}, password: "pw", serverName: "cache"}},
		{"percent-encoded password", "redis://:p%40ss%2Fw@cache", target{kind: kindTCP, addrs: []string{"cache:6379"}, password: "p@ss/w", serverName: "cache"}},
		{"unencoded @ in password", "redis://:p@ss@cache", target{kind: kindTCP, addrs: []string{"cache:6379"}, password: "p@ss", serverName: "cache"}},
		{"db as query", "redis://cache?db=3", target{kind: kindTCP, addrs: []string{"cache:6379"}, db: 3, serverName: "cache"}},
		{"upper-case scheme", "REDIS://cache", target{kind: kindTCP, addrs: []string{"cache:6379"}, serverName: "cache"}},
		{"tls", "rediss://redis.example.org:6380/1", target{kind: kindTCP, tls: true, addrs: []string{"redis.example.org:6380"}, db: 1, serverName: "redis.example.org"}},
		{"ipv6", "redis://[::1]:6390/4", target{kind: kindTCP, addrs: []string{"[::1]:6390"}, db: 4, serverName: "::1"}},
		{"ipv6 default port", "redis://[::1]", target{kind: kindTCP, addrs: []string{"[::1]:6379"}, serverName: "::1"}},
		{"unix", "unix:///run/redis/redis.sock", target{kind: kindUnix, addrs: []string{"/run/redis/redis.sock"}}},
		{"unix with password and db", "unix://:pw@/run/redis.sock?db=2", target{kind: kindUnix, addrs: []string{"/run/redis.sock"}, password: "pw", db: 2}},
		{"sentinel", "redis-sentinel://:pw@s1:26379,s2:26380/mymaster?db=2", target{kind: kindSentinel, addrs: []string{"s1:26379", "s2:26380"}, password: "pw", db: 2, master: "mymaster"}},
		{"sentinel default port", "redis-sentinel://10.0.0.1,10.0.0.2/calls", target{kind: kindSentinel, addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379"}, master: "calls"}},
		{"sentinel ipv6", "redis-sentinel://[fd00::1]:26379,s2/m-1", target{kind: kindSentinel, addrs: []string{"[fd00::1]:26379", "s2:26379"}, master: "m-1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseURL(tc.url)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct {
		name string
		url  string
		part string // the part the error must name
	}{
		{"no scheme", "127.0.0.1:6379", "scheme"},
		{"wrong scheme", "http://cache", "scheme"},
		{"missing host", "redis://", "host"},
		{"missing host with db", "redis:///0", "host"},
		{"port not a number", "redis://cache:abc", "port"},
		{"port zero", "redis://cache:0", "port"},
		{"port too big", "redis://cache:70000", "port"},
		{"empty port", "redis://cache:", "port"},
		{"db not a number", "redis://cache/abc", "database"},
		{"db too big", "redis://cache/70000", "database"},
		{"path too deep", "redis://cache/1/2", "database"},
		{"db twice", "redis://cache/1?db=2", "database"},
		{"db query not a number", "redis://cache?db=x", "database"},
		{"db query repeated", "redis://cache?db=1&db=2", "database"},
		{"unknown option", "redis://cache?dial_timeout=3", "query"},
		{"malformed query", "redis://cache?db=%zz", "query"},
		{"host list without sentinel", "redis://h1,h2", "host"},
		{"bare ipv6", "redis://::1:6379", "host"},
		{"unclosed bracket", "redis://[::1", "host"},
		{"ipv4 in brackets", "redis://[127.0.0.1]:6379", "host"},
		{"junk after bracket", "redis://[::1]x", "host"},
		{"bad host character", "redis://ca$he", "host"},
		{"space", "redis://cache /0", "url"},
		{"fragment", "redis://cache#x", "url"},
		{"bad password escape", "redis://:p%zz@cache", "password"},
		{"bad username escape", "redis://u%zz:p@cache", "username"},
		{"unix with host", "unix://cache/run/redis.sock", "host"},
		{"unix without path", "unix://", "path"},
		{"unix directory", "unix:///run/", "path"},
		{"sentinel without hosts", "redis-sentinel:///mymaster", "host"},
		{"sentinel without master", "redis-sentinel://s1:26379", "master name"},
		{"sentinel empty master", "redis-sentinel://s1:26379/", "master name"},
		{"sentinel nested master", "redis-sentinel://s1/a/b", "master name"},
		{"sentinel bad port", "redis-sentinel://s1:x,s2/m", "port"},
		{"sentinel empty host", "redis-sentinel://s1,,s2/m", "host"},
		{"sentinel db not a number", "redis-sentinel://s1/m?db=x", "database"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseURL(tc.url)
			require.ErrorIs(t, err, ErrBadURL)
			assert.Contains(t, err.Error(), ": "+tc.part+": ")
		})
	}
}

// TestURLErrorsNeverShowPassword puts a password where it belongs and
// where a typo puts it, and checks no error shows it or a piece of it.
func TestURLErrorsNeverShowPassword(t *testing.T) {
	const pw = "Zq8xW3secretPW"
	tests := []struct {
		name string
		url  string
	}{
		{"bad port", "redis://:" + pw + "@cache:abc/0"},
		{"bad db", "redis://user:" + pw + "@cache/x"},
		{"bad scheme", "http://:" + pw + "@cache"},
		{"missing scheme", ":" + pw + "@cache:6379"},
		{"password without @ reads as port", "redis://:" + pw + "/0"},
		{"unencoded slash in password", "redis://:ab/" + pw + "@cache"},
		{"unencoded question mark in password", "redis://:ab?" + pw + "@cache"},
		{"unencoded hash in password", "redis://:ab#" + pw + "@cache"},
		{"bad escape in password", "redis://:%zz" + pw + "@cache"},
		{"password in query", "redis://cache?password=" + pw},
		{"password as query name", "redis://cache?" + pw},
		{"space in password", "redis://:a " + pw + "@cache"},
		{"sentinel no master", "redis-sentinel://:" + pw + "@s1,s2"},
		{"sentinel bad host", "redis-sentinel://:" + pw + "@s1,s$2/m"},
		{"unix with host", "unix://:" + pw + "@cache/run/redis.sock"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseURL(tc.url)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), pw[4:10], "a piece of the password")

			// Open reports the same error.
			_, err = Open(context.Background(), Config{URL: tc.url})
			require.ErrorIs(t, err, ErrBadURL)
			assert.NotContains(t, err.Error(), pw[4:10])
		})
	}
}

// FuzzParseURL checks the parser never panics and never repeats any of
// the URL: every '*' in the input becomes a marker the error must not show.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"redis://:*@cache:6379/1", "redis-sentinel://:*@a,b/m?db=1", "unix://:*@/x.sock", "rediss://[::1]:*", "redis://*/0", "redis://cache?*=1"} {
		f.Add(s)
	}
	const marker = "QQmarkQQ"
	f.Fuzz(func(t *testing.T, raw string) {
		u := strings.ReplaceAll(raw, "*", marker)
		tg, err := parseURL(u)
		if err != nil {
			require.ErrorIs(t, err, ErrBadURL)
			if strings.Contains(err.Error(), marker) {
				t.Fatalf("error repeats the URL: %q", err.Error())
			}
			return
		}
		if len(tg.addrs) == 0 {
			t.Fatalf("no address for %q", u)
		}
	})
}
