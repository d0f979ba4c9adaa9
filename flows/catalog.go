package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// CatalogConfig configures a Catalog.
type CatalogConfig struct {
	// Store keeps the versions and drafts (required).
	Store Store
	// Validate is what every draft, publish and rollback is checked
	// against, and what a version is loaded with before a call runs it.
	Validate ValidateOptions
	// OnStoreError, when set, is told of each store failure that Live
	// rode out by returning the last live version it had loaded (op is
	// "live" or "load"). It must not block.
	OnStoreError func(id, op string, err error)
}

// Catalog is the administration of flows over a Store: drafts validated
// before they are saved, publication and rollback as new immutable
// versions, and the live version of each flow for new calls. It caches
// the parsed live version of each flow, so a call start costs one
// LiveVersion round trip; a call keeps the *Flow it started with, whatever
// is published later. It is safe for concurrent use; its lock is a leaf
// lock, never held across a store call.
type Catalog struct {
	store Store
	opts  ValidateOptions
	onErr func(id, op string, err error)

	mu   sync.Mutex
	live map[string]*Flow // newest live version loaded, by flow ID
}

// NewCatalog returns a Catalog over cfg.Store.
func NewCatalog(cfg CatalogConfig) (*Catalog, error) {
	if cfg.Store == nil {
		return nil, errors.New("flows: catalog needs a store")
	}
	onErr := cfg.OnStoreError
	if onErr == nil {
		onErr = func(string, string, error) {}
	}
	return &Catalog{store: cfg.Store, opts: cfg.Validate, onErr: onErr, live: map[string]*Flow{}}, nil
}

// Live returns the live version of flow id for a new call: one
// LiveVersion round trip, and a load of the version when it is not the
// one cached. The Flow must not be modified. When the store cannot be
// reached (or the live version cannot be loaded) and an earlier version
// was loaded, that version is returned and OnStoreError told: calls keep
// being answered through a store outage. An unpublished flow is
// ErrUnknownFlow.
func (c *Catalog) Live(ctx context.Context, id string) (*Flow, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	n, err := c.store.LiveVersion(ctx, id)
	if err != nil {
		return c.fallback(ctx, id, "live", err)
	}
	if n == 0 {
		return nil, fmt.Errorf("flow %q: %w", id, ErrUnknownFlow)
	}
	c.mu.Lock()
	f := c.live[id]
	c.mu.Unlock()
	if f != nil && f.Version == n {
		return f, nil
	}
	rec, err := c.store.Record(ctx, id, n)
	if err != nil {
		return c.fallback(ctx, id, "load", err)
	}
	if f, err = c.load(rec); err != nil {
		return c.fallback(ctx, id, "load", err)
	}
	c.mu.Lock()
	if cur := c.live[id]; cur == nil || cur.Version < f.Version {
		c.live[id] = f
	}
	c.mu.Unlock()
	return f, nil
}

// fallback returns the cached live version of id after a store failure,
// or the failure when there is none or ctx is done.
func (c *Catalog) fallback(ctx context.Context, id, op string, err error) (*Flow, error) {
	c.mu.Lock()
	f := c.live[id]
	c.mu.Unlock()
	if f == nil || ctx.Err() != nil {
		return nil, fmt.Errorf("flow %q: %s: %w", id, op, err)
	}
	c.onErr(id, op, err)
	return f, nil
}

// load parses and validates a stored version.
func (c *Catalog) load(rec Record) (*Flow, error) {
	f, err := Load(rec.Source, c.opts)
	if err != nil {
		return nil, fmt.Errorf("flow %q version %d: %w", rec.ID, rec.Version, err)
	}
	if f.ID != rec.ID {
		return nil, fmt.Errorf("flow %q version %d says id %q: %w", rec.ID, rec.Version, f.ID, ErrInvalidFlow)
	}
	f.Version = rec.Version
	return f, nil
}

