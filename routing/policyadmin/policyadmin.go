// Package policyadmin administers the disclosure policy (routing/policy)
// the way flows are administered: versions in the shared store (one
// document, ID "default"; routing/flowstore with the policy namespace),
// drafts checked by policy.Parse before they are saved (its line:column
// error), publication and rollback as new immutable versions, and the
// live policy for each screen pop, read per pop and cached by version, so
// a publish applies to the next pop on every node.
package policyadmin

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/policy"
)

// ID is the disclosure policy's document ID in the store.
const ID = "default"

// Config configures a Catalog.
type Config struct {
	// Store keeps the versions and the draft (required).
	Store flows.Store
	// OnStoreError, when set, is told of each store failure that Live
	// rode out with the last version it loaded. It must not block.
	OnStoreError func(op string, err error)
}

// Catalog is the disclosure policy's administration. It is safe for
// concurrent use; its lock is a leaf lock, never held across a store call.
type Catalog struct {
	*flows.Documents
	store flows.Store
	onErr func(op string, err error)

	mu      sync.Mutex
	pol     *policy.Policy // newest live version loaded
	version int
}

// New returns a Catalog over cfg.Store.
func New(cfg Config) (*Catalog, error) {
	if cfg.Store == nil {
		return nil, errors.New("policyadmin: a store is required")
	}
	onErr := cfg.OnStoreError
	if onErr == nil {
		onErr = func(string, error) {}
	}
	return &Catalog{Documents: flows.NewDocuments(cfg.Store, Check), store: cfg.Store, onErr: onErr}, nil
}

// Check parses src as a disclosure policy and returns its problem at its
// line and column (policy.Parse reports the first one), or none.
func Check(_ string, src []byte) []flows.Error {
	_, err := policy.Parse(src)
	if err == nil {
		return nil
	}
	var pe *policy.ParseError
	if errors.As(err, &pe) {
		return []flows.Error{{Line: pe.Line, Column: pe.Column, Message: pe.Msg}}
	}
	return []flows.Error{{Line: 1, Column: 1, Message: err.Error()}}
}

// Live returns the live policy and its published version: one
// LiveVersion round trip, and a parse when the version is not the one
// cached. Through a store failure it returns the last version loaded (and
// tells OnStoreError); with none loaded yet, the failure.
func (c *Catalog) Live(ctx context.Context) (*policy.Policy, int, error) {
	n, err := c.store.LiveVersion(ctx, ID)
	if err != nil {
		return c.fallback(ctx, "live", err)
	}
	if n == 0 {
		return nil, 0, fmt.Errorf("policy: %w", flows.ErrUnknownFlow)
	}
	c.mu.Lock()
	pol, v := c.pol, c.version
	c.mu.Unlock()
	if pol != nil && v == n {
		return pol, v, nil
	}
	rec, err := c.store.Record(ctx, ID, n)
	if err != nil {
		return c.fallback(ctx, "load", err)
	}
	pol, err = policy.Parse(rec.Source)
	if err != nil {
		return c.fallback(ctx, "load", fmt.Errorf("policy version %d: %w", n, err))
	}
	c.mu.Lock()
	if c.pol == nil || c.version < n {
		c.pol, c.version = pol, n
	}
	c.mu.Unlock()
	return pol, n, nil
}

func (c *Catalog) fallback(ctx context.Context, op string, err error) (*policy.Policy, int, error) {
	c.mu.Lock()
	pol, v := c.pol, c.version
	c.mu.Unlock()
	if pol == nil || ctx.Err() != nil {
		return nil, 0, fmt.Errorf("policy: %s: %w", op, err)
	}
	c.onErr(op, err)
	return pol, v, nil
}

// Seed publishes src as version 1 when the store has no version of the
// policy yet (a restart never overwrites what admins published).
func (c *Catalog) Seed(ctx context.Context, src []byte, author, comment string, now time.Time) (flows.SeedResult, error) {
	return c.SeedSource(ctx, ID, src, author, comment, now)
}

// List summarizes the one policy document (for the flow-shaped admin API).
func (c *Catalog) List(ctx context.Context) ([]flows.Summary, error) {
	s, _, err := c.Summary(ctx, ID)
	if err != nil {
		return nil, err
	}
	return []flows.Summary{s}, nil
}
