package trunk

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Probe defaults and limits.
const (
	// DefaultInterval is how often each address gets an OPTIONS.
	DefaultInterval = 30 * time.Second
	// MinInterval is the shortest interval accepted.
	MinInterval = 100 * time.Millisecond
	// MaxDefaultTimeout caps the default probe timeout (Interval/2).
	MaxDefaultTimeout = 5 * time.Second
	// DefaultDownAfter consecutive failures mark an address down.
	DefaultDownAfter = 2
	// DefaultDegradedRTT is the round-trip time above which an answering
	// address is degraded (Asterisk's qualify uses 2 s for "lagged").
	DefaultDegradedRTT = time.Second
	// HistorySize is how many round-trip times each address keeps.
	HistorySize = 20
)

// Transports a trunk is reached over.
const (
	UDP = "udp"
	TCP = "tcp"
)

// Trunk is one carrier connection.
type Trunk struct {
	// Name identifies the trunk in logs, metrics and the API: short and
	// stable (a metric label).
	Name string
	// Addresses are the trunk's signalling addresses, host:port, probed
	// with OPTIONS.
	Addresses []string
	// Transport is UDP or TCP (default UDP).
	Transport string
	// Allow lists the source networks the trunk's INVITEs come from. With
	// Digest nil a source inside one is admitted; with Digest set the
	// source must be inside one (when Allow is not empty) and authenticate.
	Allow []netip.Prefix
	// Digest, when set, makes the trunk authenticate with SIP digest
	// (a 407 challenge, RFC 3261 §22.3).
	Digest *Credentials
	// MaxCalls is the trunk's concurrent call limit (503 beyond); 0 leaves
	// only the server's own limit.
	MaxCalls int
	// Probe tunes the OPTIONS health checks.
	Probe Probe
}

// Credentials are a trunk's digest credentials.
type Credentials struct {
	Username string
	// HA1 is MD5(username:realm:password), lower-case hex.
	HA1 string
}

// Probe tunes health checks. Zero fields take the defaults.
type Probe struct {
	// Interval between probes of one address (DefaultInterval).
	Interval time.Duration
	// Timeout of one probe (Interval/2, at most MaxDefaultTimeout).
	Timeout time.Duration
	// DownAfter consecutive failures mark an address down (DefaultDownAfter).
	DownAfter int
	// DegradedRTT: an answer slower than this is degraded (DefaultDegradedRTT).
	DegradedRTT time.Duration
}

// WithDefaults returns p with zero fields defaulted.
func (p Probe) WithDefaults() Probe {
	if p.Interval <= 0 {
		p.Interval = DefaultInterval
	}
	if p.Timeout <= 0 {
		p.Timeout = min(p.Interval/2, MaxDefaultTimeout)
	}
	if p.DownAfter <= 0 {
		p.DownAfter = DefaultDownAfter
	}
	if p.DegradedRTT <= 0 {
		p.DegradedRTT = DefaultDegradedRTT
	}
	return p
}

// allows reports whether src is inside one of the trunk's networks.
func (t *Trunk) allows(src netip.Addr) bool {
	src = src.Unmap()
	for _, p := range t.Allow {
		if p.Contains(src) {
			return true
		}
	}
	return false
}

// Table is the configured trunks, in configuration order. It is read-only
// after NewTable and safe for concurrent use.
type Table struct {
	trunks []Trunk
}

// NewTable checks the trunks and returns their table. An empty table
// admits no source.
func NewTable(trunks []Trunk) (*Table, error) {
	seen := map[string]bool{}
	out := make([]Trunk, 0, len(trunks))
	for i, t := range trunks {
		switch {
		case t.Name == "":
			return nil, fmt.Errorf("%w: trunk %d has no name", ErrInvalidTrunk, i)
		case seen[t.Name]:
			return nil, fmt.Errorf("%w: name %q appears twice", ErrInvalidTrunk, t.Name)
		case len(t.Addresses) == 0:
			return nil, fmt.Errorf("%w: %s has no address", ErrInvalidTrunk, t.Name)
		case len(t.Allow) == 0 && t.Digest == nil:
			return nil, fmt.Errorf("%w: %s admits nothing: give it an allowlist or digest credentials", ErrInvalidTrunk, t.Name)
		case t.Digest != nil && (t.Digest.Username == "" || t.Digest.HA1 == ""):
			return nil, fmt.Errorf("%w: %s: digest needs a username and an HA1", ErrInvalidTrunk, t.Name)
		case t.MaxCalls < 0:
			return nil, fmt.Errorf("%w: %s: max calls %d is negative", ErrInvalidTrunk, t.Name, t.MaxCalls)
		}
		switch t.Transport {
		case "":
			t.Transport = UDP
		case UDP, TCP:
		default:
			return nil, fmt.Errorf("%w: %s: transport %q: want udp or tcp", ErrInvalidTrunk, t.Name, t.Transport)
		}
		seen[t.Name] = true
		t.Addresses = slices.Clone(t.Addresses)
		t.Allow = slices.Clone(t.Allow)
		if t.Digest != nil {
			d := *t.Digest
			t.Digest = &d
		}
		t.Probe = t.Probe.WithDefaults()
		out = append(out, t)
	}
	return &Table{trunks: out}, nil
}

// Trunks returns the trunks in configuration order (shared; do not modify).
func (t *Table) Trunks() []Trunk {
	if t == nil {
		return nil
	}
	return t.trunks
}

// Len is the number of trunks.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.trunks)
}

// Match is what a source address may be admitted as.
type Match struct {
	// Trunk admits the source by its allowlist alone (the first such trunk
	// in configuration order); nil when none does.
	Trunk *Trunk
	// Digest are the trunks that admit the source once it authenticates
	// (their allowlist, if any, contains it), in configuration order.
	Digest []*Trunk
}

// Match looks src up. It is pure.
func (t *Table) Match(src netip.Addr) Match {
	var m Match
	if t == nil {
		return m
	}
	for i := range t.trunks {
		tr := &t.trunks[i]
		if len(tr.Allow) > 0 && !tr.allows(src) {
			continue
		}
		if tr.Digest == nil {
			if m.Trunk == nil {
				m.Trunk = tr
			}
			continue
		}
		m.Digest = append(m.Digest, tr)
	}
	return m
}
