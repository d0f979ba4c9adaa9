package main

import (
	"crypto/md5" //nolint:gosec // SIP digest HA1 is MD5 (RFC 2617)
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/callgate/callgate/sip"
	"github.com/callgate/callgate/sip/trunk"
)

// TrunkConfig is one SIP trunk (a carrier). README.md § Trunks documents
// each field.
type TrunkConfig struct {
	// Name identifies the trunk in logs, metrics and the API: lower-case
	// letters, digits, '-' and '_', at most 32.
	Name string `yaml:"name"`
	// Address is the trunk's signalling address HOST:PORT; Addresses
	// lists several. Both may be given. Each is probed with OPTIONS.
	Address   string   `yaml:"address"`
	Addresses []string `yaml:"addresses"`
	// Transport is udp (default) or tcp.
	Transport string `yaml:"transport"`
	// Allow lists the networks (CIDRs, or single IPs) the trunk's INVITEs
	// come from.
	Allow []string `yaml:"allow"`
	// Digest makes the trunk authenticate its INVITEs (407 challenge);
	// with Allow as well, both must hold.
	Digest *TrunkDigestConfig `yaml:"digest"`
	// MaxCalls is the trunk's concurrent call limit (503 beyond); 0 leaves
	// only sip.max_calls.
	MaxCalls int `yaml:"max_calls"`
	// OptionsInterval is the time between OPTIONS probes of each address
	// (default 30s, at least 100ms).
	OptionsInterval time.Duration `yaml:"options_interval"`
	// OptionsTimeout bounds one probe (default half the interval, at most 5s).
	OptionsTimeout time.Duration `yaml:"options_timeout"`
	// DownAfter consecutive unanswered probes mark an address down (default 2).
	DownAfter int `yaml:"down_after"`
	// DegradedRTT: an answer slower than this is degraded (default 1s).
	DegradedRTT time.Duration `yaml:"degraded_rtt"`
}

// TrunkDigestConfig is a trunk's digest credentials. The secret never
// sits in the file: it is read from the environment variable named here.
type TrunkDigestConfig struct {
	// Username the trunk authenticates as.
	Username string `yaml:"username"`
	// PasswordEnv names the variable holding the password; HA1Env, instead,
	// one holding MD5(username:callgate:password) in hex. Exactly one.
	PasswordEnv string `yaml:"password_env"`
	HA1Env      string `yaml:"ha1_env"`
}

