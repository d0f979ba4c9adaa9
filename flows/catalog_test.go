package flows_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
)

// countingStore counts LiveVersion and Record calls and fails every call
// while down is set.
type countingStore struct {
	flows.Store
	mu             sync.Mutex
	live, records  int
	down           bool
	errUnavailable error
}

func (s *countingStore) fail() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.down {
		return s.errUnavailable
	}
	return nil
}

func (s *countingStore) LiveVersion(ctx context.Context, id string) (int, error) {
	s.mu.Lock()
	s.live++
	s.mu.Unlock()
	if err := s.fail(); err != nil {
		return 0, err
	}
	return s.Store.LiveVersion(ctx, id)
}

func (s *countingStore) Record(ctx context.Context, id string, v int) (flows.Record, error) {
	s.mu.Lock()
	s.records++
	s.mu.Unlock()
	if err := s.fail(); err != nil {
		return flows.Record{}, err
	}
	return s.Store.Record(ctx, id, v)
}

func (s *countingStore) counts() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, r := s.live, s.records
	s.live, s.records = 0, 0
	return l, r
}

func (s *countingStore) setDown(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = down
}

// storeErr is one OnStoreError call.
type storeErr struct{ id, op string }

// newCatalog returns a catalog over a fresh MemStore with member-services
// seeded as version 1.
func newCatalog(t *testing.T) (*flows.Catalog, *countingStore, *[]storeErr) {
	t.Helper()
	cs := &countingStore{Store: flows.NewMemStore(), errUnavailable: errors.New("connection refused")}
	var mu sync.Mutex
	var errs []storeErr
	c, err := flows.NewCatalog(flows.CatalogConfig{Store: cs, Validate: testOptions(), OnStoreError: func(id, op string, _ error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, storeErr{id, op})
	}})
	require.NoError(t, err)
	res, err := c.Seed(context.Background(), memberServices(), "callgate", "loaded at startup", t0)
	require.NoError(t, err)
	require.True(t, res.Created)
	require.Equal(t, 1, res.Live)
	cs.counts()
	return c, cs, &errs
}

func memberServices() []byte { return demo.Sources()["member-services"] }

// edited returns member-services with its consent timeout changed.
func edited(timeout string) []byte {
	return []byte(strings.Replace(string(memberServices()), "    timeout: 5s\n    next: role\n", "    timeout: "+timeout+"\n    next: role\n", 1))
}

func TestCatalogDraftValidation(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newCatalog(t)
	bad := []byte(strings.Replace(string(memberServices()), "    next: role\n", "    next: rol\n", 1))
	line := 1 + strings.Count(string(bad[:strings.Index(string(bad), "next: rol\n")]), "\n")

	_, err := c.SaveDraft(ctx, "member-services", bad, "ada", t0)
	require.ErrorIs(t, err, flows.ErrInvalidFlow)
	var errs flows.Errors
	require.ErrorAs(t, err, &errs)
	require.NotEmpty(t, errs)
	assert.Equal(t, line, errs[0].Line)
	assert.Contains(t, errs[0].Message, `undefined target "rol"`)
	assert.Contains(t, errs[0].Message, `did you mean "role"`)
	_, ok, err := c.Draft(ctx, "member-services")
	require.NoError(t, err)
	assert.False(t, ok, "an invalid draft is not saved")

	t.Run("the flow's id must be the one it is saved as", func(t *testing.T) {
		errs := c.Check("intake", memberServices())
		require.Len(t, errs, 1)
		assert.Equal(t, "id", errs[0].Path)
		assert.Equal(t, 3, errs[0].Line)
		assert.Contains(t, errs[0].Message, `saved as "intake"`)
	})
	t.Run("prompts are checked", func(t *testing.T) {
		src := []byte(strings.Replace(string(memberServices()), "prompts: [welcome, consent]", "prompts: [welcome, consnet]", 1))
		errs := c.Check("member-services", src)
		require.Len(t, errs, 1)
		assert.Contains(t, errs[0].Message, "consnet")
	})
	t.Run("syntax errors have a line", func(t *testing.T) {
		errs := c.Check("member-services", []byte("id: member-services\nentry: [\n"))
		require.NotEmpty(t, errs)
		assert.Positive(t, errs[0].Line)
	})
	t.Run("bad id", func(t *testing.T) {
		_, err := c.SaveDraft(ctx, "Member_Services", memberServices(), "ada", t0)
		require.ErrorIs(t, err, flows.ErrInvalidID)
	})
}

