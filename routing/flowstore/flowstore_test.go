package flowstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/flowtest"
	"github.com/callgate/callgate/routing/flowstore"
	"github.com/callgate/callgate/routing/store/storetest"
)

func TestContractMiniredis(t *testing.T) {
	flowtest.StoreContract(t, func(t *testing.T) flows.Store {
		_, rdb := storetest.Mini(t)
		return flowstore.New(rdb)
	})
}

// TestPeerContract runs the contract against a real redis-server (Lua,
// MULTI and concurrency as production sees them).
func TestPeerContract(t *testing.T) {
	rdb := storetest.Redis(t)
	flowtest.StoreContract(t, func(t *testing.T) flows.Store {
		return flowstore.New(rdb, flowstore.WithPrefix(storetest.Prefix(t, rdb)))
	})
}

// TestKeys pins the documented key layout (README § Flow administration).
func TestKeys(t *testing.T) {
	ctx := context.Background()
	rdb := storetest.Redis(t)
	prefix := storetest.Prefix(t, rdb)
	s := flowstore.New(rdb, flowstore.WithPrefix(prefix))
	_, _, err := s.Publish(ctx, flowtest.Record("intake", 1), flows.PublishCondition{})
	require.NoError(t, err)
	_, _, err = s.Publish(ctx, flowtest.Record("intake", 2), flows.PublishCondition{})
	require.NoError(t, err)
	d := flowtest.Record("intake", 3)
	require.NoError(t, s.SaveDraft(ctx, flows.Draft{ID: "intake", Source: d.Source, SHA256: d.SHA256, Author: "ada", Saved: d.Published}))

	assert.Equal(t, []string{prefix + "flow:intake:draft", prefix + "flow:intake:live", prefix + "flow:intake:versions", prefix + "flows"},
		storetest.Keys(ctx, t, rdb, prefix))
	assert.Equal(t, "2", rdb.Get(ctx, prefix+"flow:intake:live").Val())
	assert.Equal(t, []string{"intake"}, rdb.SMembers(ctx, prefix+"flows").Val())
	assert.Equal(t, []string{"1", "2"}, sorted(rdb.HKeys(ctx, prefix+"flow:intake:versions").Val()))
	assert.JSONEq(t, `{"source":"id: intake\n# source 2\n","sha256":"`+flowtest.Record("intake", 2).SHA256+`","author":"ada",
		"comment":"change 2","published":"2026-06-01T09:32:15.123456789Z"}`, rdb.HGet(ctx, prefix+"flow:intake:versions", "2").Val())
	draft := rdb.HGetAll(ctx, prefix+"flow:intake:draft").Val()
	assert.Equal(t, string(d.Source), draft["source"])
	assert.Equal(t, d.SHA256, draft["sha256"])
	assert.Equal(t, "ada", draft["author"])
	assert.Equal(t, "2026-06-01T09:33:15.123456789Z", draft["saved"])
	for _, k := range storetest.Keys(ctx, t, rdb, prefix) {
		assert.Equal(t, time.Duration(-1), rdb.TTL(ctx, k).Val(), "%s never expires", k)
	}
}

func TestPolicyNamespace(t *testing.T) {
	ctx := context.Background()
	_, rdb := storetest.Mini(t)
	flowsStore := flowstore.New(rdb)
	policies := flowstore.New(rdb, flowstore.WithNamespace("policies", "policy"))
	_, _, err := policies.Publish(ctx, flowtest.Record("default", 1), flows.PublishCondition{})
	require.NoError(t, err)
	assert.Equal(t, []string{"callgate:policies", "callgate:policy:default:live", "callgate:policy:default:versions"}, sorted(rdb.Keys(ctx, "*").Val()))
	ids, err := flowsStore.IDs(ctx)
	require.NoError(t, err)
	assert.Empty(t, ids, "the namespaces do not mix")
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
