package trunk

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, 0, len(ss))
	for _, s := range ss {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}

func TestNewTable(t *testing.T) {
	good := Trunk{Name: "a", Addresses: []string{"192.0.2.1:5060"}, Allow: prefixes("192.0.2.0/24")}
	tests := []struct {
		name    string
		trunks  []Trunk
		wantErr string
	}{
		{"empty", nil, ""},
		{"one", []Trunk{good}, ""},
		{"digest only", []Trunk{{Name: "d", Addresses: []string{"x:5060"}, Digest: &Credentials{Username: "u", HA1: "h"}}}, ""},
		{"no name", []Trunk{{Addresses: []string{"x:5060"}, Allow: prefixes("10.0.0.0/8")}}, "has no name"},
		{"duplicate", []Trunk{good, good}, `name "a" appears twice`},
		{"no address", []Trunk{{Name: "b", Allow: prefixes("10.0.0.0/8")}}, "b has no address"},
		{"admits nothing", []Trunk{{Name: "b", Addresses: []string{"x:5060"}}}, "admits nothing"},
		{"digest without HA1", []Trunk{{Name: "b", Addresses: []string{"x:5060"}, Digest: &Credentials{Username: "u"}}}, "needs a username and an HA1"},
		{"bad transport", []Trunk{{Name: "b", Addresses: []string{"x:5060"}, Allow: prefixes("10.0.0.0/8"), Transport: "sctp"}}, `transport "sctp"`},
		{"negative max calls", []Trunk{{Name: "b", Addresses: []string{"x:5060"}, Allow: prefixes("10.0.0.0/8"), MaxCalls: -1}}, "negative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := NewTable(tc.trunks)
			if tc.wantErr != "" {
				require.ErrorIs(t, err, ErrInvalidTrunk)
				assert.Contains(t, err.Error(), tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, len(tc.trunks), tab.Len())
			for _, tr := range tab.Trunks() {
				assert.Equal(t, UDP, tr.Transport, "default transport")
				assert.Equal(t, DefaultInterval, tr.Probe.Interval, "probe defaults applied")
			}
		})
	}
}

func TestTableCopiesInput(t *testing.T) {
	in := []Trunk{{Name: "a", Addresses: []string{"192.0.2.1:5060"}, Allow: prefixes("192.0.2.0/24")}}
	tab, err := NewTable(in)
	require.NoError(t, err)
	in[0].Allow[0] = netip.MustParsePrefix("0.0.0.0/0")
	assert.Nil(t, tab.Match(netip.MustParseAddr("198.51.100.1")).Trunk, "changing the input later opens nothing")
}

func TestMatch(t *testing.T) {
	digest := &Credentials{Username: "carrier", HA1: "00"}
	tab, err := NewTable([]Trunk{
		{Name: "ip-only", Addresses: []string{"192.0.2.10:5060"}, Allow: prefixes("192.0.2.0/24")},
		{Name: "ip-too", Addresses: []string{"192.0.2.11:5060"}, Allow: prefixes("192.0.2.0/25")},
		{Name: "ip-and-digest", Addresses: []string{"198.51.100.1:5060"}, Allow: prefixes("198.51.100.0/24"), Digest: digest},
		{Name: "digest-anywhere", Addresses: []string{"sip.example.net:5060"}, Digest: digest},
		{Name: "v6", Addresses: []string{"[2001:db8::1]:5060"}, Allow: prefixes("2001:db8::/32")},
	})
	require.NoError(t, err)
	tests := []struct {
		name       string
		src        string
		wantTrunk  string
		wantDigest []string
	}{
		{"allowlisted: first in order wins", "192.0.2.5", "ip-only", []string{"digest-anywhere"}},
		{"allow + digest needs digest", "198.51.100.7", "", []string{"ip-and-digest", "digest-anywhere"}},
		{"unknown source: only the digest-anywhere trunk", "203.0.113.9", "", []string{"digest-anywhere"}},
		{"v4-mapped v6 source", "::ffff:192.0.2.5", "ip-only", []string{"digest-anywhere"}},
		{"v6", "2001:db8::99", "v6", []string{"digest-anywhere"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := tab.Match(netip.MustParseAddr(tc.src))
			if tc.wantTrunk == "" {
				assert.Nil(t, m.Trunk)
			} else {
				require.NotNil(t, m.Trunk)
				assert.Equal(t, tc.wantTrunk, m.Trunk.Name)
			}
			var names []string
			for _, d := range m.Digest {
				names = append(names, d.Name)
			}
			assert.Equal(t, tc.wantDigest, names)
		})
	}
	var empty *Table
	assert.Equal(t, Match{}, empty.Match(netip.MustParseAddr("127.0.0.1")), "no table admits nothing")
}
