package store

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// kind is the way a URL reaches Redis.
type kind int

const (
	kindTCP kind = iota
	kindUnix
	kindSentinel
)

const (
	defaultPort         = "6379"
	defaultSentinelPort = "26379"
)

// target is a parsed store URL.
type target struct {
	kind kind
	// addrs holds host:port for TCP (one) and Sentinel (one or more), the
	// socket path for unix.
	addrs    []string
	username string
	password string
	db       int
	// tls is set for rediss://; serverName is the host it verifies.
	tls        bool
	serverName string
	// master is the Sentinel master name.
	master string
}

// where describes the target for errors and logs; it holds no credentials.
func (t target) where() string {
	switch t.kind {
	case kindUnix:
		return "unix:" + t.addrs[0]
	case kindSentinel:
		return "sentinel master " + t.master + " via " + strings.Join(t.addrs, ",")
	default:
		return t.addrs[0]
	}
}

// badURL builds an ErrBadURL naming the part and the rule. It must never be
// given any text taken from the URL.
func badURL(part, rule string) error {
	return fmt.Errorf("%w: %s: %s", ErrBadURL, part, rule)
}

// parseURL parses a store URL (see the package documentation). Its errors
// never contain any of raw.
func parseURL(raw string) (target, error) {
	var t target
	if strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return t, badURL("url", "contains spaces or control characters")
	}
	if strings.Contains(raw, "#") {
		return t, badURL("url", "a fragment (#) is not allowed; percent-encode # in a password as %23")
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return t, badURL("scheme", "missing; want redis://, rediss://, unix:// or redis-sentinel://")
	}
	switch strings.ToLower(scheme) {
	case "redis":
		t.kind = kindTCP
	case "rediss":
		t.kind, t.tls = kindTCP, true
	case "unix":
		t.kind = kindUnix
	case "redis-sentinel":
		t.kind = kindSentinel
	default:
		return t, badURL("scheme", "not supported; want redis, rediss, unix or redis-sentinel")
	}
	rest, rawQuery, _ := strings.Cut(rest, "?")
	authority, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	hosts := authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		if err := t.parseUserinfo(authority[:i]); err != nil {
			return t, err
		}
		hosts = authority[i+1:]
	}
	queryDB, hasQueryDB, err := parseQuery(rawQuery)
	if err != nil {
		return t, err
	}

	switch t.kind {
	case kindTCP:
		if strings.Contains(hosts, ",") {
			return t, badURL("host", "a list of hosts needs redis-sentinel://")
		}
		host, port, err := splitHostPort(hosts, defaultPort)
		if err != nil {
			return t, err
		}
		t.addrs = []string{net.JoinHostPort(host, port)}
		t.serverName = host
		if err := t.parseDBPath(path, hasQueryDB); err != nil {
			return t, err
		}
	case kindUnix:
		if hosts != "" {
			return t, badURL("host", "unix:// takes no host; write unix:///path/to/redis.sock")
		}
		if path == "" || path == "/" || strings.HasSuffix(path, "/") {
			return t, badURL("path", "missing socket path; write unix:///path/to/redis.sock")
		}
		p, err := url.PathUnescape(path)
		if err != nil {
			return t, badURL("path", "bad percent-encoding")
		}
		t.addrs = []string{p}
	case kindSentinel:
		if hosts == "" {
			return t, badURL("host", "missing; list the sentinels as host1:port1,host2:port2")
		}
		for hp := range strings.SplitSeq(hosts, ",") {
			host, port, err := splitHostPort(hp, defaultSentinelPort)
			if err != nil {
				return t, err
			}
			t.addrs = append(t.addrs, net.JoinHostPort(host, port))
		}
		name, ok := strings.CutPrefix(path, "/")
		switch {
		case !ok || name == "":
			return t, badURL("master name", "missing; write redis-sentinel://host:port/mastername")
		case !isMasterName(name):
			return t, badURL("master name", "must be 1 to 128 of A-Z, a-z, 0-9, '.', '_' and '-'")
		}
		t.master = name
	}
	if hasQueryDB {
		t.db = queryDB
	}
	return t, nil
}

// parseUserinfo sets the username and password from "user[:password]".
func (t *target) parseUserinfo(ui string) error {
	user, pass, hasPass := strings.Cut(ui, ":")
	var err error
	if t.username, err = url.PathUnescape(user); err != nil {
		return badURL("username", "bad percent-encoding")
	}
	if hasPass {
		if t.password, err = url.PathUnescape(pass); err != nil {
			return badURL("password", "bad percent-encoding")
		}
	}
	return nil
}

// parseDBPath reads the database number from a redis:// or rediss:// path.
func (t *target) parseDBPath(path string, hasQueryDB bool) error {
	p := strings.TrimPrefix(path, "/")
	if p == "" {
		return nil
	}
	if hasQueryDB {
		return badURL("database", "given both in the path and as ?db=; give it once")
	}
	db, ok := parseDB(p)
	if !ok {
		return badURL("database", "the path must be /N with N a database number from 0 to 65535")
	}
	t.db = db
	return nil
}

// parseQuery accepts only db=N.
func parseQuery(raw string) (db int, has bool, err error) {
	if raw == "" {
		return 0, false, nil
	}
	q, perr := url.ParseQuery(raw)
	if perr != nil {
		return 0, false, badURL("query", "malformed")
	}
	for name, vs := range q {
		if name != "db" {
			// The name is not repeated: a mistyped password can end up here.
			return 0, false, badURL("query", "unknown option; only db=N is supported")
		}
		if len(vs) != 1 {
			return 0, false, badURL("database", "db= given more than once")
		}
		n, ok := parseDB(vs[0])
		if !ok {
			return 0, false, badURL("database", "db= must be a database number from 0 to 65535")
		}
		db, has = n, true
	}
	return db, has, nil
}

func parseDB(s string) (int, bool) {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n <= 65535
}

// splitHostPort splits host[:port] or [v6]:port, applying defPort when the
// port is absent, and checks both parts.
func splitHostPort(hp, defPort string) (host, port string, err error) {
	if hp == "" {
		return "", "", badURL("host", "missing")
	}
	if strings.HasPrefix(hp, "[") {
		end := strings.IndexByte(hp, ']')
		if end < 0 {
			return "", "", badURL("host", "unclosed [ in an IPv6 address")
		}
		host, rest := hp[1:end], hp[end+1:]
		if a, perr := netip.ParseAddr(host); perr != nil || !a.Is6() {
			return "", "", badURL("host", "[...] must hold an IPv6 address")
		}
		switch {
		case rest == "":
			port = defPort
		case rest[0] == ':':
			port = rest[1:]
		default:
			return "", "", badURL("host", "unexpected text after ]")
		}
		if !isPort(port) {
			return "", "", badURL("port", "must be a number from 1 to 65535")
		}
		return host, port, nil
	}
	host, port = hp, defPort
	if i := strings.IndexByte(hp, ':'); i >= 0 {
		if strings.Count(hp, ":") > 1 {
			return "", "", badURL("host", "an IPv6 address must be in brackets, like [::1]:6379")
		}
		host, port = hp[:i], hp[i+1:]
	}
	if !isHostname(host) {
		return "", "", badURL("host", "must be a hostname or IP address")
	}
	if !isPort(port) {
		return "", "", badURL("port", "must be a number from 1 to 65535")
	}
	return host, port, nil
}

func isPort(s string) bool {
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return false
	}
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535
}

// isHostname accepts DNS names and IPv4 addresses (letters, digits, '.',
// '-' and '_', at most 253 bytes).
func isHostname(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func isMasterName(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
