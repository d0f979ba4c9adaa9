package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
)

// TestFlowCLIAgainstServer drives `callgate flow` against a served
// instance: list, validate (a file with an error at its line), publish a
// file, diff, versions, show, rollback; an agent is refused.
func TestFlowCLIAgainstServer(t *testing.T) {
	ledgerPath := t.TempDir() + "/ledger.jsonl"
	app, _, _, _ := startApp(t, "--ledger", ledgerPath)
	server := "http://" + app.httpLn.Addr().String()
	env := map[string]string{"ADA_PASSWORD": "ada-demo-1", "ALICE_PASSWORD": "alice-demo-1"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	flow := func(args ...string) (string, error) {
		t.Helper()
		var out, errOut bytes.Buffer
		err := runFlow(context.Background(), args, &out, &errOut, lookup)
		return out.String() + errOut.String(), err
	}
	as := []string{"--server", server, "--user", "ada", "--password-env", "ADA_PASSWORD"}
	dir := t.TempDir()
	good := filepath.Join(dir, "member-services.yaml")
	require.NoError(t, os.WriteFile(good, []byte(memberServicesV2(t)), 0o600))
	bad := filepath.Join(dir, "broken.yaml")
	badSrc := strings.Replace(memberServicesV2(t), "    next: consent\n", "    next: consnt\n", 1)
	require.NoError(t, os.WriteFile(bad, []byte(badSrc), 0o600))
	badLine := 1 + strings.Count(badSrc[:strings.Index(badSrc, "next: consnt")], "\n")

	out, err := flow(append([]string{"list"}, as...)...)
	require.NoError(t, err, out)
	assert.Regexp(t, `(?m)^member-services\s+v1\s+callgate\s+none`, out)
	assert.Regexp(t, `(?m)^pharmacy-refill\s+v1`, out)

	out, err = flow(append([]string{"validate", bad}, as...)...)
	require.ErrorIs(t, err, errInvalid, out)
	assert.Contains(t, out, bad+":"+strconv.Itoa(badLine)+":5: node \"mark\": next names undefined target \"consnt\"")
	out, err = flow(append([]string{"validate", good}, as...)...)
	require.NoError(t, err, out)
	assert.Contains(t, out, good+": ok (flow member-services")

	out, err = flow(append([]string{"publish", "member-services", bad, "--comment", "typo"}, as...)...)
	require.ErrorIs(t, err, errInvalid, "an invalid file is not published")
	assert.Contains(t, out, bad+":"+strconv.Itoa(badLine)+":5:")

	out, err = flow(append([]string{"publish", "member-services", good, "--comment", "tag billing first"}, as...)...)
	require.NoError(t, err, out)
	assert.Equal(t, "published member-services version 2 (was version 1); new calls use it now\n", out)

	out, err = flow(append([]string{"versions", "member-services"}, as...)...)
	require.NoError(t, err, out)
	assert.Regexp(t, `(?m)^v2 \(live\)\s+\S+\s+ada\s+[0-9a-f]{12}\s+tag billing first$`, out)
	assert.Regexp(t, `(?m)^v1\s+\S+\s+callgate\s+`, out)

	out, err = flow(append([]string{"show", "member-services", "--version", "1"}, as...)...)
	require.NoError(t, err, out)
	assert.Equal(t, string(demo.Sources()["member-services"]), out)
	out, err = flow(append([]string{"diff", "member-services"}, as...)...)
	require.NoError(t, err, out)
	assert.Equal(t, "member-services has no draft\n", out)

	out, err = flow(append([]string{"rollback", "member-services", "--version", "1"}, as...)...)
	require.NoError(t, err, out)
	assert.Equal(t, "member-services version 3 is live: a copy of version 1 (was version 2)\n", out)
	f, err := app.flows.Live(context.Background(), "member-services")
	require.NoError(t, err)
	assert.Equal(t, 3, f.Version)

	out, err = flow("rollback", "member-services", "--version", "2", "--server", server, "--user", "alice", "--password-env", "ALICE_PASSWORD")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "403")
	_, err = flow("list", "--server", server, "--user", "ada")
	require.ErrorContains(t, err, "--password-env", "passwords are never flags")
	_, err = flow("list", "--server", "http://192.0.2.1:8080", "--user", "ada", "--password-env", "ADA_PASSWORD")
	require.ErrorContains(t, err, "plain http", "no credentials in clear to another host")
	_, err = flow("rollback", "member-services", "--server", server)
	require.ErrorIs(t, err, errUsage, "rollback needs --version")

	// The CLI's publishes are in the ledger like the page's.
	var pubs []audit.Entry
	for _, e := range flowPublishes(ledgerEntries(t, ledgerPath)) {
		if e.Actor == "ada" {
			pubs = append(pubs, e)
		}
	}
	require.Len(t, pubs, 2)
	assert.Equal(t, flows.SourceSHA256([]byte(memberServicesV2(t))), pubs[0].Detail["after_sha256"])
	assert.Equal(t, "1", pubs[1].Detail["rollback_of"])

	// Offline commands still work without a server.
	out, err = flow("list")
	require.NoError(t, err)
	assert.Contains(t, out, "member-services")
	out, err = flow("validate", bad)
	require.ErrorIs(t, err, errInvalid)
	assert.Contains(t, out, bad+":"+strconv.Itoa(badLine)+":5:")
}
