package audit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callgate/callgate/audit"
)

func TestKind(t *testing.T) {
	tests := []struct {
		kind       audit.Kind
		valid      bool
		disclosure bool
	}{
		{audit.KindDisclosure, true, true},
		{audit.KindSignin, true, false},
		{audit.KindSigninFailed, true, false},
		{audit.KindStatus, true, false},
		{audit.KindFlowPublish, true, false},
		{audit.KindPolicyPublish, true, false},
		{audit.KindReveal, true, true},
		{"", false, false},
		{"DISCLOSURE", false, false},
		{"export", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			assert.Equal(t, tt.valid, tt.kind.Valid())
			assert.Equal(t, tt.disclosure, tt.kind.IsDisclosure())
			assert.Equal(t, string(tt.kind), tt.kind.String())
		})
	}
	assert.Equal(t, []audit.Kind{"disclosure", "signin", "signin_failed", "status", "flow_publish", "policy_publish", "reveal", "signout", "screen_pop", "prompt_publish"}, audit.Kinds())
	for _, k := range audit.Kinds() {
		assert.True(t, k.Valid(), k)
	}
}
