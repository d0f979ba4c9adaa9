package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/web"
)

// memberServicesV2 is member-services with a first node that tags the
// call's purpose "billing": a call that ran it says so in Redis.
func memberServicesV2(t *testing.T) string {
	t.Helper()
	src := string(demo.Sources()["member-services"])
	v2 := strings.Replace(src, "entry: consent\n", "entry: mark\n", 1)
	v2 = strings.Replace(v2, "nodes:\n", "nodes:\n  mark:\n    kind: set\n    set: {purpose: billing}\n    next: consent\n", 1)
	require.NotEqual(t, src, v2)
	return v2
}

// ledgerEntries reads a ledger file's entries.
func ledgerEntries(t *testing.T, path string) []audit.Entry {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []audit.Entry
	for _, line := range bytes.Split(bytes.TrimSpace(raw), []byte("\n")) {
		var e audit.Entry
		require.NoError(t, json.Unmarshal(line, &e))
		out = append(out, e)
	}
	return out
}

func flowPublishes(entries []audit.Entry) []audit.Entry {
	var out []audit.Entry
	for _, e := range entries {
		if e.Kind == audit.KindFlowPublish {
			out = append(out, e)
		}
	}
	return out
}

// callTags waits for the tag hash of the one call whose Call-ID starts
// with prefix and returns its key.
func callKey(t *testing.T, rdb redis.UniversalClient, prefix string) string {
	t.Helper()
	var key string
	require.Eventually(t, func() bool {
		keys := rdb.Keys(context.Background(), "callgate:call:"+prefix+"*").Val()
		if len(keys) == 1 {
			key = keys[0]
		}
		return key != ""
	}, 15*time.Second, 20*time.Millisecond, "call %s reached the IVR", prefix)
	return key
}

// finalTags waits for a call's tags to reach a final state.
func finalTags(t *testing.T, rdb redis.UniversalClient, key string) map[string]string {
	t.Helper()
	var got map[string]string
	require.Eventually(t, func() bool {
		got = rdb.HGetAll(context.Background(), key).Val()
		return strings.HasPrefix(got["state"], "abandoned.") || strings.HasPrefix(got["state"], "ended.")
	}, 10*time.Second, 20*time.Millisecond, "the call's tags are final")
	return got
}

