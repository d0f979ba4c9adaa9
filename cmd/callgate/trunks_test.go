package main

import (
	"crypto/md5" //nolint:gosec // digest HA1
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/trunk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoWithTrunks is the demo configuration with its trunks section
// replaced by block (YAML lines under "trunks:"; "" for none).
func demoWithTrunks(t *testing.T, block string) string {
	t.Helper()
	demo := string(demoConfig)
	i := strings.Index(demo, "\ntrunks:\n")
	require.GreaterOrEqual(t, i, 0, "the demo config has a trunks section")
	rest := demo[i+len("\ntrunks:\n"):]
	end := 0
	for _, line := range strings.SplitAfter(rest, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '#' {
			break
		}
		end += len(line)
	}
	if block == "" {
		return demo[:i+1] + "trunks: []\n" + rest[end:]
	}
	return demo[:i+1] + "trunks:\n" + block + rest[end:]
}

// writeConfig writes text to a temporary file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "callgate.yaml")
	require.NoError(t, os.WriteFile(path, []byte(text), 0o600))
	return path
}

func envOf(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDemoTrunk(t *testing.T) {
	cfg, err := loadServeConfig(nil, noEnv)
	require.NoError(t, err)
	require.Len(t, cfg.trunks, 1)
	tr := cfg.trunks[0]
	assert.Equal(t, "demo-carrier", tr.Name)
	assert.Equal(t, []string{"127.0.0.1:5099"}, tr.Addresses)
	assert.Equal(t, "udp", tr.Transport)
	assert.Equal(t, "127.0.0.0/8", tr.Allow[0].String(), "local callers reach the demo IVR")
	assert.Nil(t, tr.Digest)
	assert.Equal(t, 30*time.Second, tr.Probe.Interval)
}

func TestTrunkConfig(t *testing.T) {
	sum := md5.Sum([]byte("acme:callgate:pa55word")) //nolint:gosec // digest HA1
	wantHA1 := hex.EncodeToString(sum[:])
	t.Run("valid", func(t *testing.T) {
		block := `  - name: carrier-a
    addresses: [198.51.100.10:5060, "sip.carrier.example:5060"]
    transport: tcp
    allow: [198.51.100.0/28, 198.51.100.77]
    max_calls: 30
    options_interval: 10s
    options_timeout: 2s
    down_after: 3
    degraded_rtt: 300ms
  - name: carrier_b
    address: 203.0.113.5:5060
    digest: {username: acme, password_env: CARRIER_B_PASSWORD}
  - name: carrier-c
    address: 192.0.2.1:5060
    allow: [192.0.2.0/24]
    digest: {username: other, ha1_env: CARRIER_C_HA1}
`
		cfg, err := loadServeConfig([]string{"--config", writeConfig(t, demoWithTrunks(t, block))},
			envOf(map[string]string{"CARRIER_B_PASSWORD": "pa55word", "CARRIER_C_HA1": strings.ToUpper(wantHA1)}))
		require.NoError(t, err)
		require.Len(t, cfg.trunks, 3)
		a := cfg.trunks[0]
		assert.Equal(t, []string{"198.51.100.10:5060", "sip.carrier.example:5060"}, a.Addresses)
		assert.Equal(t, "tcp", a.Transport)
		assert.Equal(t, "198.51.100.77/32", a.Allow[1].String(), "a bare IP is its own /32")
		assert.Equal(t, trunk.Probe{Interval: 10 * time.Second, Timeout: 2 * time.Second, DownAfter: 3, DegradedRTT: 300 * time.Millisecond}, a.Probe)
		require.NotNil(t, cfg.trunks[1].Digest)
		assert.Equal(t, trunk.Credentials{Username: "acme", HA1: wantHA1}, *cfg.trunks[1].Digest, "HA1 from the password in the environment")
		assert.Equal(t, wantHA1, cfg.trunks[2].Digest.HA1, "HA1 from the environment, lower-cased")
		_, err = trunk.NewTable(cfg.trunks)
		require.NoError(t, err)
	})
	t.Run("none", func(t *testing.T) {
		cfg, err := loadServeConfig([]string{"--config", writeConfig(t, demoWithTrunks(t, ""))}, noEnv)
		require.NoError(t, err)
		assert.Empty(t, cfg.trunks, "allowed: every INVITE but agents' then gets 403")
	})

	tests := []struct {
		name  string
		block string
		env   map[string]string
		want  []string
	}{
		{"bad name", "  - {name: Carrier A, address: 192.0.2.1:5060, allow: [192.0.2.0/24]}\n", nil, []string{"trunks[0].name"}},
		{"duplicate name", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/24]}\n  - {name: a, address: 192.0.2.2:5060, allow: [192.0.2.0/24]}\n", nil,
			[]string{"trunks[1].name", "also trunks[0]'s name"}},
		{"no address", "  - {name: a, allow: [192.0.2.0/24]}\n", nil, []string{"trunks[0].address"}},
		{"bad address", "  - {name: a, address: 192.0.2.1, allow: [192.0.2.0/24]}\n", nil, []string{"trunks[0].address", "not HOST:PORT"}},
		{"bad second address", "  - {name: a, address: 192.0.2.1:5060, addresses: [192.0.2.2:99999], allow: [192.0.2.0/24]}\n", nil, []string{"trunks[0].addresses[0]", "port"}},
		{"bad transport", "  - {name: a, address: 192.0.2.1:5060, transport: tls, allow: [192.0.2.0/24]}\n", nil, []string{"trunks[0].transport"}},
		{"bad CIDR", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/33]}\n", nil, []string{"trunks[0].allow[0]"}},
		{"host bits", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.7/24]}\n", nil, []string{"trunks[0].allow[0]", "did you mean 192.0.2.0/24"}},
		{"whole internet", "  - {name: a, address: 192.0.2.1:5060, allow: [0.0.0.0/0]}\n", nil, []string{"trunks[0].allow[0]", "every address"}},
		{"admits nothing", "  - {name: a, address: 192.0.2.1:5060}\n", nil, []string{"trunks[0].allow", "admits nothing"}},
		{"both secrets", "  - {name: a, address: 192.0.2.1:5060, digest: {username: u, password_env: P, ha1_env: H}}\n", nil, []string{"trunks[0].digest", "exactly one"}},
		{"no username", "  - {name: a, address: 192.0.2.1:5060, digest: {password_env: P}}\n", nil, []string{"trunks[0].digest.username"}},
		{"password unset", "  - {name: a, address: 192.0.2.1:5060, digest: {username: u, password_env: CARRIER_PASSWORD}}\n", nil,
			[]string{"trunks[0].digest.password_env", "CARRIER_PASSWORD is not set"}},
		{"HA1 not hex", "  - {name: a, address: 192.0.2.1:5060, digest: {username: u, ha1_env: CARRIER_HA1}}\n", map[string]string{"CARRIER_HA1": "not-a-hash"},
			[]string{"trunks[0].digest.ha1_env"}},
		{"duplicate digest user", "  - {name: a, address: 192.0.2.1:5060, digest: {username: u, password_env: P}}\n  - {name: b, address: 192.0.2.2:5060, digest: {username: u, password_env: P}}\n",
			map[string]string{"P": "x"}, []string{"trunks[1].digest.username"}},
		{"negative max calls", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/24], max_calls: -1}\n", nil, []string{"trunks[0].max_calls"}},
		{"interval too short", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/24], options_interval: 10ms}\n", nil, []string{"trunks[0].options_interval"}},
		{"timeout over interval", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/24], options_interval: 1s, options_timeout: 2s}\n", nil, []string{"trunks[0].options_timeout"}},
		{"wrong type in a list item", "  - name: a\n    address: 192.0.2.1:5060\n    allow: [192.0.2.0/24]\n    max_calls: many\n", nil, []string{"trunks[0].max_calls"}},
		{"unknown field", "  - {name: a, address: 192.0.2.1:5060, allow: [192.0.2.0/24], password: hunter2}\n", nil, []string{"field password not found"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadServeConfig([]string{"--config", writeConfig(t, demoWithTrunks(t, tc.block))}, envOf(tc.env))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "not-a-hash", "a secret's value is never echoed")
		})
	}
}
