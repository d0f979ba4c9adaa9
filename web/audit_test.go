package web

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

// What the server reports through WithAudit fits the ledger: known kinds,
// and details that pass its PHI guard (user_ref is a 64-hex digest).
func TestAuditEntriesFitLedger(t *testing.T) {
	f := newFixture(t, Config{Demo: true, MaxFailures: 2, IdleTimeout: time.Minute}, nil)
	token := f.login(t, "alice")
	f.call(t, http.MethodPost, "/api/v1/agent/status", statusRequest{Status: StatusAway}, token)
	for range 3 {
		f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "alice", Password: "wrong"}, "")
		f.call(t, http.MethodPost, "/api/v1/auth/login", loginRequest{Username: "12345678", Password: "wrong"}, "")
	}
	f.call(t, http.MethodPost, "/api/v1/auth/logout", nil, token)

	kinds := map[string]int{}
	for _, e := range f.audit.Entries() {
		kinds[e.Kind]++
		if e.Kind == AuditSignOut {
			continue // the ledger has no sign-out kind yet
		}
		assert.NoError(t, audit.Validate(audit.Entry{Kind: audit.Kind(e.Kind), Actor: e.Actor, Detail: e.Detail}), "%+v", e)
	}
	require.Equal(t, map[string]int{AuditSignIn: 1, AuditStatus: 1, AuditSignInFailed: 6, AuditSignOut: 1}, kinds)
	assert.Equal(t, audit.KindSignin, audit.Kind(AuditSignIn))
	assert.Equal(t, audit.KindSigninFailed, audit.Kind(AuditSignInFailed))
	assert.Equal(t, audit.KindStatus, audit.Kind(AuditStatus))
}
