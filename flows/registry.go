package flows

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// Version is one published version of a flow.
type Version struct {
	// Flow is the published flow; it must not be modified.
	Flow *Flow
	// Version numbers start at 1 and go up by one per publish or rollback.
	Version int
	// Author and Comment say who published it and why.
	Author  string
	Comment string
	// Published is when it was published.
	Published time.Time
	// SHA256 is the hex SHA-256 of the flow's Source (of its YAML encoding
	// when it has no Source), to tell versions apart in audits and diffs.
	SHA256 string
}

// Registry keeps the published versions of each flow in memory. The live
// version of a flow is its newest. Published flows are deep copies that are
// never modified, so a call may keep using the *Flow it started on while
// newer versions are published. A Registry is safe for concurrent use; its
// lock is a leaf lock, never held while calling out.
type Registry struct {
	mu    sync.RWMutex
	flows map[string][]Version // by flow ID, oldest first
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{flows: make(map[string][]Version)}
}

// Publish validates f (without prompt or queue checks: validate with Load
// or Validate and your options first), stores a deep copy of it as the
// flow's next version and makes that version live. The stored copy's
// Version field is set; f itself is not modified. An invalid flow is
// refused with an error that wraps Errors (and ErrInvalidFlow).
func (r *Registry) Publish(f *Flow, author, comment string, now time.Time) (Version, error) {
	if f == nil {
		return Version{}, fmt.Errorf("publish: %w", ErrNilFlow)
	}
	if errs := Errors(Validate(f, ValidateOptions{})); len(errs) > 0 {
		return Version{}, fmt.Errorf("publish flow %q: %w", f.ID, errs)
	}
	stored := f.Clone()
	stored.Version = 0 // the draft's number, if any, is not part of its content
	sum, err := checksum(stored)
	if err != nil {
		return Version{}, fmt.Errorf("publish flow %q: %w", f.ID, err)
	}
	return r.add(stored, author, comment, now, sum), nil
}

// Rollback republishes version of flow id as a new version, which becomes
// live. The history keeps every version.
func (r *Registry) Rollback(id string, version int, author string, now time.Time) (Version, error) {
	r.mu.RLock()
	old, err := r.find(id, version)
	r.mu.RUnlock()
	if err != nil {
		return Version{}, fmt.Errorf("roll back: %w", err)
	}
	comment := fmt.Sprintf("rollback to version %d", version)
	return r.add(old.Flow.Clone(), author, comment, now, old.SHA256), nil
}

// add stores f (owned by the registry from now on) as the next version.
func (r *Registry) add(f *Flow, author, comment string, now time.Time, sum string) Version {
	r.mu.Lock()
	defer r.mu.Unlock()
	history := r.flows[f.ID]
	f.Version = len(history) + 1
	v := Version{Flow: f, Version: f.Version, Author: author, Comment: comment, Published: now, SHA256: sum}
	r.flows[f.ID] = append(history, v)
	return v
}

// find returns a version; the caller holds r.mu.
func (r *Registry) find(id string, version int) (Version, error) {
	history, ok := r.flows[id]
	if !ok {
		return Version{}, fmt.Errorf("flow %q: %w", id, ErrUnknownFlow)
	}
	if version < 1 || version > len(history) {
		return Version{}, fmt.Errorf("flow %q version %d (have 1 to %d): %w", id, version, len(history), ErrUnknownVersion)
	}
	return history[version-1], nil
}

// Live returns the live (newest) version of flow id. The flow must not be
// modified.
func (r *Registry) Live(id string) (*Flow, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	history := r.flows[id]
	if len(history) == 0 {
		return nil, false
	}
	return history[len(history)-1].Flow, true
}

// Get returns one version of flow id. The flow must not be modified.
func (r *Registry) Get(id string, version int) (*Flow, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, err := r.find(id, version)
	if err != nil {
		return nil, false
	}
	return v.Flow, true
}

// Versions returns the history of flow id, oldest first (nil when unknown).
func (r *Registry) Versions(id string) []Version {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return slices.Clone(r.flows[id])
}

// IDs returns the IDs of all published flows, sorted.
func (r *Registry) IDs() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return sortedKeys(r.flows)
}

// checksum returns the hex SHA-256 of f's Source, or of its YAML encoding
// when it was not parsed from YAML.
func checksum(f *Flow) (string, error) {
	src := f.Source
	if len(src) == 0 {
		encoded, err := yaml.Marshal(f)
		if err != nil {
			return "", fmt.Errorf("encode flow: %w", err)
		}
		src = encoded
	}
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:]), nil
}