// Check validates src as the source of flow id, with every check a
// publish makes, and returns the problems sorted by position (none: it
// may be saved and published). The flow's own id must be id.
func (c *Catalog) Check(id string, src []byte) []Error {
	var errs Errors
	f, err := Load(src, c.opts)
	if err != nil && !errors.As(err, &errs) {
		return []Error{{Line: 1, Column: 1, Message: err.Error()}}
	}
	if f == nil {
		f, _ = Parse(src) // for the id's position
	}
	if f != nil && f.ID != "" && f.ID != id {
		pos := f.Pos["id"]
		errs = append(errs, Error{Line: pos.Line, Column: pos.Column, Path: "id", Message: fmt.Sprintf(
			"the flow's id is %q but it is saved as %q; an id cannot change (create a new flow for a new id)", f.ID, id)})
		sortErrors(errs)
	}
	return errs
}

// SaveDraft validates src as flow id's source and saves it as the flow's
// draft (a new flow when id has no version). An invalid source changes
// nothing: the error is an Errors (errors.Is ErrInvalidFlow) listing each
// problem at its line and column.
func (c *Catalog) SaveDraft(ctx context.Context, id string, src []byte, author string, now time.Time) (Draft, error) {
	if err := CheckID(id); err != nil {
		return Draft{}, err
	}
	if errs := c.Check(id, src); len(errs) > 0 {
		return Draft{}, Errors(errs)
	}
	d := Draft{ID: id, Source: src, SHA256: SourceSHA256(src), Author: author, Saved: now.UTC()}
	if err := c.store.SaveDraft(ctx, d); err != nil {
		return Draft{}, fmt.Errorf("flow %q: save draft: %w", id, err)
	}
	return d, nil
}

// Draft returns the saved draft of flow id, if any.
func (c *Catalog) Draft(ctx context.Context, id string) (Draft, bool, error) {
	if err := CheckID(id); err != nil {
		return Draft{}, false, err
	}
	return c.store.Draft(ctx, id)
}

// DeleteDraft discards the draft of flow id, if any.
func (c *Catalog) DeleteDraft(ctx context.Context, id string) error {
	if err := CheckID(id); err != nil {
		return err
	}
	return c.store.DeleteDraft(ctx, id)
}

// Get returns version of flow id, or its live version when version is 0.
func (c *Catalog) Get(ctx context.Context, id string, version int) (Record, error) {
	if err := CheckID(id); err != nil {
		return Record{}, err
	}
	if version == 0 {
		n, err := c.store.LiveVersion(ctx, id)
		if err != nil {
			return Record{}, err
		}
		if n == 0 {
			return Record{}, fmt.Errorf("flow %q: %w", id, ErrUnknownFlow)
		}
		version = n
	}
	return c.store.Record(ctx, id, version)
}

// Versions returns the history of flow id, oldest first; ErrUnknownFlow
// when it has no version.
func (c *Catalog) Versions(ctx context.Context, id string) ([]Record, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	recs, err := c.store.Records(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("flow %q: %w", id, ErrUnknownFlow)
	}
	return recs, nil
}

// DraftState says how a flow's draft relates to its live version.
type DraftState string

// Draft states.
const (
	DraftNone    DraftState = "none"    // no draft
	DraftSame    DraftState = "same"    // the draft is the live version's source
	DraftChanged DraftState = "changed" // the draft differs from the live version
	DraftNew     DraftState = "new"     // a draft of a flow never published
)

// Summary is one flow in a List.
type Summary struct {
	ID string
	// Live is the live version (0 for a flow with only a draft), with its
	// hash, author and time.
	Live       int
	LiveSHA256 string
	Author     string
	Published  time.Time
	// Description and Nodes are the live version's (else the draft's).
	Description string
	Nodes       int
	Draft       DraftState
	DraftAuthor string
	DraftSaved  time.Time
}