var (
	trunkNameRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`) //nolint:gochecknoglobals // read-only
	envNameRe   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)   //nolint:gochecknoglobals // read-only
	hexHA1Re    = regexp.MustCompile(`^[0-9a-fA-F]{32}$`)          //nolint:gochecknoglobals // read-only
)

// addresses is Address and Addresses together.
func (t TrunkConfig) addresses() []string {
	out := make([]string, 0, len(t.Addresses)+1)
	if t.Address != "" {
		out = append(out, t.Address)
	}
	return append(out, t.Addresses...)
}

// validateTrunks checks every trunk field; bad reports one problem.
func (c *Config) validateTrunks(bad func(field, format string, args ...any)) {
	names := map[string]int{}
	users := map[string]int{}
	for i, t := range c.Trunks {
		f := func(field string) string { return fmt.Sprintf("trunks[%d].%s", i, field) }
		switch {
		case !trunkNameRe.MatchString(t.Name):
			bad(f("name"), "%q: want lower-case letters, digits, '-' and '_' (at most 32), starting with a letter or digit", t.Name)
		default:
			if j, dup := names[t.Name]; dup {
				bad(f("name"), "%q is also trunks[%d]'s name", t.Name, j)
			}
			names[t.Name] = i
		}
		addrs := t.addresses()
		if len(addrs) == 0 {
			bad(f("address"), "give the trunk's address HOST:PORT (or addresses)")
		}
		for j, a := range addrs {
			if err := checkHostPort(a); err != nil {
				field := f("address")
				if t.Address == "" || j > 0 {
					field = f(fmt.Sprintf("addresses[%d]", j-btoi(t.Address != "")))
				}
				bad(field, "%q: %v", a, err)
			}
		}
		switch t.Transport {
		case "", trunk.UDP, trunk.TCP:
		default:
			bad(f("transport"), "%q: want udp or tcp", t.Transport)
		}
		for j, s := range t.Allow {
			p, err := parseAllow(s)
			switch {
			case err != nil:
				bad(f(fmt.Sprintf("allow[%d]", j)), "%v", err)
			case p.Bits() == 0 && t.Digest == nil:
				bad(f(fmt.Sprintf("allow[%d]", j)), "%s admits every address on the internet: narrow it to the carrier's networks, or add digest", s)
			}
		}
		if len(t.Allow) == 0 && t.Digest == nil {
			bad(f("allow"), "the trunk admits nothing: give the carrier's source networks (allow) or digest credentials")
		}
		if d := t.Digest; d != nil {
			if d.Username == "" {
				bad(f("digest.username"), "must not be empty")
			} else {
				if j, dup := users[d.Username]; dup {
					bad(f("digest.username"), "%q is also trunks[%d]'s digest username", d.Username, j)
				}
				users[d.Username] = i
			}
			switch {
			case (d.PasswordEnv == "") == (d.HA1Env == ""):
				bad(f("digest"), "give exactly one of password_env and ha1_env (the name of an environment variable, not the secret)")
			case d.PasswordEnv != "" && !envNameRe.MatchString(d.PasswordEnv):
				bad(f("digest.password_env"), "must name an environment variable")
			case d.HA1Env != "" && !envNameRe.MatchString(d.HA1Env):
				bad(f("digest.ha1_env"), "must name an environment variable")
			}
		}
		if t.MaxCalls < 0 {
			bad(f("max_calls"), "must be >= 0, got %d", t.MaxCalls)
		}
		if t.OptionsInterval != 0 && t.OptionsInterval < trunk.MinInterval {
			bad(f("options_interval"), "%v is below %v", t.OptionsInterval, trunk.MinInterval)
		}
		probe := trunk.Probe{Interval: t.OptionsInterval, Timeout: t.OptionsTimeout}.WithDefaults()
		if t.OptionsTimeout < 0 || t.OptionsTimeout > probe.Interval {
			bad(f("options_timeout"), "%v must be between 0 and options_interval (%v)", t.OptionsTimeout, probe.Interval)
		}
		if t.DownAfter < 0 {
			bad(f("down_after"), "must be >= 0, got %d", t.DownAfter)
		}
		if t.DegradedRTT < 0 {
			bad(f("degraded_rtt"), "must not be negative")
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkHostPort accepts HOST:PORT with an IP or a DNS name.
func checkHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return errors.New("not HOST:PORT")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errors.New("port must be 1-65535")
	}
	if host == "" || strings.ContainsAny(host, " /@;") {
		return errors.New("bad host")
	}
	return nil
}

// parseAllow reads a CIDR, or a single IP as its own /32 (/128).
func parseAllow(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not a CIDR or an IP address", s)
		}
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not a CIDR (e.g. 203.0.113.0/28)", s)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("%q has host bits set; did you mean %s?", s, p.Masked())
	}
	return p, nil
}

// resolveTrunks turns the validated trunk configuration into trunks,
// reading digest secrets from the environment through lookup. Errors name
// the field and the variable, never a secret.
func (c *Config) resolveTrunks(lookup func(string) (string, bool)) error {
	out := make([]trunk.Trunk, 0, len(c.Trunks))
	var errs []error
	for i, t := range c.Trunks {
		tr := trunk.Trunk{
			Name: t.Name, Addresses: t.addresses(), Transport: t.Transport, MaxCalls: t.MaxCalls,
			Probe: trunk.Probe{Interval: t.OptionsInterval, Timeout: t.OptionsTimeout, DownAfter: t.DownAfter, DegradedRTT: t.DegradedRTT},
		}
		for _, s := range t.Allow {
			p, _ := parseAllow(s) // validated
			tr.Allow = append(tr.Allow, p)
		}
		if d := t.Digest; d != nil {
			var ha1 string
			if d.PasswordEnv != "" {
				pass, ok := lookup(d.PasswordEnv)
				if !ok || pass == "" {
					errs = append(errs, fmt.Errorf("config: trunks[%d].digest.password_env: %s is not set", i, d.PasswordEnv))
					continue
				}
				sum := md5.Sum([]byte(d.Username + ":" + sip.DefaultRealm + ":" + pass)) //nolint:gosec // digest HA1
				ha1 = hex.EncodeToString(sum[:])
			} else {
				v, ok := lookup(d.HA1Env)
				if !ok || !hexHA1Re.MatchString(strings.TrimSpace(v)) {
					errs = append(errs, fmt.Errorf("config: trunks[%d].digest.ha1_env: %s is not set to 32 hex digits (MD5 of username:%s:password)", i, d.HA1Env, sip.DefaultRealm))
					continue
				}
				ha1 = strings.ToLower(strings.TrimSpace(v))
			}
			tr.Digest = &trunk.Credentials{Username: d.Username, HA1: ha1}
		}
		out = append(out, tr)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.trunks = out
	return nil
}
