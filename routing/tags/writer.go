package tags

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Writer writes one call's hash. It is safe for concurrent use; writes
// reach Redis in the order they change the snapshot.
type Writer struct {
	t   *Tags
	key string
	// turn admits one write at a time so writes reach Redis in snapshot
	// order. It is held across the round trip (only by this call's
	// writers, and waiting for it honours the context); mu never is.
	turn chan struct{}

	mu     sync.Mutex
	fields map[Field]string // what this writer was told
	// dirty: the store may lack some of fields, so the next write sends
	// them all. gen counts the times it was set, so a full write clears it
	// only when nothing failed after the write took its copy.
	dirty bool
	gen   uint64
	since time.Time // when dirty was set
	// reset: the hash was not yet cleared for this call; the next full
	// write deletes what an earlier call with this Call-ID left.
	reset bool
	ended bool
}

// change edits the snapshot (under Writer.mu) and returns the fields to
// write; nil writes nothing unless a full rewrite is due.
type change func(fields map[Field]string) (map[Field]string, error)

// Begin starts a call's hash in one round trip: it deletes any earlier
// hash under the Call-ID, writes the initial fields over the defaults
// (verification_level none, caller_role unknown, recording_consent
// unanswered, restrictions and flags empty, state ivr) and sets the live
// expiry.
//
// An invalid Call-ID or field returns a nil Writer. When the store is
// unreachable Begin returns the Writer together with an error wrapping
// ErrStoreUnavailable: keep using it, its next successful write stores
// the whole hash.
func (t *Tags) Begin(ctx context.Context, callID string, initial map[Field]string) (w *Writer, err error) {
	defer func() { t.observe(OpBegin, err) }()
	if err := validateCallID(callID); err != nil {
		return nil, err
	}
	if err := validateAll(initial); err != nil {
		return nil, err
	}
	fields := map[Field]string{
		FieldVerificationLevel: string(None),
		FieldCallerRole:        string(Unknown),
		FieldRecordingConsent:  string(Unanswered),
		FieldRestrictions:      "",
		FieldFlags:             "",
		FieldState:             StateIVR,
	}
	maps.Copy(fields, initial)
	fields[FieldFlags] = normalizeList(fields[FieldFlags])
	w = &Writer{
		t: t, key: t.Key(callID), turn: make(chan struct{}, 1),
		fields: fields, dirty: true, reset: true, since: t.now(),
	}
	return w, w.write(ctx, func(map[Field]string) (map[Field]string, error) { return nil, nil }, t.liveTTL, false)
}

// Set validates every field, then writes them in one round trip (and
// renews the live expiry). After a failed write it writes every field
// known instead, so the hash is complete again; Set with no fields does
// only that, or nothing when there is nothing to catch up.
func (w *Writer) Set(ctx context.Context, kv map[Field]string) (err error) {
	defer func() { w.t.observe(OpSet, err) }()
	if err := validateAll(kv); err != nil {
		return err
	}
	return w.write(ctx, func(fields map[Field]string) (map[Field]string, error) {
		delta := make(map[Field]string, len(kv))
		for f, v := range kv {
			if f == FieldFlags {
				v = normalizeList(v)
			}
			fields[f], delta[f] = v, v
		}
		return delta, nil
	}, w.t.liveTTL, false)
}

// AddFlag adds a signal to the call's flags and writes the whole sorted
// list in one round trip. A flag already there writes nothing, unless an
// earlier write failed.
func (w *Writer) AddFlag(ctx context.Context, flag string) (err error) {
	defer func() { w.t.observe(OpAddFlag, err) }()
	if err := ValidateFlag(flag); err != nil {
		return err
	}
	return w.write(ctx, func(fields map[Field]string) (map[Field]string, error) {
		list := fields[FieldFlags]
		if list != "" && slices.Contains(strings.Split(list, ","), flag) {
			return nil, nil
		}
		if list != "" {
			flag = list + "," + flag
		}
		list = normalizeList(flag)
		if len(list) > maxListLen {
			return nil, fmt.Errorf("%w: %s %s", ErrInvalidValue, FieldFlags, listRule.desc)
		}
		fields[FieldFlags] = list
		return map[Field]string{FieldFlags: list}, nil
	}, w.t.liveTTL, false)
}

