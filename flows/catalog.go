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
	*Documents
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
	c := &Catalog{store: cfg.Store, opts: cfg.Validate, onErr: onErr, live: map[string]*Flow{}}
	c.Documents = NewDocuments(cfg.Store, c.Check)
	return c, nil
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
		s, src, err := c.Summary(ctx, id)
		if err != nil {
			return nil, err
		}
		if f, _ := Parse(src); f != nil {
			s.Description, s.Nodes = strings.TrimSpace(f.Description), len(f.Nodes)
		}
		out = append(out, s)
	}
	return out, nil
}

// Seed publishes a bundled or configured flow as version 1 when the store
// has no version of it yet, so that restarts never overwrite what admins
// published. src must be a valid flow; its id names it.
func (c *Catalog) Seed(ctx context.Context, src []byte, author, comment string, now time.Time) (SeedResult, error) {
	f, err := Load(src, c.opts)
	if err != nil {
		return SeedResult{}, err
	}
	return c.SeedSource(ctx, f.ID, src, author, comment, now)
}