func TestCatalogPublishAndRollback(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newCatalog(t)

	held, err := c.Live(ctx, "member-services") // a call starts on version 1
	require.NoError(t, err)
	require.Equal(t, 1, held.Version)
	before := held.Clone()

	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Now: t0})
	require.ErrorIs(t, err, flows.ErrNoDraft)

	_, err = c.SaveDraft(ctx, "member-services", memberServices(), "ada", t0)
	require.NoError(t, err)
	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Now: t0})
	require.ErrorIs(t, err, flows.ErrNoChange, "the draft is the live version")

	_, err = c.SaveDraft(ctx, "member-services", edited("7s"), "ada", t0.Add(time.Minute))
	require.NoError(t, err)
	diff, err := c.Diff(ctx, "member-services")
	require.NoError(t, err)
	assert.True(t, diff.HasDraft)
	assert.Equal(t, 1, diff.Live)
	assert.Contains(t, diff.Unified, "--- member-services version 1 (live)\n+++ member-services draft\n")
	assert.Contains(t, diff.Unified, "-    timeout: 5s\n+    timeout: 7s\n")

	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Comment: "longer\nconsent", Now: t0})
	require.ErrorIs(t, err, flows.ErrInvalidComment)
	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Comment: "member 10001234", Now: t0})
	require.ErrorIs(t, err, flows.ErrInvalidComment, "digit runs that could be PHI are refused")
	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", CheckLive: true, Live: 2, Now: t0})
	require.ErrorIs(t, err, flows.ErrStale)

	ch, err := c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Comment: "longer consent window",
		CheckLive: true, Live: 1, Now: t0.Add(2 * time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, 2, ch.Version)
	assert.Equal(t, "ada", ch.Author)
	assert.Equal(t, "longer consent window", ch.Comment)
	assert.Equal(t, flows.SourceSHA256(edited("7s")), ch.SHA256)
	assert.Equal(t, 1, ch.Before.Version)
	assert.Equal(t, flows.SourceSHA256(memberServices()), ch.Before.SHA256)
	_, ok, err := c.Draft(ctx, "member-services")
	require.NoError(t, err)
	assert.False(t, ok, "the published draft is gone")

	live, err := c.Live(ctx, "member-services")
	require.NoError(t, err)
	assert.Equal(t, 2, live.Version, "new calls take version 2 at once")
	assert.Equal(t, 7*time.Second, live.Nodes["consent"].Timeout.D())
	assert.Equal(t, 1, held.Version, "the call keeps version 1")
	assert.Equal(t, before, held, "and version 1 is not modified")

	rb, err := c.Rollback(ctx, flows.RollbackRequest{ID: "member-services", Version: 1, Author: "grace", Now: t0.Add(3 * time.Minute)})
	require.NoError(t, err)
	assert.Equal(t, 3, rb.Version)
	assert.Equal(t, 1, rb.RollbackOf)
	assert.Equal(t, "rollback to version 1", rb.Comment)
	assert.Equal(t, flows.SourceSHA256(memberServices()), rb.SHA256)
	assert.Equal(t, 2, rb.Before.Version)
	live, err = c.Live(ctx, "member-services")
	require.NoError(t, err)
	assert.Equal(t, 3, live.Version)
	assert.Equal(t, 5*time.Second, live.Nodes["consent"].Timeout.D())

	_, err = c.Rollback(ctx, flows.RollbackRequest{ID: "member-services", Version: 1, Author: "grace", Now: t0})
	require.ErrorIs(t, err, flows.ErrNoChange, "version 1 is what is live")
	_, err = c.Rollback(ctx, flows.RollbackRequest{ID: "member-services", Version: 9, Author: "grace", Now: t0})
	require.ErrorIs(t, err, flows.ErrUnknownVersion)
	_, err = c.Rollback(ctx, flows.RollbackRequest{ID: "intake", Version: 1, Author: "grace", Now: t0})
	require.ErrorIs(t, err, flows.ErrUnknownFlow)

	recs, err := c.Versions(ctx, "member-services")
	require.NoError(t, err)
	require.Len(t, recs, 3)
	assert.Equal(t, []string{"loaded at startup", "longer consent window", "rollback to version 1"},
		[]string{recs[0].Comment, recs[1].Comment, recs[2].Comment})
	got, err := c.Get(ctx, "member-services", 0)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Version)
	got, err = c.Get(ctx, "member-services", 2)
	require.NoError(t, err)
	assert.Equal(t, string(edited("7s")), string(got.Source))
}