// List summarizes every flow, sorted by ID.
func (c *Catalog) List(ctx context.Context) ([]Summary, error) {
	ids, err := c.store.IDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(ids))
	for _, id := range ids {
		s := Summary{ID: id, Draft: DraftNone}
		if s.Live, err = c.store.LiveVersion(ctx, id); err != nil {
			return nil, err
		}
		var src []byte
		if s.Live > 0 {
			rec, err := c.store.Record(ctx, id, s.Live)
			if err != nil {
				return nil, err
			}
			s.LiveSHA256, s.Author, s.Published, src = rec.SHA256, rec.Author, rec.Published, rec.Source
		}
		d, ok, err := c.store.Draft(ctx, id)
		if err != nil {
			return nil, err
		}
		if ok {
			s.DraftAuthor, s.DraftSaved = d.Author, d.Saved
			switch {
			case s.Live == 0:
				s.Draft, src = DraftNew, d.Source
			case d.SHA256 == s.LiveSHA256:
				s.Draft = DraftSame
			default:
				s.Draft = DraftChanged
			}
		}
		if f, _ := Parse(src); f != nil {
			s.Description, s.Nodes = strings.TrimSpace(f.Description), len(f.Nodes)
		}
		out = append(out, s)
	}
	return out, nil
}

// DiffResult is a flow's draft against its live version.
type DiffResult struct {
	ID   string
	Live int // 0 for a flow never published
	// HasDraft is false when there is no draft (Unified is then empty).
	HasDraft bool
	// Unified is a unified line diff from the live source to the draft,
	// empty when they are the same.
	Unified string
}

// Diff compares the draft of flow id with its live version.
func (c *Catalog) Diff(ctx context.Context, id string) (DiffResult, error) {
	if err := CheckID(id); err != nil {
		return DiffResult{}, err
	}
	res := DiffResult{ID: id}
	d, ok, err := c.store.Draft(ctx, id)
	if err != nil {
		return res, err
	}
	if res.Live, err = c.store.LiveVersion(ctx, id); err != nil {
		return res, err
	}
	if !ok {
		if res.Live == 0 {
			return res, fmt.Errorf("flow %q: %w", id, ErrUnknownFlow)
		}
		return res, nil
	}
	res.HasDraft = true
	var live []byte
	from := id + " (no live version)"
	if res.Live > 0 {
		rec, err := c.store.Record(ctx, id, res.Live)
		if err != nil {
			return res, err
		}
		live, from = rec.Source, fmt.Sprintf("%s version %d (live)", id, res.Live)
	}
	res.Unified = UnifiedDiff(from, id+" draft", live, d.Source)
	return res, nil
}

// Change is the outcome of a publish or rollback: the new live version
// and the one live before it (Version 0 when there was none).
type Change struct {
	Record
	Before Record
}

// PublishRequest asks to publish the draft of flow ID.
type PublishRequest struct {
	ID, Author string
	// Comment says why (see CheckComment).
	Comment string
	// CheckLive refuses the publish with ErrStale unless the live version
	// is still Live: the version the admin reviewed the diff against.
	CheckLive bool
	Live      int
	Now       time.Time
}

// Publish makes the draft of flow req.ID its next version, live for new
// calls at once on every node, and deletes the draft. The draft is
// validated again (the deployment's prompts or providers may have changed
// since it was saved; an Errors when it no longer passes). ErrNoDraft
// when there is none, ErrNoChange when it is the live version, ErrStale
// when another publish got in first, ErrDraftChanged when the draft was
// saved again meanwhile.
func (c *Catalog) Publish(ctx context.Context, req PublishRequest) (Change, error) {
	if err := CheckID(req.ID); err != nil {
		return Change{}, err
	}
	if err := CheckComment(req.Comment); err != nil {
		return Change{}, err
	}
	d, ok, err := c.store.Draft(ctx, req.ID)
	if err != nil {
		return Change{}, err
	}
	if !ok {
		return Change{}, fmt.Errorf("flow %q: %w", req.ID, ErrNoDraft)
	}
	before, err := c.before(ctx, req.ID, req.CheckLive, req.Live)
	if err != nil {
		return Change{}, err
	}
	if before.Version > 0 && before.SHA256 == d.SHA256 {
		return Change{}, fmt.Errorf("flow %q: the draft is version %d: %w", req.ID, before.Version, ErrNoChange)
	}
	if errs := c.Check(req.ID, d.Source); len(errs) > 0 {
		return Change{}, Errors(errs)
	}
	rec := Record{ID: req.ID, Source: d.Source, SHA256: d.SHA256, Author: req.Author, Comment: req.Comment, Published: req.Now.UTC()}
	stored, _, err := c.store.Publish(ctx, rec, PublishCondition{CheckLive: true, Live: before.Version, DraftSHA256: d.SHA256})
	if err != nil {
		return Change{}, err
	}
	return Change{Record: stored, Before: before}, nil
}

