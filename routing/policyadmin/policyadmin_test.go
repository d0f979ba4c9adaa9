package policyadmin_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/flowstore"
	"github.com/callgate/callgate/routing/policy"
	"github.com/callgate/callgate/routing/policyadmin"
	"github.com/callgate/callgate/routing/store/storetest"
)

var t0 = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // fixture

// noPhone is the demo policy without phone for full/self/scheduling.
func noPhone() []byte {
	return []byte(strings.Replace(string(policy.DemoSource()), "scheduling: [name, phone, appointments]", "scheduling: [name, appointments]", 1))
}

// failing is a store whose LiveVersion fails while down.
type failing struct {
	flows.Store
	down bool
}

func (f *failing) LiveVersion(ctx context.Context, id string) (int, error) {
	if f.down {
		return 0, errors.New("connection refused")
	}
	return f.Store.LiveVersion(ctx, id)
}

func full(t *testing.T, p *policy.Policy) []string {
	t.Helper()
	return p.Decide(policy.Call{Level: "full", Role: "self", Purpose: "scheduling"}, policy.Agent{Username: "alice"}).Fields
}

func TestPolicyPublishAndLive(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	st := &failing{Store: flowstore.New(rdb, flowstore.WithNamespace("policies", "policy"))}
	var storeErrs []string
	c, err := policyadmin.New(policyadmin.Config{Store: st, OnStoreError: func(op string, _ error) { storeErrs = append(storeErrs, op) }})
	require.NoError(t, err)

	_, _, err = c.Live(ctx)
	require.ErrorIs(t, err, flows.ErrUnknownFlow, "nothing published")
	res, err := c.Seed(ctx, policy.DemoSource(), "callgate", "loaded at startup", t0)
	require.NoError(t, err)
	require.True(t, res.Created)
	pol, v, err := c.Live(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	assert.Equal(t, []string{"appointments", "name", "phone"}, full(t, pol))

	// A draft with an error: refused at its line, nothing saved.
	bad := []byte(strings.Replace(string(noPhone()), "scheduling: [name, appointments]", "scheduling: [name, appointment]", 1))
	_, err = c.SaveDraft(ctx, policyadmin.ID, bad, "ada", t0)
	var errs flows.Errors
	require.ErrorAs(t, err, &errs)
	require.Len(t, errs, 1)
	assert.Equal(t, 1+strings.Count(string(bad[:strings.Index(string(bad), "appointment]")]), "\n"), errs[0].Line)
	assert.Contains(t, errs[0].Message, "appointment")
	_, ok, err := c.Draft(ctx, policyadmin.ID)
	require.NoError(t, err)
	assert.False(t, ok)

	_, err = c.SaveDraft(ctx, policyadmin.ID, noPhone(), "ada", t0)
	require.NoError(t, err)
	diff, err := c.Diff(ctx, policyadmin.ID)
	require.NoError(t, err)
	assert.Contains(t, diff.Unified, "-      scheduling: [name, phone, appointments]\n+      scheduling: [name, appointments]\n")
	ch, err := c.Publish(ctx, flows.PublishRequest{ID: policyadmin.ID, Author: "ada", Comment: "no phone for scheduling", CheckLive: true, Live: 1, Now: t0})
	require.NoError(t, err)
	assert.Equal(t, 2, ch.Version)
	pol2, v, err := c.Live(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, v, "the next pop uses version 2")
	assert.Equal(t, []string{"appointments", "name"}, full(t, pol2))
	assert.Equal(t, []string{"appointments", "name", "phone"}, full(t, pol), "a policy already in use is not changed")

	st.down = true
	_, v, err = c.Live(ctx)
	require.NoError(t, err, "the last version loaded answers while the store is away")
	assert.Equal(t, 2, v)
	assert.Equal(t, []string{"live"}, storeErrs)
	st.down = false

	rb, err := c.Rollback(ctx, flows.RollbackRequest{ID: policyadmin.ID, Version: 1, Author: "ada", Now: t0})
	require.NoError(t, err)
	assert.Equal(t, 3, rb.Version)
	_, v, err = c.Live(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, v)

	res, err = c.Seed(ctx, policy.DemoSource(), "callgate", "restart", t0)
	require.NoError(t, err)
	assert.False(t, res.Created, "a restart keeps what admins published")
	list, err := c.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, 3, list[0].Live)
	assert.Equal(t, flows.DraftNone, list[0].Draft)
}