func TestCatalogNewFlowAndList(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newCatalog(t)
	src := []byte(strings.Replace(string(memberServices()), "id: member-services", "id: intake", 1))
	_, err := c.SaveDraft(ctx, "intake", src, "ada", t0)
	require.NoError(t, err)
	_, err = c.Live(ctx, "intake")
	require.ErrorIs(t, err, flows.ErrUnknownFlow, "a draft is not live")
	_, err = c.SaveDraft(ctx, "member-services", edited("6s"), "grace", t0)
	require.NoError(t, err)

	list, err := c.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, "intake", list[0].ID)
	assert.Equal(t, 0, list[0].Live)
	assert.Equal(t, flows.DraftNew, list[0].Draft)
	assert.Positive(t, list[0].Nodes)
	assert.Equal(t, "member-services", list[1].ID)
	assert.Equal(t, 1, list[1].Live)
	assert.Equal(t, flows.DraftChanged, list[1].Draft)
	assert.Equal(t, "grace", list[1].DraftAuthor)
	assert.Equal(t, "callgate", list[1].Author)
	assert.Contains(t, list[1].Description, "Member services")

	ch, err := c.Publish(ctx, flows.PublishRequest{ID: "intake", Author: "ada", CheckLive: true, Live: 0, Now: t0})
	require.NoError(t, err)
	assert.Equal(t, 1, ch.Version)
	assert.Equal(t, 0, ch.Before.Version)
	assert.Empty(t, ch.Before.SHA256)
	f, err := c.Live(ctx, "intake")
	require.NoError(t, err)
	assert.Equal(t, "intake", f.ID)
}

func TestCatalogSeedKeepsWhatAdminsPublished(t *testing.T) {
	ctx := context.Background()
	c, _, _ := newCatalog(t)
	_, err := c.SaveDraft(ctx, "member-services", edited("9s"), "ada", t0)
	require.NoError(t, err)
	_, err = c.Publish(ctx, flows.PublishRequest{ID: "member-services", Author: "ada", Now: t0})
	require.NoError(t, err)

	res, err := c.Seed(ctx, memberServices(), "callgate", "restart", t0) // a restart
	require.NoError(t, err)
	assert.False(t, res.Created)
	assert.Equal(t, 2, res.Live)
	assert.True(t, res.Differs, "the bundled source is not the live one")
	f, err := c.Live(ctx, "member-services")
	require.NoError(t, err)
	assert.Equal(t, 9*time.Second, f.Nodes["consent"].Timeout.D(), "the admin's version stays live")

	_, err = c.Seed(ctx, []byte("id: x\n"), "callgate", "", t0)
	require.ErrorIs(t, err, flows.ErrInvalidFlow, "an invalid seed is refused")
}

func TestCatalogLiveCostsOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	c, cs, _ := newCatalog(t)
	_, err := c.Live(ctx, "member-services")
	require.NoError(t, err)
	l, r := cs.counts()
	assert.Equal(t, []int{1, 1}, []int{l, r}, "the first call loads the version")
	for range 3 {
		_, err = c.Live(ctx, "member-services")
		require.NoError(t, err)
	}
	l, r = cs.counts()
	assert.Equal(t, []int{3, 0}, []int{l, r}, "then one LiveVersion per call")
}

func TestCatalogRidesOutAStoreOutage(t *testing.T) {
	ctx := context.Background()
	c, cs, errs := newCatalog(t)
	cs.setDown(true)
	_, err := c.Live(ctx, "member-services")
	require.Error(t, err, "nothing loaded yet: no fallback")
	assert.NotErrorIs(t, err, flows.ErrUnknownFlow)

	cs.setDown(false)
	f1, err := c.Live(ctx, "member-services")
	require.NoError(t, err)
	cs.setDown(true)
	f, err := c.Live(ctx, "member-services")
	require.NoError(t, err, "the last live version answers while the store is away")
	assert.Same(t, f1, f)
	assert.Equal(t, []storeErr{{"member-services", "live"}}, *errs)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Live(cctx, "member-services")
	require.Error(t, err, "a caller gone is not served a fallback")
}

func TestCheckComment(t *testing.T) {
	for _, ok := range []string{"", "fix the consent timeout", "ticket 1234567", "réglage 2026-06-01", strings.Repeat("x", flows.MaxComment)} {
		assert.NoError(t, flows.CheckComment(ok), ok)
	}
	for _, bad := range []string{"a\nb", "tab\there", "12345678", "dob 04121980", strings.Repeat("x", flows.MaxComment+1), "\xff"} {
		assert.ErrorIs(t, flows.CheckComment(bad), flows.ErrInvalidComment, bad)
	}
}
