package flows

import (
	"context"
	"fmt"
	"time"
)

// Documents administers versioned source documents in a Store: drafts
// checked before they are saved, publication and rollback as new
// immutable versions made live in one atomic store step, history and
// diff. Catalog uses it for flows; the disclosure policy uses it too
// (routing/policyadmin), with its own check. It is safe for concurrent
// use and holds no lock.
type Documents struct {
	store Store
	check func(id string, src []byte) []Error
}

// NewDocuments returns the administration of the documents in s, each
// source checked by check (problems sorted by position; none: valid).
func NewDocuments(s Store, check func(id string, src []byte) []Error) *Documents {
	return &Documents{store: s, check: check}
}

// Summary is document id's state in the store: its live version and who
// published it, and whether a draft is new, the same as live or changed.
// src is the source to describe it by: the live version's, else a new
// draft's (nil when there is neither). Description and Nodes are left to
// the caller, which knows the document's kind.
func (d *Documents) Summary(ctx context.Context, id string) (s Summary, src []byte, err error) {
	s = Summary{ID: id, Draft: DraftNone}
	if s.Live, err = d.store.LiveVersion(ctx, id); err != nil {
		return Summary{}, nil, err
	}
	if s.Live > 0 {
		rec, err := d.store.Record(ctx, id, s.Live)
		if err != nil {
			return Summary{}, nil, err
		}
		s.LiveSHA256, s.Author, s.Published, src = rec.SHA256, rec.Author, rec.Published, rec.Source
	}
	dr, ok, err := d.store.Draft(ctx, id)
	if err != nil {
		return Summary{}, nil, err
	}
	if ok {
		s.DraftAuthor, s.DraftSaved = dr.Author, dr.Saved
		switch {
		case s.Live == 0:
			s.Draft, src = DraftNew, dr.Source
		case dr.SHA256 == s.LiveSHA256:
			s.Draft = DraftSame
		default:
			s.Draft = DraftChanged
		}
	}
	return s, src, nil
}

// Check checks src as the source of document id.
func (d *Documents) Check(id string, src []byte) []Error { return d.check(id, src) }

// SaveDraft checks src as document id's source and saves it as its draft
// (a new document when id has no version). An invalid source changes
// nothing: the error is an Errors (errors.Is ErrInvalidFlow) listing each
// problem at its line and column.
func (d *Documents) SaveDraft(ctx context.Context, id string, src []byte, author string, now time.Time) (Draft, error) {
	if err := CheckID(id); err != nil {
		return Draft{}, err
	}
	if errs := d.check(id, src); len(errs) > 0 {
		return Draft{}, Errors(errs)
	}
	draft := Draft{ID: id, Source: src, SHA256: SourceSHA256(src), Author: author, Saved: now.UTC()}
	if err := d.store.SaveDraft(ctx, draft); err != nil {
		return Draft{}, fmt.Errorf("%q: save draft: %w", id, err)
	}
	return draft, nil
}

// Draft returns the saved draft of document id, if any.
func (d *Documents) Draft(ctx context.Context, id string) (Draft, bool, error) {
	if err := CheckID(id); err != nil {
		return Draft{}, false, err
	}
	return d.store.Draft(ctx, id)
}

// DeleteDraft discards the draft of document id, if any.
func (d *Documents) DeleteDraft(ctx context.Context, id string) error {
	if err := CheckID(id); err != nil {
		return err
	}
	return d.store.DeleteDraft(ctx, id)
}

// Get returns version of document id, or its live version when version is 0.
func (d *Documents) Get(ctx context.Context, id string, version int) (Record, error) {
	if err := CheckID(id); err != nil {
		return Record{}, err
	}
	if version == 0 {
		n, err := d.store.LiveVersion(ctx, id)
		if err != nil {
			return Record{}, err
		}
		if n == 0 {
			return Record{}, fmt.Errorf("%q: %w", id, ErrUnknownFlow)
		}
		version = n
	}
	return d.store.Record(ctx, id, version)
}

// Versions returns the history of document id, oldest first; ErrUnknownFlow
// when it has no version.
func (d *Documents) Versions(ctx context.Context, id string) ([]Record, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	recs, err := d.store.Records(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%q: %w", id, ErrUnknownFlow)
	}
	return recs, nil
}

// DiffResult is a document's draft against its live version.
type DiffResult struct {
	ID   string
	Live int // 0 for a flow never published
	// HasDraft is false when there is no draft (Unified is then empty).
	HasDraft bool
	// Unified is a unified line diff from the live source to the draft,
	// empty when they are the same.
	Unified string
}

// Diff compares the draft of document id with its live version.
func (d *Documents) Diff(ctx context.Context, id string) (DiffResult, error) {
	if err := CheckID(id); err != nil {
		return DiffResult{}, err
	}
	res := DiffResult{ID: id}
	draft, ok, err := d.store.Draft(ctx, id)
	if err != nil {
		return res, err
	}
	if res.Live, err = d.store.LiveVersion(ctx, id); err != nil {
		return res, err
	}
	if !ok {
		if res.Live == 0 {
			return res, fmt.Errorf("%q: %w", id, ErrUnknownFlow)
		}
		return res, nil
	}
	res.HasDraft = true
	var live []byte
	from := id + " (no live version)"
	if res.Live > 0 {
		rec, err := d.store.Record(ctx, id, res.Live)
		if err != nil {
			return res, err
		}
		live, from = rec.Source, fmt.Sprintf("%s version %d (live)", id, res.Live)
	}
	res.Unified = UnifiedDiff(from, id+" draft", live, draft.Source)
	return res, nil
}

