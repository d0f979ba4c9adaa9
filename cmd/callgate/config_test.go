package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noEnv(string) (string, bool) { return "", false }

func TestDemoConfigIsValid(t *testing.T) {
	cfg, err := loadServeConfig(nil, noEnv)
	require.NoError(t, err)
	assert.True(t, cfg.Demo)
	assert.Equal(t, "127.0.0.1:5060", cfg.SIP.Addr)
	assert.Equal(t, "127.0.0.1:8080", cfg.HTTP.Addr)
	assert.Equal(t, "10000-20000", cfg.Media.RTPPorts)
	assert.Empty(t, cfg.Redis.URL, "the demo runs the embedded store")
}

func TestFlagsAndEnvOverrideTheFile(t *testing.T) {
	env := map[string]string{"CALLGATE_SIP_ADDR": "127.0.0.1:5070", "CALLGATE_RTP_PORTS": "20000-20100", "CALLGATE_REDIS_URL": "redis://127.0.0.1:6379/3"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg, err := loadServeConfig([]string{"--sip-addr", "127.0.0.1:5080", "--http-addr", "off"}, lookup)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:5080", cfg.SIP.Addr, "a flag beats the environment")
	assert.Equal(t, "20000-20100", cfg.Media.RTPPorts, "the environment beats the file")
	assert.Equal(t, "redis://127.0.0.1:6379/3", cfg.Redis.URL)
	assert.Equal(t, "off", cfg.HTTP.Addr)
}

func TestBadConfigNamesTheField(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		field string
	}{
		{"unknown field", "sip:\n  adr: 127.0.0.1:5060\n", "field adr not found"},
		{"sip address", "sip:\n  addr: localhost\n", "sip.addr"},
		{"rtp ports", "media:\n  rtp_ports: 20000-10000\n", "media.rtp_ports"},
		{"media ip", "media:\n  ip: nowhere\n", "media.ip"},
		{"http address", "http:\n  addr: :x\n", "http.addr"},
		{"redis url", "redis:\n  url: 127.0.0.1:6379\n", "redis.url"},
		{"log level", "log:\n  level: loud\n", "log.level"},
		{"log format", "log:\n  format: xml\n", "log.format"},
		{"demo members outside demo", "secret_key: c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcy1sb25n\nmembers:\n  source: demo\n", "members.source"},
		{"demo key outside demo", "secret_key: Y2FsbGdhdGUtZGVtby1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZSEh\n", "is the demo key"},
		{"short key", "secret_key: c2hvcnQ=\n", "secret_key"},
		{"missing key", "sip:\n  addr: 127.0.0.1:5060\n", "secret_key"},
		{"sentinel url is fine but password is not echoed", "redis:\n  url: http://user:hunter2@host\n", "redis.url"},
		{"negative max calls", "sip:\n  max_calls: -1\n", "sip.max_calls"},
		{"bad duration", "sip:\n  rtp_timeout: soon\n", "rtp_timeout"},
		{"wrong type", "sip:\n  max_calls: many\n", "max_calls"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tc.yaml), 0o600))
			_, err := loadServeConfig([]string{"--config", path}, noEnv)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.field)
			assert.NotContains(t, err.Error(), "hunter2", "a URL's password is never echoed")
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := loadServeConfig([]string{"--config", "/nonexistent/callgate.yaml"}, noEnv)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "/nonexistent/callgate.yaml")
	})
	t.Run("bad env value names the variable", func(t *testing.T) {
		_, err := loadServeConfig(nil, func(k string) (string, bool) {
			if k == "CALLGATE_RTP_PORTS" {
				return "lots", true
			}
			return "", false
		})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "media.rtp_ports")
	})
}

func TestParseDTMFScript(t *testing.T) {
	steps, err := parseDTMFScript("1@2s, 1234#@4500ms,*0")
	require.NoError(t, err)
	require.Len(t, steps, 3)
	assert.Equal(t, dtmfStep{Keys: "1", Offset: 2e9}, steps[0])
	assert.Equal(t, dtmfStep{Keys: "1234#", Offset: 4.5e9}, steps[1])
	assert.Equal(t, dtmfStep{Keys: "*0", Offset: 5.5e9}, steps[2], "no @: one second after the previous step")
	for _, bad := range []string{"1@soon", "x@1s", "@1s", "12@-1s"} {
		_, err := parseDTMFScript(bad)
		assert.Error(t, err, bad)
	}
}

func TestFlowValidateCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	err := cmdFlow([]string{"validate", "../../flows/testdata/broken.yaml"}, &out, &errOut)
	require.ErrorIs(t, err, errInvalid, "a broken flow makes the command fail")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.GreaterOrEqual(t, len(lines), 5)
	for _, l := range lines {
		assert.Regexp(t, `^\.\./\.\./flows/testdata/broken\.yaml:\d+:\d+: `, l, "every problem has LINE:COLUMN")
	}
	assert.Contains(t, out.String(), "feeds verification but is not secure: true")
	assert.Contains(t, out.String(), "undefined target")

	out.Reset()
	require.NoError(t, cmdFlow([]string{"validate", "../../flows/demo/member-services.yaml", "../../flows/demo/pharmacy-refill.yaml"}, &out, &errOut))
	assert.Contains(t, out.String(), "member-services.yaml: ok")

	out.Reset()
	require.NoError(t, cmdFlow([]string{"list"}, &out, &errOut))
	assert.Contains(t, out.String(), "member-services")
	assert.Contains(t, out.String(), "pharmacy-refill")
}

func TestExitCodes(t *testing.T) {
	assert.Equal(t, 1, run([]string{"flow", "validate", "../../flows/testdata/broken.yaml"}), "a broken flow exits 1")
	assert.Equal(t, 0, run([]string{"flow", "validate", "../../flows/demo/member-services.yaml"}))
	assert.Equal(t, 2, run([]string{"flow"}), "usage")
	assert.Equal(t, 2, run([]string{"nonsense"}))
}

func TestPolicyFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(good, policy.DemoSource(), 0o600))
	p, err := loadPolicy(Config{Policy: PolicyConfig{File: good}})
	require.NoError(t, err)
	assert.Equal(t, policy.DemoSource(), p.src)
	assert.Equal(t, "policy.yaml", p.name)

	bad := filepath.Join(dir, "bad.yaml")
	src := strings.Replace(string(policy.DemoSource()), "scheduling: [name, phone, appointments]", "scheduling: [name, ssn, appointments]", 1)
	require.NoError(t, os.WriteFile(bad, []byte(src), 0o600))
	_, err = loadPolicy(Config{Policy: PolicyConfig{File: bad}})
	require.Error(t, err)
	assert.Regexp(t, `^policy\.file: .*/bad\.yaml:\d+:\d+: unknown field "ssn"`, err.Error(), "an unknown field stops startup at its line and column")

	_, err = loadPolicy(Config{Policy: PolicyConfig{File: filepath.Join(dir, "none.yaml")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy.file")

	cfgPath := filepath.Join(dir, "c.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte("secret_key: c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcy1sb25n\n"), 0o600))
	_, err = loadServeConfig([]string{"--config", cfgPath}, noEnv)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy.file", "outside demo mode the policy must be named")
}

func TestPprofAddrLoopbackOnly(t *testing.T) {
	cfg, err := loadServeConfig([]string{"--pprof-addr", "127.0.0.1:6060"}, noEnv)
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1:6060", cfg.PprofAddr)
	for _, bad := range []string{"0.0.0.0:6060", "192.0.2.1:6060", "localhost:6060", "6060"} {
		_, err := loadServeConfig([]string{"--pprof-addr", bad}, noEnv)
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "--pprof-addr", bad)
	}
	cfg, err = loadServeConfig(nil, noEnv)
	require.NoError(t, err)
	assert.Empty(t, cfg.PprofAddr, "off unless asked for")
}

func TestServePprofServesProfiles(t *testing.T) {
	addr, stop, err := servePprof(t.Context(), "127.0.0.1:0", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(stop)
	resp, err := http.Get("http://" + addr + "/debug/pprof/allocs?debug=1")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), "heap profile:", "an allocation profile")
}
