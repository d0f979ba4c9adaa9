package flows

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
)

// MemStore is a Store in process memory, for tests and single-process
// tools. It is safe for concurrent use; its lock is a leaf lock.
type MemStore struct {
	mu       sync.Mutex
	versions map[string][]Record // by flow ID, oldest first
	drafts   map[string]Draft
}

var _ Store = (*MemStore)(nil)

// NewMemStore returns an empty MemStore.
func NewMemStore() *MemStore {
	return &MemStore{versions: map[string][]Record{}, drafts: map[string]Draft{}}
}

// IDs implements Store.
func (m *MemStore) IDs(context.Context) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := sortedKeys(m.versions)
	for id := range m.drafts {
		if _, ok := m.versions[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// LiveVersion implements Store.
func (m *MemStore) LiveVersion(_ context.Context, id string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.versions[id]), nil
}

// Record implements Store.
func (m *MemStore) Record(_ context.Context, id string, version int) (Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	history := m.versions[id]
	if version < 1 || version > len(history) {
		return Record{}, fmt.Errorf("flow %q version %d: %w", id, version, ErrUnknownVersion)
	}
	return cloneRecord(history[version-1]), nil
}

// Records implements Store.
func (m *MemStore) Records(_ context.Context, id string) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	history := m.versions[id]
	if len(history) == 0 {
		return nil, nil
	}
	out := make([]Record, len(history))
	for i, r := range history {
		out[i] = cloneRecord(r)
	}
	return out, nil
}

// Publish implements Store.
func (m *MemStore) Publish(_ context.Context, rec Record, cond PublishCondition) (Record, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	live := len(m.versions[rec.ID])
	if cond.CheckLive && live != cond.Live {
		return Record{}, live, fmt.Errorf("flow %q is at version %d, not %d: %w", rec.ID, live, cond.Live, ErrStale)
	}
	if cond.DraftSHA256 != "" {
		if d, ok := m.drafts[rec.ID]; !ok || d.SHA256 != cond.DraftSHA256 {
			return Record{}, live, fmt.Errorf("flow %q: %w", rec.ID, ErrDraftChanged)
		}
		delete(m.drafts, rec.ID)
	}
	rec = cloneRecord(rec)
	rec.Version = live + 1
	m.versions[rec.ID] = append(m.versions[rec.ID], rec)
	return cloneRecord(rec), live, nil
}

// Seed implements Store.
func (m *MemStore) Seed(_ context.Context, rec Record) (int, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if live := len(m.versions[rec.ID]); live > 0 {
		return live, false, nil
	}
	rec = cloneRecord(rec)
	rec.Version = 1
	m.versions[rec.ID] = []Record{rec}
	return 1, true, nil
}

// Draft implements Store.
func (m *MemStore) Draft(_ context.Context, id string) (Draft, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.drafts[id]
	d.Source = bytes.Clone(d.Source)
	return d, ok, nil
}

// SaveDraft implements Store.
func (m *MemStore) SaveDraft(_ context.Context, d Draft) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	d.Source = bytes.Clone(d.Source)
	m.drafts[d.ID] = d
	return nil
}

// DeleteDraft implements Store.
func (m *MemStore) DeleteDraft(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.drafts, id)
	return nil
}

func cloneRecord(r Record) Record {
	r.Source = bytes.Clone(r.Source)
	return r
}
