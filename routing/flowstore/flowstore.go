// Package flowstore keeps call flow versions and drafts in Redis, so that
// every callgate node sees the same live version (flows.Store). Keys, with
// the default prefix "callgate:":
//
//	callgate:flows                  SET of flow IDs (with a version or a draft)
//	callgate:flow:<id>:versions     HASH version number -> JSON record
//	                                {source, sha256, author, comment, published, rollback_of}
//	callgate:flow:<id>:live         STRING the live version number
//	callgate:flow:<id>:draft        HASH source, sha256, author, saved
//
// The disclosure policy's versions use the same store under another
// namespace (WithNamespace("policies", "policy")): callgate:policies and
// callgate:policy:default:{versions,live,draft}.
//
// Versions are never changed or deleted (flows are documentation kept for
// six years, 45 CFR 164.530(j)); nothing here expires. Publish and Seed
// are Lua scripts: the next version number, the live pointer, the index
// and the draft's deletion change in one atomic step, so two admins
// publishing at once get distinct versions, and a condition that fails
// (the live version moved, the draft changed) changes nothing.
package flowstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callgate/callgate/flows"
)

// DefaultPrefix prefixes every key.
const DefaultPrefix = "callgate:"

// ErrStore wraps a failed Redis operation or a record it cannot read.
var ErrStore = errors.New("flowstore: store")

// Store is a flows.Store in Redis. It is safe for concurrent use.
type Store struct {
	rdb    redis.UniversalClient
	prefix string
	set    string // the index set's name after the prefix: "flows"
	item   string // the per-document keys' name after the prefix: "flow"
}

var _ flows.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix replaces DefaultPrefix (tests use a per-test prefix).
func WithPrefix(p string) Option { return func(s *Store) { s.prefix = p } }

// WithNamespace keeps other versioned documents than flows: the index set
// is <prefix><set> and a document's keys <prefix><item>:<id>:... (default
// "flows" and "flow").
func WithNamespace(set, item string) Option {
	return func(s *Store) { s.set, s.item = set, item }
}

// New returns a Store over rdb.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, set: "flows", item: "flow"}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Keys of one document.
func (s *Store) index() string                { return s.prefix + s.set }
func (s *Store) versionsKey(id string) string { return s.prefix + s.item + ":" + id + ":versions" }
func (s *Store) liveKey(id string) string     { return s.prefix + s.item + ":" + id + ":live" }
func (s *Store) draftKey(id string) string    { return s.prefix + s.item + ":" + id + ":draft" }

// record is a version as stored (the version number is its hash field).
type record struct {
	Source     string    `json:"source"`
	SHA256     string    `json:"sha256"`
	Author     string    `json:"author"`
	Comment    string    `json:"comment,omitempty"`
	Published  time.Time `json:"published"`
	RollbackOf int       `json:"rollback_of,omitempty"`
}

func encodeRecord(r flows.Record) (string, error) {
	b, err := json.Marshal(record{Source: string(r.Source), SHA256: r.SHA256, Author: r.Author, Comment: r.Comment,
		Published: r.Published.UTC(), RollbackOf: r.RollbackOf})
	if err != nil {
		return "", fmt.Errorf("%w: encode flow %q: %w", ErrStore, r.ID, err)
	}
	return string(b), nil
}

func decodeRecord(id string, version int, raw string) (flows.Record, error) {
	var r record
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return flows.Record{}, fmt.Errorf("%w: flow %q version %d: %w", ErrStore, id, version, err)
	}
	return flows.Record{ID: id, Version: version, Source: []byte(r.Source), SHA256: r.SHA256, Author: r.Author,
		Comment: r.Comment, Published: r.Published, RollbackOf: r.RollbackOf}, nil
}

// IDs implements flows.Store.
func (s *Store) IDs(ctx context.Context) ([]string, error) {
	ids, err := s.rdb.SMembers(ctx, s.index()).Result()
	if err != nil {
		return nil, fmt.Errorf("%w: list flows: %w", ErrStore, err)
	}
	slices.Sort(ids)
	return ids, nil
}

// LiveVersion implements flows.Store: one GET.
func (s *Store) LiveVersion(ctx context.Context, id string) (int, error) {
	v, err := s.rdb.Get(ctx, s.liveKey(id)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("%w: live version of %q: %w", ErrStore, id, err)
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: live version of %q is not a number", ErrStore, id)
	}
	return n, nil
}

// Record implements flows.Store.
func (s *Store) Record(ctx context.Context, id string, version int) (flows.Record, error) {
	raw, err := s.rdb.HGet(ctx, s.versionsKey(id), strconv.Itoa(version)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return flows.Record{}, fmt.Errorf("flow %q version %d: %w", id, version, flows.ErrUnknownVersion)
	case err != nil:
		return flows.Record{}, fmt.Errorf("%w: flow %q version %d: %w", ErrStore, id, version, err)
	}
	return decodeRecord(id, version, raw)
}

// Records implements flows.Store.
func (s *Store) Records(ctx context.Context, id string) ([]flows.Record, error) {
	all, err := s.rdb.HGetAll(ctx, s.versionsKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("%w: versions of %q: %w", ErrStore, id, err)
	}
	if len(all) == 0 {
		return nil, nil
	}
	out := make([]flows.Record, 0, len(all))
	for k, raw := range all {
		n, err := strconv.Atoi(k)
		if err != nil {
			return nil, fmt.Errorf("%w: flow %q has version %q", ErrStore, id, k)
		}
		r, err := decodeRecord(id, n, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b flows.Record) int { return a.Version - b.Version })
	return out, nil
}

