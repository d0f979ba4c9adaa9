package tags

import (
	"context"
	"testing"

	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRoundTrips counts what each operation sends with a go-redis hook:
// one round trip each, and none for a write with nothing to write.
func TestRoundTrips(t *testing.T) {
	ctx := context.Background()
	m, rdb := storetest.Mini(t)
	require.NoError(t, rdb.Ping(ctx).Err()) // set up the connection first
	rt := &storetest.RoundTrips{}
	rdb.AddHook(rt)
	tg := New(rdb)

	var w *Writer
	steps := []struct {
		name string
		op   func() error
		want int
	}{
		{"begin", func() (err error) {
			w, err = tg.Begin(ctx, callID, map[Field]string{FieldFlow: "main", FieldFlowVersion: "2"})
			return err
		}, 1},
		{"set", func() error {
			return w.Set(ctx, map[Field]string{FieldVerificationLevel: "full", FieldSubject: testSubject, FieldCallerRole: "self"})
		}, 1},
		{"set nothing", func() error { return w.Set(ctx, nil) }, 0},
		{"add flag", func() error { return w.AddFlag(ctx, FlagVerificationFailed) }, 1},
		{"add same flag", func() error { return w.AddFlag(ctx, FlagVerificationFailed) }, 0},
		{"set after outage", func() error {
			m.SetError("ERR down")
			assert.Error(t, w.Set(ctx, map[Field]string{FieldQueue: "nurse"}))
			m.SetError("")
			rt.Take()
			return w.Set(ctx, map[Field]string{FieldAgent: "j.doe"}) // rewrites every field, still one trip
		}, 1},
		{"end", func() error { return w.End(ctx, "ended") }, 1},
		{"get", func() error { _, err := tg.Get(ctx, callID); return err }, 1},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			require.NoError(t, s.op())
			got := rt.Take()
			require.Len(t, got, s.want, "%v", got)
			for _, cmds := range got {
				assert.Len(t, cmds, 1, "one command per trip: %v", cmds)
			}
		})
	}
}
