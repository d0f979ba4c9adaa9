package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/policy"
	"github.com/callgate/callgate/routing/registrations"
	"github.com/callgate/callgate/sip"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// apiClient signs in to the agent API and calls it with the bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func signIn(t *testing.T, base, user string) *apiClient {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": user + "-demo-1"})
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, base+"/api/v1/auth/login", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var out struct{ Token string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	require.NotEmpty(t, out.Token)
	return &apiClient{t: t, base: base, token: out.Token}
}

func (c *apiClient) do(method, path string, body any) (int, []byte) {
	c.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, c.base+path, r)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// TestSIPpCallReachesAgentScreen is issue 4's acceptance: a SIPp caller
// verified as Maria Lopez choosing scheduling is bridged to alice's
// registered SIPp phone; alice's screen shows exactly name, phone and
// appointments; bob gets nothing; the ledger records the disclosure and
// verifies, and one edited byte breaks it.
func TestSIPpCallReachesAgentScreen(t *testing.T) {
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t)
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, logs, _ := startApp(t, "--ledger", ledgerPath, "--log-level", "debug")
	sipAddr := app.udp.LocalAddr().String()
	base := "http://" + app.httpLn.Addr().String()

	// alice's phone: a SIPp UAS that answers and waits for BYE; registered
	// with digest auth by a second SIPp pointing its Contact at the UAS.
	phone := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer", Timeout: 60 * time.Second})
	reg := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_register_contact", Target: sipAddr, CallIDPrefix: "reg-alice",
		Vars:      map[string]string{"user": "alice", "contact": phone.Addr(), "expires": "300"},
		ExtraArgs: []string{"-au", "alice", "-ap", "alice-demo-1"},
	})
	require.Equal(t, 1, reg.Successful, reg.ErrorLog)

	alice := signIn(t, base, "alice")
	bob := signIn(t, base, "bob")
	code, _ := alice.do(http.MethodPost, "/api/v1/agent/status", map[string]string{"status": "available"})
	require.Equal(t, http.StatusNoContent, code)
	code, _ = bob.do(http.MethodPost, "/api/v1/agent/status", map[string]string{"status": "available"})
	require.Equal(t, http.StatusNoContent, code)
	code, _ = alice.do(http.MethodGet, "/api/v1/agent/screen", nil)
	assert.Equal(t, http.StatusNoContent, code, "no call yet")

	spec := verifiedPatient + ",80"
	hold := siptest.DTMFPlayDuration(spec) + 6*time.Second
	caller := make(chan siptest.SippResult, 1)
	go func() {
		caller <- siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_dtmf_rfc4733", Target: sipAddr, CallIDPrefix: "maria", Timeout: 60 * time.Second,
			Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": "15550109999"},
		})
	}()

	var pop struct {
		CallID            string            `json:"call_id"`
		VerificationLevel string            `json:"verification_level"`
		Purpose           string            `json:"purpose"`
		Banner            string            `json:"banner"`
		Restrictions      []string          `json:"restrictions"`
		Flags             []string          `json:"flags"`
		Context           map[string]string `json:"context"`
	}
	require.Eventually(t, func() bool {
		code, body := alice.do(http.MethodGet, "/api/v1/agent/screen", nil)
		return code == http.StatusOK && json.Unmarshal(body, &pop) == nil
	}, 20*time.Second, 100*time.Millisecond, "alice's screen pops when her phone answers")
	assert.Equal(t, "full", pop.VerificationLevel)
	assert.Equal(t, "scheduling", pop.Purpose)
	assert.Empty(t, pop.Banner)
	assert.Equal(t, []string{}, pop.Restrictions)
	want := map[string]string{"name": "", "phone": "", "appointments": ""}
	require.Len(t, pop.Context, len(want), "exactly the fields the policy permits: %v", keys(pop.Context))
	for k := range want {
		assert.NotEmpty(t, pop.Context[k], "field %s", k)
	}
	code, _ = bob.do(http.MethodGet, "/api/v1/agent/screen", nil)
	assert.Equal(t, http.StatusNoContent, code, "bob gets nothing")

	res := <-caller
	require.Equal(t, 1, res.Successful, "the caller's BYE after the hold: %s", res.ErrorLog)
	ph := phone.Wait()
	require.Equal(t, 1, ph.Successful, "the caller's hang-up ended alice's leg: %s", ph.ErrorLog)
	require.Eventually(t, func() bool {
		code, _ := alice.do(http.MethodGet, "/api/v1/agent/screen", nil)
		return code == http.StatusNoContent
	}, 5*time.Second, 50*time.Millisecond, "the pop clears when the call ends")
	// The agent is tagged with the call's final state, written as the IVR
	// unwinds after the dialog ends.
	assert.Eventually(t, func() bool {
		return app.rdb.HGet(context.Background(), "callgate:call:"+res.CallIDs[0], "agent").Val() == "alice"
	}, 5*time.Second, 20*time.Millisecond, "the call is tagged with its agent")

	// The ledger: one disclosure to alice of those three field names.
	n, err := audit.VerifyFile(ledgerPath)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 1)
	raw, err := os.ReadFile(ledgerPath)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"fields":["appointments","name","phone"]`)
	pol, err := policy.LoadDemo()
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"kind":"policy_publish"`, "the policy's first version is recorded when it is seeded")
	assert.Contains(t, string(raw), `"policy":"1","detail":{"policy_sha256":"`+pol.ID()+`","reason":"rule full/self/scheduling"}`,
		"each disclosure names the policy version and the hash of its text")
	assert.Contains(t, string(raw), `"actor":"alice"`)
	for _, v := range pop.Context {
		assert.NotContains(t, string(raw), v, "values never go in the ledger")
	}
	assertNoPHI(t, logs.String())
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, audit.VerifyCommand([]string{ledgerPath}, &out, &errOut), out.String()+errOut.String())
	i := bytes.Index(raw, []byte(`"fields":["appointments"`))
	require.Positive(t, i)
	raw[i+12] = 'A' // one edited byte
	tampered := t.TempDir() + "/tampered.jsonl"
	require.NoError(t, os.WriteFile(tampered, raw, 0o600))
	out.Reset()
	assert.Equal(t, 1, audit.VerifyCommand([]string{tampered}, &out, &errOut), "an edited byte breaks the chain")
	assert.Contains(t, out.String(), "line")
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestAgentHA1(t *testing.T) {
	ha1 := registrations.HA1("carol", sip.DefaultRealm, "correct horse battery staple")
	dir := []agents.Agent{{Username: "carol", Role: agents.RoleAgent, SIPHA1: ha1}, {Username: "dave", Role: agents.RoleAgent}}
	for _, tc := range []struct {
		name, user, realm string
		demo              bool
		want              string
		ok                bool
	}{
		{"directory secret", "carol", sip.DefaultRealm, false, ha1, true},
		{"directory secret wins in demo mode", "carol", sip.DefaultRealm, true, ha1, true},
		{"another realm cannot use it", "carol", "other", false, ha1, false},
		{"no secret outside demo mode: cannot register", "dave", sip.DefaultRealm, false, "", false},
		{"demo password in demo mode", "dave", sip.DefaultRealm, true, registrations.HA1("dave", sip.DefaultRealm, "dave-demo-1"), true},
		{"not in the directory", "mallory", sip.DefaultRealm, true, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := agentHA1(Config{Demo: tc.demo}, dir)(tc.user, tc.realm)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, tc.want, got)
			}
		})
	}
}