// RollbackRequest asks to make version Version of flow ID live again.
type RollbackRequest struct {
	ID      string
	Version int
	Author  string
	// Comment says why; empty: "rollback to version N".
	Comment   string
	CheckLive bool
	Live      int
	Now       time.Time
}

// Rollback publishes a copy of an earlier version as the flow's next
// version (the history keeps every version). The copy is validated
// against today's deployment first (an Errors when it no longer passes).
// ErrUnknownVersion for a version that does not exist, ErrNoChange when
// its source is the live one.
func (c *Catalog) Rollback(ctx context.Context, req RollbackRequest) (Change, error) {
	if err := CheckID(req.ID); err != nil {
		return Change{}, err
	}
	if req.Comment == "" {
		req.Comment = fmt.Sprintf("rollback to version %d", req.Version)
	}
	if err := CheckComment(req.Comment); err != nil {
		return Change{}, err
	}
	before, err := c.before(ctx, req.ID, req.CheckLive, req.Live)
	if err != nil {
		return Change{}, err
	}
	if before.Version == 0 {
		return Change{}, fmt.Errorf("flow %q: %w", req.ID, ErrUnknownFlow)
	}
	old, err := c.store.Record(ctx, req.ID, req.Version)
	if err != nil {
		return Change{}, err
	}
	if old.SHA256 == before.SHA256 {
		return Change{}, fmt.Errorf("flow %q: version %d is the live source: %w", req.ID, req.Version, ErrNoChange)
	}
	if errs := c.Check(req.ID, old.Source); len(errs) > 0 {
		return Change{}, Errors(errs)
	}
	rec := Record{ID: req.ID, Source: old.Source, SHA256: old.SHA256, Author: req.Author, Comment: req.Comment,
		Published: req.Now.UTC(), RollbackOf: req.Version}
	stored, _, err := c.store.Publish(ctx, rec, PublishCondition{CheckLive: true, Live: before.Version})
	if err != nil {
		return Change{}, err
	}
	return Change{Record: stored, Before: before}, nil
}

// before returns the live record of id (Version 0 when none), refusing
// with ErrStale when check is set and the live version is not live.
func (c *Catalog) before(ctx context.Context, id string, check bool, live int) (Record, error) {
	n, err := c.store.LiveVersion(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if check && n != live {
		return Record{}, fmt.Errorf("flow %q is at version %d, not %d: %w", id, n, live, ErrStale)
	}
	if n == 0 {
		return Record{ID: id}, nil
	}
	return c.store.Record(ctx, id, n)
}

// SeedResult is what Seed did.
type SeedResult struct {
	ID string
	// Live is the flow's live version after the seed.
	Live int
	// Created is set when the seed published version 1.
	Created bool
	// Differs is set when the flow already had a live version whose
	// source is not the seed's (the store wins; the seed is ignored).
	Differs bool
	// Record is the version the seed published (when Created).
	Record Record
}

// Seed publishes a bundled or configured flow as version 1 when the store
// has no version of it yet, so that restarts never overwrite what admins
// published. src must pass Check with its own id.
func (c *Catalog) Seed(ctx context.Context, src []byte, author, comment string, now time.Time) (SeedResult, error) {
	f, err := Load(src, c.opts)
	if err != nil {
		return SeedResult{}, err
	}
	rec := Record{ID: f.ID, Source: src, SHA256: SourceSHA256(src), Author: author, Comment: comment, Published: now.UTC()}
	live, created, err := c.store.Seed(ctx, rec)
	if err != nil {
		return SeedResult{}, fmt.Errorf("flow %q: seed: %w", f.ID, err)
	}
	res := SeedResult{ID: f.ID, Live: live, Created: created}
	if created {
		rec.Version = 1
		res.Record = rec
		return res, nil
	}
	cur, err := c.store.Record(ctx, f.ID, live)
	if err != nil {
		return res, fmt.Errorf("flow %q: seed: %w", f.ID, err)
	}
	res.Differs = cur.SHA256 != rec.SHA256
	return res, nil
}
