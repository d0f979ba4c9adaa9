package flows_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loadDemo loads a demo flow, checking prompts against the bundled names.
func loadDemo(t testing.TB, id string) *flows.Flow {
	t.Helper()
	src, ok := demo.Sources()[id]
	require.True(t, ok, "demo flow %q", id)
	f, err := flows.Load(src, testOptions())
	require.NoError(t, err)
	return f
}

// t0 is a fixed publish time.
var t0 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) //nolint:gochecknoglobals // test fixture

func TestRegistryPublish(t *testing.T) {
	r := flows.NewRegistry()
	draft := loadDemo(t, "member-services")

	v1, err := r.Publish(draft, "ada", "first", t0)
	require.NoError(t, err)
	assert.Equal(t, 1, v1.Version)
	assert.Equal(t, 1, v1.Flow.Version)
	assert.Equal(t, "ada", v1.Author)
	assert.Equal(t, "first", v1.Comment)
	assert.Equal(t, t0, v1.Published)
	sum := sha256.Sum256(draft.Source)
	assert.Equal(t, hex.EncodeToString(sum[:]), v1.SHA256)
	assert.Equal(t, 0, draft.Version, "the draft is not modified")
	assert.NotSame(t, draft, v1.Flow, "the registry keeps its own copy")

	v2, err := r.Publish(draft, "ada", "second", t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, v2.Version)

	live, ok := r.Live("member-services")
	require.True(t, ok)
	assert.Same(t, v2.Flow, live)
	got1, ok := r.Get("member-services", 1)
	require.True(t, ok)
	assert.Same(t, v1.Flow, got1)
	assert.Equal(t, []string{"member-services"}, r.IDs())
	versions := r.Versions("member-services")
	require.Len(t, versions, 2)
	assert.Equal(t, []int{1, 2}, []int{versions[0].Version, versions[1].Version})
}

func TestRegistryLiveFlowIsImmutable(t *testing.T) {
	r := flows.NewRegistry()
	draft := loadDemo(t, "member-services")
	_, err := r.Publish(draft, "ada", "first", t0)
	require.NoError(t, err)

	held, ok := r.Live("member-services") // a call starts on version 1
	require.True(t, ok)
	before := held.Clone()

	// The admin edits the same draft and publishes again.
	draft.Nodes["purpose"].Choices["1"] = flows.Choice{Next: "route_scheduling", Set: map[string]string{"purpose": "booking"}}
	draft.Nodes["route_nurse"].Queue = "nurse_overflow"
	delete(draft.Nodes, "callback_general")
	draft.Description = "changed"
	draft.Nodes["callback_general"] = &flows.Node{Kind: flows.KindCallback, Queue: "general"}
	_, err = r.Publish(draft, "ada", "second", t0.Add(time.Minute))
	require.NoError(t, err)

	assert.Equal(t, before, held, "the call's flow keeps its content")
	assert.Equal(t, 1, held.Version)
	live, _ := r.Live("member-services")
	assert.Equal(t, 2, live.Version)
	assert.Equal(t, "booking", live.Nodes["purpose"].Choices["1"].Set["purpose"])
	assert.Equal(t, "scheduling", held.Nodes["purpose"].Choices["1"].Set["purpose"])
	assert.Equal(t, "nurse", held.Nodes["route_nurse"].Queue)
}

func TestRegistryRollback(t *testing.T) {
	r := flows.NewRegistry()
	draft := loadDemo(t, "member-services")
	v1, err := r.Publish(draft, "ada", "first", t0)
	require.NoError(t, err)
	draft.Nodes["route_general"].Queue = "billing"
	_, err = r.Publish(draft, "ada", "general calls to billing", t0.Add(time.Hour))
	require.NoError(t, err)

	v3, err := r.Rollback("member-services", 1, "sam", t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 3, v3.Version)
	assert.Equal(t, "sam", v3.Author)
	assert.Equal(t, "rollback to version 1", v3.Comment)
	assert.Equal(t, v1.SHA256, v3.SHA256)
	live, _ := r.Live("member-services")
	assert.Same(t, v3.Flow, live)
	assert.Equal(t, 3, live.Version)
	assert.Equal(t, "general", live.Nodes["route_general"].Queue)
	old, _ := r.Get("member-services", 1)
	assert.Equal(t, 1, old.Version, "the old version is untouched")
	assert.Len(t, r.Versions("member-services"), 3)
}

func TestRegistryErrors(t *testing.T) {
	r := flows.NewRegistry()
	_, err := r.Publish(loadDemo(t, "pharmacy-refill"), "ada", "", t0)
	require.NoError(t, err)
	invalid := loadDemo(t, "pharmacy-refill")
	invalid.Nodes["dob"].Secure = false

	cases := []struct {
		name string
		do   func() error
		want error
	}{
		{"publish nil", func() error { _, err := r.Publish(nil, "ada", "", t0); return err }, flows.ErrNilFlow},
		{"publish empty", func() error { _, err := r.Publish(&flows.Flow{ID: "x"}, "ada", "", t0); return err }, flows.ErrInvalidFlow},
		{"publish insecure", func() error { _, err := r.Publish(invalid, "ada", "", t0); return err }, flows.ErrInvalidFlow},
		{"rollback unknown flow", func() error { _, err := r.Rollback("nope", 1, "ada", t0); return err }, flows.ErrUnknownFlow},
		{"rollback version 0", func() error { _, err := r.Rollback("pharmacy-refill", 0, "ada", t0); return err }, flows.ErrUnknownVersion},
		{"rollback future version", func() error { _, err := r.Rollback("pharmacy-refill", 2, "ada", t0); return err }, flows.ErrUnknownVersion},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, tc.do(), tc.want)
		})
	}
	_, ok := r.Live("nope")
	assert.False(t, ok)
	_, ok = r.Get("pharmacy-refill", 2)
	assert.False(t, ok)
	assert.Nil(t, r.Versions("nope"))
}

func TestRegistryConcurrent(t *testing.T) {
	r := flows.NewRegistry()
	drafts := map[string]*flows.Flow{
		"member-services": loadDemo(t, "member-services"),
		"pharmacy-refill": loadDemo(t, "pharmacy-refill"),
	}
	const publishes = 20
	var wg sync.WaitGroup
	for id, draft := range drafts {
		wg.Go(func() {
			for i := range publishes {
				_, err := r.Publish(draft, "ada", fmt.Sprint(i), t0)
				assert.NoError(t, err)
			}
		})
		wg.Go(func() {
			for range publishes {
				if f, ok := r.Live(id); ok {
					assert.Equal(t, id, f.ID)
					assert.Positive(t, f.Version)
				}
				r.Versions(id)
				r.IDs()
			}
		})
	}
	wg.Go(func() {
		for range publishes {
			_, _ = r.Rollback("member-services", 1, "sam", t0)
		}
	})
	wg.Wait()
	for id := range drafts {
		versions := r.Versions(id)
		for i, v := range versions {
			assert.Equal(t, i+1, v.Version)
			assert.Equal(t, i+1, v.Flow.Version)
		}
	}
	assert.Len(t, r.Versions("pharmacy-refill"), publishes)
}
