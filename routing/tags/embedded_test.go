package tags

import (
	"context"
	"testing"

	"github.com/callgate/callgate/routing/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEmbeddedStore runs a call on the store the demo and single-node
// setups use.
func TestEmbeddedStore(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	tg := New(s.Client)
	w, err := tg.Begin(ctx, callID, map[Field]string{FieldPurpose: "nurse"})
	require.NoError(t, err)
	require.NoError(t, w.Set(ctx, map[Field]string{FieldVerificationLevel: "full", FieldSubject: testSubject}))
	require.NoError(t, w.AddFlag(ctx, FlagLockedOut))
	require.NoError(t, w.End(ctx, "ended"))
	got, err := tg.Get(ctx, callID)
	require.NoError(t, err)
	assert.Equal(t, w.Snapshot(), got)
	assert.Equal(t, DefaultTTL, s.Client.TTL(ctx, tg.Key(callID)).Val())
}
