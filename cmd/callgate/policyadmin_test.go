package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/policy"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/web"
)

// TestSIPpPolicyPublishAppliesToTheNextPop: on a served instance the
// policy routes are admin-only; ada publishes a policy without phone for
// full/self/scheduling (after a draft refused at its line); the next
// verified SIPp caller's pop on alice's registered SIPp phone shows name
// and appointments only, and the ledger's disclosure names policy version
// 2 beside the policy_publish entries, the chain intact.
func TestSIPpPolicyPublishAppliesToTheNextPop(t *testing.T) {
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t)
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, logs, _ := startApp(t, "--ledger", ledgerPath)
	sipAddr := app.udp.LocalAddr().String()
	base := "http://" + app.httpLn.Addr().String()
	alice, ada := signIn(t, base, "alice"), signIn(t, base, "ada")
	anon := &apiClient{t: t, base: base}

	for _, route := range web.PolicyRoutes() {
		method, path, _ := strings.Cut(route, " ")
		code, _ := alice.do(method, path, map[string]any{"source": "version: 1", "version": 1})
		assert.Equal(t, http.StatusForbidden, code, "alice: %s", route)
		code, _ = anon.do(method, path, map[string]any{"source": "version: 1", "version": 1})
		assert.Equal(t, http.StatusUnauthorized, code, "no session: %s", route)
	}

	src := strings.Replace(string(policy.DemoSource()), "scheduling: [name, phone, appointments]", "scheduling: [name, appointments]", 1)
	bad := strings.Replace(src, "scheduling: [name, appointments]", "scheduling: [name, appointment]", 1)
	code, body := ada.do(http.MethodPut, "/api/v1/policy/draft", map[string]string{"source": bad})
	require.Equal(t, http.StatusUnprocessableEntity, code, string(body))
	assert.Contains(t, string(body), `"line":`+strconv.Itoa(1+strings.Count(bad[:strings.Index(bad, "appointment]")], "\n")))
	code, body = ada.do(http.MethodPut, "/api/v1/policy/draft", map[string]string{"source": src})
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = ada.do(http.MethodPost, "/api/v1/policy/publish", map[string]any{"comment": "no phone for scheduling", "expect_live": 1})
	require.Equal(t, http.StatusOK, code, string(body))

	phone := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer", Timeout: 60 * time.Second})
	reg := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_register_contact", Target: sipAddr, CallIDPrefix: "reg-alice-policy",
		Vars:      map[string]string{"user": "alice", "contact": phone.Addr(), "expires": "300"},
		ExtraArgs: []string{"-au", "alice", "-ap", "alice-demo-1"},
	})
	require.Equal(t, 1, reg.Successful, reg.ErrorLog)
	code, _ = alice.do(http.MethodPost, "/api/v1/agent/status", map[string]string{"status": "available"})
	require.Equal(t, http.StatusNoContent, code)

	spec := verifiedPatient + ",80"
	hold := siptest.DTMFPlayDuration(spec) + 6*time.Second
	caller := make(chan siptest.SippResult, 1)
	go func() {
		caller <- siptest.RunSipp(context.Background(), t, siptest.SippOptions{
			Scenario: "uac_dtmf_rfc4733", Target: sipAddr, CallIDPrefix: "maria-policy", Timeout: 60 * time.Second,
			Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": "15550108765"},
		})
	}()
	var pop struct {
		Context map[string]string `json:"context"`
	}
	require.Eventually(t, func() bool {
		code, body := alice.do(http.MethodGet, "/api/v1/agent/screen", nil)
		return code == http.StatusOK && json.Unmarshal(body, &pop) == nil
	}, 20*time.Second, 100*time.Millisecond, "alice's screen pops when her phone answers")
	assert.ElementsMatch(t, []string{"appointments", "name"}, keys(pop.Context), "the published policy decides the pop")
	res := <-caller
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	phone.Wait()

	entries := ledgerEntries(t, ledgerPath)
	var pubs []audit.Entry
	var disclosure *audit.Entry
	for i, e := range entries {
		switch e.Kind {
		case audit.KindPolicyPublish:
			pubs = append(pubs, e)
		case audit.KindDisclosure:
			disclosure = &entries[i]
		}
	}
	require.Len(t, pubs, 2, "the seed at startup and ada's publish")
	assert.Equal(t, seedAuthor, pubs[0].Actor)
	assert.Equal(t, map[string]string{"policy": "default", "version": "2", "before_version": "1",
		"before_sha256": flows.SourceSHA256(policy.DemoSource()), "after_sha256": flows.SourceSHA256([]byte(src)),
		"comment": "no phone for scheduling"}, pubs[1].Detail)
	require.NotNil(t, disclosure)
	assert.Equal(t, "2", disclosure.Policy, "the disclosure names the published policy version")
	assert.Equal(t, []string{"appointments", "name"}, disclosure.Fields)
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, audit.VerifyCommand([]string{ledgerPath}, &out, &errOut), out.String()+errOut.String())
	assertNoPHI(t, logs.String())
}