// End writes the final state and sets the expiry after hang-up in one
// round trip (with every field, if an earlier write failed). After it
// succeeds, writes return ErrEnded; after it fails it may be called again.
func (w *Writer) End(ctx context.Context, state string) (err error) {
	defer func() { w.t.observe(OpEnd, err) }()
	if err := Validate(FieldState, state); err != nil {
		return err
	}
	return w.write(ctx, func(fields map[Field]string) (map[Field]string, error) {
		fields[FieldState] = state
		return map[Field]string{FieldState: state}, nil
	}, w.t.ttl, true)
}

// EndWith is End that also writes kv (validated first), so a call whose
// last changes were batched ends in the same single round trip.
func (w *Writer) EndWith(ctx context.Context, state string, kv map[Field]string) (err error) {
	defer func() { w.t.observe(OpEnd, err) }()
	if err := Validate(FieldState, state); err != nil {
		return err
	}
	if err := validateAll(kv); err != nil {
		return err
	}
	return w.write(ctx, func(fields map[Field]string) (map[Field]string, error) {
		delta := make(map[Field]string, len(kv)+1)
		for f, v := range kv {
			if f == FieldFlags {
				v = normalizeList(v)
			}
			fields[f], delta[f] = v, v
		}
		fields[FieldState], delta[FieldState] = state, state
		return delta, nil
	}, w.t.ttl, true)
}

// Snapshot returns the fields this writer was given: what it believes is
// stored or, while Unsynced, what its next successful write will store.
func (w *Writer) Snapshot() map[Field]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return maps.Clone(w.fields)
}

// Unsynced reports whether the store may lack some of the snapshot, and
// since when (by the Tags clock): a write failed and none succeeded since.
func (w *Writer) Unsynced() (since time.Time, unsynced bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.since, w.dirty
}

// write applies ch to the snapshot and stores the result in one round
// trip: the fields ch returns, or all of them when dirty, then the expiry
// ttl. final marks the writer ended once stored.
func (w *Writer) write(ctx context.Context, ch change, ttl time.Duration, final bool) error {
	ctx, cancel := w.t.opContext(ctx)
	defer cancel()
	select {
	case w.turn <- struct{}{}:
	case <-ctx.Done():
		// Keep what we were told, so the next write stores it.
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.ended {
			return ErrEnded
		}
		if _, err := ch(w.fields); err != nil {
			return err
		}
		w.markDirty()
		return fmt.Errorf("%w: %w", ErrStoreUnavailable, ctx.Err())
	}
	defer func() { <-w.turn }()

	w.mu.Lock()
	if w.ended {
		w.mu.Unlock()
		return ErrEnded
	}
	delta, err := ch(w.fields)
	if err != nil {
		w.mu.Unlock()
		return err
	}
	full, reset, gen := w.dirty, w.reset, w.gen
	if full {
		delta = maps.Clone(w.fields)
	}
	w.mu.Unlock()
	if len(delta) == 0 && !final {
		return nil
	}

	err = w.t.store(ctx, w.key, delta, reset && full, ttl)

	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil {
		w.markDirty()
		return err
	}
	if full && w.gen == gen {
		w.dirty, w.reset, w.since = false, false, time.Time{}
	}
	if final {
		w.ended = true
	}
	return nil
}

// markDirty notes that the store may lack some fields. Call with mu held.
func (w *Writer) markDirty() {
	if !w.dirty {
		w.since = w.t.now()
	}
	w.dirty = true
	w.gen++
}

// validateAll validates fields in name order, so the error is stable.
func validateAll(kv map[Field]string) error {
	for _, f := range slices.Sorted(maps.Keys(kv)) {
		if err := Validate(f, kv[f]); err != nil {
			return err
		}
	}
	return nil
}