// publishScript stores ARGV[2] as the next version when the conditions
// hold. KEYS: versions, live, draft, index. ARGV: id, record, check live
// ("1" or "0"), expected live, draft sha256 ("" for no check). Returns
// {version, live before}, version -1 when the live version differs and
// -2 when the draft does.
var publishScript = redis.NewScript(`
local live = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[3] == '1' and live ~= tonumber(ARGV[4]) then
  return {-1, live}
end
if ARGV[5] ~= '' and redis.call('HGET', KEYS[3], 'sha256') ~= ARGV[5] then
  return {-2, live}
end
local n = redis.call('HLEN', KEYS[1]) + 1
redis.call('HSET', KEYS[1], n, ARGV[2])
redis.call('SET', KEYS[2], n)
redis.call('SADD', KEYS[4], ARGV[1])
if ARGV[5] ~= '' then
  redis.call('DEL', KEYS[3])
end
return {n, live}
`)

// Publish implements flows.Store: one script, atomic.
func (s *Store) Publish(ctx context.Context, rec flows.Record, cond flows.PublishCondition) (flows.Record, int, error) {
	raw, err := encodeRecord(rec)
	if err != nil {
		return flows.Record{}, 0, err
	}
	check := "0"
	if cond.CheckLive {
		check = "1"
	}
	res, err := publishScript.Run(ctx, s.rdb,
		[]string{s.versionsKey(rec.ID), s.liveKey(rec.ID), s.draftKey(rec.ID), s.index()},
		rec.ID, raw, check, cond.Live, cond.DraftSHA256).Int64Slice()
	if err != nil {
		return flows.Record{}, 0, fmt.Errorf("%w: publish flow %q: %w", ErrStore, rec.ID, err)
	}
	if len(res) != 2 {
		return flows.Record{}, 0, fmt.Errorf("%w: publish flow %q: unexpected reply", ErrStore, rec.ID)
	}
	before := int(res[1])
	switch res[0] {
	case -1:
		return flows.Record{}, before, fmt.Errorf("flow %q is at version %d, not %d: %w", rec.ID, before, cond.Live, flows.ErrStale)
	case -2:
		return flows.Record{}, before, fmt.Errorf("flow %q: %w", rec.ID, flows.ErrDraftChanged)
	}
	rec.Version = int(res[0])
	rec.Published = rec.Published.UTC()
	return rec, before, nil
}

// seedScript publishes ARGV[2] as version 1 when there is no version.
// KEYS: versions, live, index. ARGV: id, record. Returns {live, created}.
var seedScript = redis.NewScript(`
if redis.call('HLEN', KEYS[1]) > 0 then
  return {tonumber(redis.call('GET', KEYS[2]) or '0'), 0}
end
redis.call('HSET', KEYS[1], 1, ARGV[2])
redis.call('SET', KEYS[2], 1)
redis.call('SADD', KEYS[3], ARGV[1])
return {1, 1}
`)

// Seed implements flows.Store: one script, atomic, so nodes starting
// together seed a flow once.
func (s *Store) Seed(ctx context.Context, rec flows.Record) (int, bool, error) {
	raw, err := encodeRecord(rec)
	if err != nil {
		return 0, false, err
	}
	res, err := seedScript.Run(ctx, s.rdb, []string{s.versionsKey(rec.ID), s.liveKey(rec.ID), s.index()}, rec.ID, raw).Int64Slice()
	if err != nil {
		return 0, false, fmt.Errorf("%w: seed flow %q: %w", ErrStore, rec.ID, err)
	}
	if len(res) != 2 {
		return 0, false, fmt.Errorf("%w: seed flow %q: unexpected reply", ErrStore, rec.ID)
	}
	return int(res[0]), res[1] == 1, nil
}

// Draft implements flows.Store.
func (s *Store) Draft(ctx context.Context, id string) (flows.Draft, bool, error) {
	h, err := s.rdb.HGetAll(ctx, s.draftKey(id)).Result()
	if err != nil {
		return flows.Draft{}, false, fmt.Errorf("%w: draft of %q: %w", ErrStore, id, err)
	}
	if len(h) == 0 {
		return flows.Draft{}, false, nil
	}
	saved, err := time.Parse(time.RFC3339Nano, h["saved"])
	if err != nil {
		return flows.Draft{}, false, fmt.Errorf("%w: draft of %q: saved: %w", ErrStore, id, err)
	}
	return flows.Draft{ID: id, Source: []byte(h["source"]), SHA256: h["sha256"], Author: h["author"], Saved: saved}, true, nil
}

// SaveDraft implements flows.Store: the draft and the index in one
// transaction.
func (s *Store) SaveDraft(ctx context.Context, d flows.Draft) error {
	key := s.draftKey(d.ID)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.Del(ctx, key)
		p.HSet(ctx, key, "source", string(d.Source), "sha256", d.SHA256, "author", d.Author,
			"saved", d.Saved.UTC().Format(time.RFC3339Nano))
		p.SAdd(ctx, s.index(), d.ID)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: save draft of %q: %w", ErrStore, d.ID, err)
	}
	return nil
}

// deleteDraftScript deletes a draft, and the flow from the index when it
// has no version. KEYS: draft, versions, index. ARGV: id.
var deleteDraftScript = redis.NewScript(`
redis.call('DEL', KEYS[1])
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('SREM', KEYS[3], ARGV[1])
end
return 1
`)

// DeleteDraft implements flows.Store.
func (s *Store) DeleteDraft(ctx context.Context, id string) error {
	if err := deleteDraftScript.Run(ctx, s.rdb, []string{s.draftKey(id), s.versionsKey(id), s.index()}, id).Err(); err != nil {
		return fmt.Errorf("%w: delete draft of %q: %w", ErrStore, id, err)
	}
	return nil
}
