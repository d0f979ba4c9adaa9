// Package flowtest checks implementations of flows.Store against the
// contract: every implementation (flows.MemStore, routing/flowstore on
// miniredis and on a real redis-server) runs the same StoreContract.
package flowtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
)

// t0 is the contract's publish time.
var t0 = time.Date(2026, 6, 1, 9, 30, 15, 123456789, time.UTC) //nolint:gochecknoglobals // fixture

// Record returns a record of flow id whose source says n.
func Record(id string, n int) flows.Record {
	src := []byte(fmt.Sprintf("id: %s\n# source %d\n", id, n))
	return flows.Record{ID: id, Source: src, SHA256: flows.SourceSHA256(src), Author: "ada",
		Comment: fmt.Sprintf("change %d", n), Published: t0.Add(time.Duration(n) * time.Minute)}
}

// StoreContract runs the flows.Store contract against stores made by
// newStore, each empty and used by one subtest.
func StoreContract(t *testing.T, newStore func(t *testing.T) flows.Store) {
	t.Helper()
	ctx := context.Background()

	t.Run("empty", func(t *testing.T) {
		s := newStore(t)
		ids, err := s.IDs(ctx)
		require.NoError(t, err)
		assert.Empty(t, ids)
		n, err := s.LiveVersion(ctx, "member-services")
		require.NoError(t, err)
		assert.Zero(t, n)
		recs, err := s.Records(ctx, "member-services")
		require.NoError(t, err)
		assert.Empty(t, recs)
		_, err = s.Record(ctx, "member-services", 1)
		require.ErrorIs(t, err, flows.ErrUnknownVersion)
		_, ok, err := s.Draft(ctx, "member-services")
		require.NoError(t, err)
		assert.False(t, ok)
		require.NoError(t, s.DeleteDraft(ctx, "member-services"), "deleting no draft is fine")
	})

	t.Run("seed publishes version 1 once", func(t *testing.T) {
		s := newStore(t)
		live, created, err := s.Seed(ctx, Record("intake", 1))
		require.NoError(t, err)
		assert.Equal(t, 1, live)
		assert.True(t, created)
		live, created, err = s.Seed(ctx, Record("intake", 2))
		require.NoError(t, err)
		assert.Equal(t, 1, live)
		assert.False(t, created, "a second seed changes nothing")
		got, err := s.Record(ctx, "intake", 1)
		require.NoError(t, err)
		assertRecord(t, Record("intake", 1), 1, got)

		_, _, err = s.Publish(ctx, Record("intake", 3), flows.PublishCondition{})
		require.NoError(t, err)
		live, created, err = s.Seed(ctx, Record("intake", 4))
		require.NoError(t, err)
		assert.Equal(t, 2, live, "the seed reports the live version")
		assert.False(t, created)
	})

	t.Run("publish", func(t *testing.T) {
		s := newStore(t)
		for n := 1; n <= 3; n++ {
			rec := Record("intake", n)
			rec.Version = 99 // ignored
			if n == 3 {
				rec.RollbackOf = 1
			}
			stored, before, err := s.Publish(ctx, rec, flows.PublishCondition{})
			require.NoError(t, err)
			assert.Equal(t, n-1, before)
			assertRecord(t, rec, n, stored)
			live, err := s.LiveVersion(ctx, "intake")
			require.NoError(t, err)
			assert.Equal(t, n, live)
		}
		recs, err := s.Records(ctx, "intake")
		require.NoError(t, err)
		require.Len(t, recs, 3)
		for i, r := range recs {
			want := Record("intake", i+1)
			if i == 2 {
				want.RollbackOf = 1
			}
			assertRecord(t, want, i+1, r)
		}
		got, err := s.Record(ctx, "intake", 2)
		require.NoError(t, err)
		assertRecord(t, Record("intake", 2), 2, got)
		_, err = s.Record(ctx, "intake", 4)
		require.ErrorIs(t, err, flows.ErrUnknownVersion)
		_, err = s.Record(ctx, "intake", 0)
		require.ErrorIs(t, err, flows.ErrUnknownVersion)
		ids, err := s.IDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"intake"}, ids)
	})

	t.Run("conditions", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Publish(ctx, Record("intake", 1), flows.PublishCondition{CheckLive: true, Live: 1})
		require.ErrorIs(t, err, flows.ErrStale)
		_, _, err = s.Publish(ctx, Record("intake", 1), flows.PublishCondition{CheckLive: true, Live: 0})
		require.NoError(t, err, "a new flow's first version is published over live 0")
		_, _, err = s.Publish(ctx, Record("intake", 2), flows.PublishCondition{CheckLive: true, Live: 0})
		require.ErrorIs(t, err, flows.ErrStale)

		draft := flows.Draft{ID: "intake", Source: Record("intake", 2).Source, SHA256: Record("intake", 2).SHA256, Author: "ada", Saved: t0}
		require.NoError(t, s.SaveDraft(ctx, draft))
		_, _, err = s.Publish(ctx, Record("intake", 2), flows.PublishCondition{DraftSHA256: "0000"})
		require.ErrorIs(t, err, flows.ErrDraftChanged)
		live, err := s.LiveVersion(ctx, "intake")
		require.NoError(t, err)
		assert.Equal(t, 1, live, "a failed condition changes nothing")
		_, ok, err := s.Draft(ctx, "intake")
		require.NoError(t, err)
		assert.True(t, ok, "the draft stays")

		stored, before, err := s.Publish(ctx, Record("intake", 2), flows.PublishCondition{CheckLive: true, Live: 1, DraftSHA256: draft.SHA256})
		require.NoError(t, err)
		assert.Equal(t, 2, stored.Version)
		assert.Equal(t, 1, before)
		_, ok, err = s.Draft(ctx, "intake")
		require.NoError(t, err)
		assert.False(t, ok, "publishing the draft deletes it")
	})

	t.Run("drafts", func(t *testing.T) {
		s := newStore(t)
		d := flows.Draft{ID: "triage", Source: []byte("id: triage\n"), SHA256: flows.SourceSHA256([]byte("id: triage\n")), Author: "ada", Saved: t0}
		require.NoError(t, s.SaveDraft(ctx, d))
		got, ok, err := s.Draft(ctx, "triage")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, d.ID, got.ID)
		assert.Equal(t, string(d.Source), string(got.Source))
		assert.Equal(t, d.SHA256, got.SHA256)
		assert.Equal(t, d.Author, got.Author)
		assert.True(t, d.Saved.Equal(got.Saved), "saved %v, got %v", d.Saved, got.Saved)
		ids, err := s.IDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"triage"}, ids, "a draft-only flow is listed")
		live, err := s.LiveVersion(ctx, "triage")
		require.NoError(t, err)
		assert.Zero(t, live)

		d2 := d
		d2.Source, d2.Author = []byte("id: triage\n# again\n"), "grace"
		require.NoError(t, s.SaveDraft(ctx, d2))
		got, _, err = s.Draft(ctx, "triage")
		require.NoError(t, err)
		assert.Equal(t, "grace", got.Author, "saving replaces the draft")

		require.NoError(t, s.DeleteDraft(ctx, "triage"))
		ids, err = s.IDs(ctx)
		require.NoError(t, err)
		assert.Empty(t, ids, "a flow with neither version nor draft is gone")

		_, _, err = s.Publish(ctx, Record("triage", 1), flows.PublishCondition{})
		require.NoError(t, err)
		require.NoError(t, s.SaveDraft(ctx, d))
		require.NoError(t, s.DeleteDraft(ctx, "triage"))
		ids, err = s.IDs(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"triage"}, ids, "a published flow stays listed without its draft")
	})

	t.Run("concurrent publishes get distinct versions", func(t *testing.T) {
		s := newStore(t)
		const n = 20
		var wg sync.WaitGroup
		versions := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				rec, _, err := s.Publish(ctx, Record("intake", i+1), flows.PublishCondition{})
				versions[i], errs[i] = rec.Version, err
			})
		}
		wg.Wait()
		seen := map[int]bool{}
		for i := range n {
			require.NoError(t, errs[i])
			assert.False(t, seen[versions[i]], "version %d given twice", versions[i])
			seen[versions[i]] = true
		}
		live, err := s.LiveVersion(ctx, "intake")
		require.NoError(t, err)
		assert.Equal(t, n, live)
		recs, err := s.Records(ctx, "intake")
		require.NoError(t, err)
		require.Len(t, recs, n)
		for i, r := range recs {
			assert.Equal(t, i+1, r.Version)
		}
	})

	t.Run("concurrent publishes over one live version: one wins", func(t *testing.T) {
		s := newStore(t)
		_, _, err := s.Publish(ctx, Record("intake", 1), flows.PublishCondition{})
		require.NoError(t, err)
		const n = 10
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				_, _, errs[i] = s.Publish(ctx, Record("intake", i+2), flows.PublishCondition{CheckLive: true, Live: 1})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
				continue
			}
			assert.True(t, errors.Is(err, flows.ErrStale), "%v", err)
		}
		assert.Equal(t, 1, won)
		live, err := s.LiveVersion(ctx, "intake")
		require.NoError(t, err)
		assert.Equal(t, 2, live)
	})
}

// assertRecord checks got is want stored as version.
func assertRecord(t *testing.T, want flows.Record, version int, got flows.Record) {
	t.Helper()
	assert.Equal(t, want.ID, got.ID)
	assert.Equal(t, version, got.Version)
	assert.Equal(t, string(want.Source), string(got.Source))
	assert.Equal(t, want.SHA256, got.SHA256)
	assert.Equal(t, want.Author, got.Author)
	assert.Equal(t, want.Comment, got.Comment)
	assert.True(t, want.Published.Equal(got.Published), "published %v, got %v", want.Published, got.Published)
	assert.Equal(t, want.RollbackOf, got.RollbackOf)
}