// TestSIPpFlowPublishWhileCallsRun is issue 5's flow acceptance against a
// served instance: a call already in the IVR when version 2 is published
// finishes on version 1, a SIPp call placed after the publish runs
// version 2 (its first node tags purpose billing), a rollback publishes a
// copy of version 1 as version 3 which the next call runs, and the ledger
// holds each publish, its chain intact.
func TestSIPpFlowPublishWhileCallsRun(t *testing.T) {
	siptest.RequireSipp(t)
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, logs, _ := startApp(t, "--ledger", ledgerPath)
	target := app.udp.LocalAddr().String()
	base := "http://" + app.httpLn.Addr().String()
	ctx := context.Background()
	ada := signIn(t, base, "ada")

	// Call A is in the IVR on version 1 (the consent notice and its
	// answer window take 13 s; it hangs up after 20).
	callA := make(chan siptest.SippResult, 1)
	go func() {
		callA <- siptest.RunSipp(ctx, t, siptest.SippOptions{Scenario: "uac_basic", Target: target, CallIDPrefix: "flowver-a",
			Timeout: 60 * time.Second, Vars: map[string]string{"hold_ms": "20000", "caller": "15550102001"}})
	}()
	keyA := callKey(t, app.rdb, "flowver-a")
	assert.Equal(t, "1", app.rdb.HGet(ctx, keyA, "flow_version").Val())

	// Version 2: a draft with an error first (422 at its line), then the good one.
	bad := strings.Replace(memberServicesV2(t), "    next: consent\n", "    next: consnt\n", 1)
	code, body := ada.do(http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": bad})
	require.Equal(t, http.StatusUnprocessableEntity, code, string(body))
	var invalid struct {
		Errors []struct{ Line, Column int } `json:"errors"`
	}
	require.NoError(t, json.Unmarshal(body, &invalid))
	require.NotEmpty(t, invalid.Errors)
	assert.Equal(t, 1+strings.Count(bad[:strings.Index(bad, "next: consnt")], "\n"), invalid.Errors[0].Line)
	code, body = ada.do(http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": memberServicesV2(t)})
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = ada.do(http.MethodPost, "/api/v1/flows/member-services/publish", map[string]any{"comment": "tag billing first", "expect_live": 1})
	require.Equal(t, http.StatusOK, code, string(body))
	var pub struct{ Version, BeforeVersion int }
	require.NoError(t, json.Unmarshal(body, &pub))
	require.Equal(t, 2, pub.Version)

	// Call B, placed after the publish, runs version 2 while A is still in the IVR.
	resB := siptest.RunSipp(ctx, t, siptest.SippOptions{Scenario: "uac_basic", Target: target, CallIDPrefix: "flowver-b",
		Timeout: 30 * time.Second, Vars: map[string]string{"hold_ms": "3000", "caller": "15550102002"}})
	require.Equal(t, 1, resB.Successful, resB.ErrorLog)
	tagsB := finalTags(t, app.rdb, "callgate:call:"+resB.CallIDs[0])
	assert.Equal(t, "2", tagsB["flow_version"], "a new call takes the new version at once")
	assert.Equal(t, "billing", tagsB["purpose"], "and runs it")
	assert.Equal(t, "ivr", app.rdb.HGet(ctx, keyA, "state").Val(), "call A is still in the IVR meanwhile")

	// Rollback to 1: version 3, which call C runs.
	code, body = ada.do(http.MethodPost, "/api/v1/flows/member-services/rollback", map[string]any{"version": 1, "comment": "back to the bundled flow"})
	require.Equal(t, http.StatusOK, code, string(body))
	var rb struct {
		Version    int    `json:"version"`
		RollbackOf int    `json:"rollback_of"`
		SHA256     string `json:"sha256"`
	}
	require.NoError(t, json.Unmarshal(body, &rb))
	assert.Equal(t, 3, rb.Version)
	assert.Equal(t, 1, rb.RollbackOf)
	assert.Equal(t, flows.SourceSHA256(demo.Sources()["member-services"]), rb.SHA256, "a copy of version 1")
	resC := siptest.RunSipp(ctx, t, siptest.SippOptions{Scenario: "uac_basic", Target: target, CallIDPrefix: "flowver-c",
		Timeout: 30 * time.Second, Vars: map[string]string{"hold_ms": "3000", "caller": "15550102003"}})
	require.Equal(t, 1, resC.Successful, resC.ErrorLog)
	tagsC := finalTags(t, app.rdb, "callgate:call:"+resC.CallIDs[0])
	assert.Equal(t, "3", tagsC["flow_version"])
	assert.Empty(t, tagsC["purpose"], "version 3 is version 1 again")

	// Call A ends on the version it started on.
	resA := <-callA
	require.Equal(t, 1, resA.Successful, resA.ErrorLog)
	tagsA := finalTags(t, app.rdb, keyA)
	assert.Equal(t, "1", tagsA["flow_version"], "the call in progress finished on version 1")
	assert.Empty(t, tagsA["purpose"])

	// The history and the ledger.
	code, body = ada.do(http.MethodGet, "/api/v1/flows/member-services/versions", nil)
	require.Equal(t, http.StatusOK, code)
	var hist struct {
		LiveVersion int `json:"live_version"`
		Versions    []struct {
			Version int    `json:"version"`
			Author  string `json:"author"`
			Comment string `json:"comment"`
		} `json:"versions"`
	}
	require.NoError(t, json.Unmarshal(body, &hist))
	assert.Equal(t, 3, hist.LiveVersion)
	require.Len(t, hist.Versions, 3)
	assert.Equal(t, "tag billing first", hist.Versions[1].Comment)
	assert.Equal(t, "ada", hist.Versions[0].Author)

	pubs := flowPublishes(ledgerEntries(t, ledgerPath))
	require.Len(t, pubs, 4, "two flows seeded at startup, a publish and a rollback")
	seeds := map[string]string{}
	for _, e := range pubs[:2] {
		assert.Equal(t, seedAuthor, e.Actor)
		seeds[e.Detail["flow"]] = e.Detail["version"]
	}
	assert.Equal(t, map[string]string{"member-services": "1", "pharmacy-refill": "1"}, seeds)
	v1 := flows.SourceSHA256(demo.Sources()["member-services"])
	v2 := flows.SourceSHA256([]byte(memberServicesV2(t)))
	assert.Equal(t, map[string]string{"flow": "member-services", "version": "2", "before_version": "1",
		"before_sha256": v1, "after_sha256": v2, "comment": "tag billing first"}, pubs[2].Detail)
	assert.Equal(t, "ada", pubs[2].Actor)
	assert.Equal(t, map[string]string{"flow": "member-services", "version": "3", "before_version": "2",
		"before_sha256": v2, "after_sha256": v1, "comment": "back to the bundled flow", "rollback_of": "1"}, pubs[3].Detail)
	var out, errOut bytes.Buffer
	assert.Equal(t, 0, audit.VerifyCommand([]string{ledgerPath}, &out, &errOut), "callgate audit verify: %s%s", out.String(), errOut.String())
	assert.Contains(t, logs.String(), `msg="flow draft saved"`, "draft saves are logged")
	assertNoPHI(t, logs.String())
}

// TestFlowAdminForbiddenServed: on a served instance every flow
// administration route answers 403 to an agent's (alice's) token and to
// the other non-admin roles, 401 without a session.
func TestFlowAdminForbiddenServed(t *testing.T) {
	app, _, _, _ := startApp(t)
	base := "http://" + app.httpLn.Addr().String()
	clients := map[string]*apiClient{}
	for _, u := range []string{"alice", "sam", "otto", "ada"} {
		clients[u] = signIn(t, base, u)
	}
	anon := &apiClient{t: t, base: base}
	for _, route := range web.FlowRoutes() {
		method, path, _ := strings.Cut(route, " ")
		path = strings.ReplaceAll(path, "{id}", "member-services")
		body := map[string]any{"source": string(demo.Sources()["member-services"]), "version": 1, "comment": "x"}
		if strings.HasSuffix(path, "/publish") {
			body = map[string]any{"comment": "x"}
		}
		if strings.HasSuffix(path, "/rollback") {
			body = map[string]any{"version": 1}
		}
		for _, u := range []string{"alice", "sam", "otto"} {
			code, b := clients[u].do(method, path, body)
			assert.Equal(t, http.StatusForbidden, code, "%s %s: %s", u, route, b)
		}
		code, _ := anon.do(method, path, body)
		assert.Equal(t, http.StatusUnauthorized, code, "no session: %s", route)
	}
	code, _ := clients["ada"].do(http.MethodGet, "/api/v1/flows", nil)
	assert.Equal(t, http.StatusOK, code)
	live, err := app.flows.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, 1, live.Version, "nothing the others sent changed anything")
}

// cleanFlowKeys deletes the flow keys of the real test Redis (database 15).
func cleanFlowKeys(t *testing.T, rdb *redis.Client) {
	t.Helper()
	cleanKeys(t, rdb, "callgate:flow:*")
	rdb.Del(context.Background(), "callgate:flows")
}

// TestFlowsSharedAcrossNodesRealRedis runs two nodes on one real
// redis-server: a version published on node A is what the next call on
// node B runs, and a third node starting later keeps it (the bundled flow
// does not overwrite what an admin published).
func TestFlowsSharedAcrossNodesRealRedis(t *testing.T) {
	rdb := storetest.Redis(t)
	url := storetest.RedisURL()
	ctx := context.Background()
	cleanFlowKeys(t, rdb)
	t.Cleanup(func() { cleanFlowKeys(t, rdb) })

	ledgerA, ledgerB := t.TempDir()+"/a.jsonl", t.TempDir()+"/b.jsonl"
	nodeA, _, _, _ := startApp(t, "--redis-url", url, "--ledger", ledgerA)
	nodeB, _, _, _ := startApp(t, "--redis-url", url, "--ledger", ledgerB)
	assert.Equal(t, "1", rdb.Get(ctx, "callgate:flow:member-services:live").Val())
	assert.Len(t, flowPublishes(ledgerEntries(t, ledgerA)), 2, "node A seeded both flows")
	raw, _ := os.ReadFile(ledgerB)
	assert.NotContains(t, string(raw), `"flow_publish"`, "node B found them published")

	ada := signIn(t, "http://"+nodeA.httpLn.Addr().String(), "ada")
	code, body := ada.do(http.MethodPut, "/api/v1/flows/member-services/draft", map[string]string{"source": memberServicesV2(t)})
	require.Equal(t, http.StatusOK, code, string(body))
	code, body = ada.do(http.MethodPost, "/api/v1/flows/member-services/publish", map[string]string{"comment": "on node A"})
	require.Equal(t, http.StatusOK, code, string(body))

	var out bytes.Buffer
	require.NoError(t, cmdDial(ctx, []string{"sip:ivr@" + nodeB.udp.LocalAddr().String(), "--duration", "2s", "--json"}, &out))
	rep := parseReport(t, out.String())
	key := "callgate:call:" + rep.CallID
	t.Cleanup(func() { rdb.Del(context.Background(), key, "callgate:evidence:"+rep.CallID) })
	tags := finalTags(t, rdb, key)
	assert.Equal(t, "2", tags["flow_version"], "node B's next call runs what node A published")
	assert.Equal(t, "billing", tags["purpose"])

	nodeC, _, _, _ := startApp(t, "--redis-url", url)
	f, err := nodeC.flows.Live(ctx, "member-services")
	require.NoError(t, err)
	assert.Equal(t, 2, f.Version, "a node starting later keeps the published version")
	assert.Contains(t, f.Nodes, "mark")
}