// Change is the outcome of a publish or rollback: the new live version
// and the one live before it (Version 0 when there was none).
type Change struct {
	Record
	Before Record
}

// PublishRequest asks to publish the draft of document ID.
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

// Publish makes the draft of document req.ID its next version, live for new
// calls at once on every node, and deletes the draft. The draft is
// validated again (the deployment's prompts or providers may have changed
// since it was saved; an Errors when it no longer passes). ErrNoDraft
// when there is none, ErrNoChange when it is the live version, ErrStale
// when another publish got in first, ErrDraftChanged when the draft was
// saved again meanwhile.
func (d *Documents) Publish(ctx context.Context, req PublishRequest) (Change, error) {
	if err := CheckID(req.ID); err != nil {
		return Change{}, err
	}
	if err := CheckComment(req.Comment); err != nil {
		return Change{}, err
	}
	draft, ok, err := d.store.Draft(ctx, req.ID)
	if err != nil {
		return Change{}, err
	}
	if !ok {
		return Change{}, fmt.Errorf("%q: %w", req.ID, ErrNoDraft)
	}
	before, err := d.before(ctx, req.ID, req.CheckLive, req.Live)
	if err != nil {
		return Change{}, err
	}
	if before.Version > 0 && before.SHA256 == draft.SHA256 {
		return Change{}, fmt.Errorf("%q: the draft is version %d: %w", req.ID, before.Version, ErrNoChange)
	}
	if errs := d.check(req.ID, draft.Source); len(errs) > 0 {
		return Change{}, Errors(errs)
	}
	rec := Record{ID: req.ID, Source: draft.Source, SHA256: draft.SHA256, Author: req.Author, Comment: req.Comment, Published: req.Now.UTC()}
	stored, _, err := d.store.Publish(ctx, rec, PublishCondition{CheckLive: true, Live: before.Version, DraftSHA256: draft.SHA256})
	if err != nil {
		return Change{}, err
	}
	return Change{Record: stored, Before: before}, nil
}

// RollbackRequest asks to make version Version of document ID live again.
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

// Rollback publishes a copy of an earlier version as the document's next
// version (the history keeps every version). The copy is validated
// against today's deployment first (an Errors when it no longer passes).
// ErrUnknownVersion for a version that does not exist, ErrNoChange when
// its source is the live one.
func (d *Documents) Rollback(ctx context.Context, req RollbackRequest) (Change, error) {
	if err := CheckID(req.ID); err != nil {
		return Change{}, err
	}
	if req.Comment == "" {
		req.Comment = fmt.Sprintf("rollback to version %d", req.Version)
	}
	if err := CheckComment(req.Comment); err != nil {
		return Change{}, err
	}
	before, err := d.before(ctx, req.ID, req.CheckLive, req.Live)
	if err != nil {
		return Change{}, err
	}
	if before.Version == 0 {
		return Change{}, fmt.Errorf("%q: %w", req.ID, ErrUnknownFlow)
	}
	old, err := d.store.Record(ctx, req.ID, req.Version)
	if err != nil {
		return Change{}, err
	}
	if old.SHA256 == before.SHA256 {
		return Change{}, fmt.Errorf("%q: version %d is the live source: %w", req.ID, req.Version, ErrNoChange)
	}
	if errs := d.check(req.ID, old.Source); len(errs) > 0 {
		return Change{}, Errors(errs)
	}
	rec := Record{ID: req.ID, Source: old.Source, SHA256: old.SHA256, Author: req.Author, Comment: req.Comment,
		Published: req.Now.UTC(), RollbackOf: req.Version}
	stored, _, err := d.store.Publish(ctx, rec, PublishCondition{CheckLive: true, Live: before.Version})
	if err != nil {
		return Change{}, err
	}
	return Change{Record: stored, Before: before}, nil
}

// before returns the live record of id (Version 0 when none), refusing
// with ErrStale when check is set and the live version is not live.
func (d *Documents) before(ctx context.Context, id string, check bool, live int) (Record, error) {
	n, err := d.store.LiveVersion(ctx, id)
	if err != nil {
		return Record{}, err
	}
	if check && n != live {
		return Record{}, fmt.Errorf("%q is at version %d, not %d: %w", id, n, live, ErrStale)
	}
	if n == 0 {
		return Record{ID: id}, nil
	}
	return d.store.Record(ctx, id, n)
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

// SeedSource publishes src as version 1 of document id when the store has
// none yet, so that restarts never overwrite what admins published; src
// must pass the check. Otherwise it reports the live version and whether
// its source differs from src.
func (d *Documents) SeedSource(ctx context.Context, id string, src []byte, author, comment string, now time.Time) (SeedResult, error) {
	if err := CheckID(id); err != nil {
		return SeedResult{}, err
	}
	if errs := d.check(id, src); len(errs) > 0 {
		return SeedResult{}, Errors(errs)
	}
	rec := Record{ID: id, Source: src, SHA256: SourceSHA256(src), Author: author, Comment: comment, Published: now.UTC()}
	live, created, err := d.store.Seed(ctx, rec)
	if err != nil {
		return SeedResult{}, fmt.Errorf("%q: seed: %w", id, err)
	}
	res := SeedResult{ID: id, Live: live, Created: created}
	if created {
		rec.Version = 1
		res.Record = rec
		return res, nil
	}
	cur, err := d.store.Record(ctx, id, live)
	if err != nil {
		return res, fmt.Errorf("%q: seed: %w", id, err)
	}
	res.Differs = cur.SHA256 != rec.SHA256
	return res, nil
}
