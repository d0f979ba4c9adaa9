package members

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"
)

// DefaultKeyPrefix starts every key the Redis directory uses.
const DefaultKeyPrefix = "callgate:"

// importBatch is how many members one Import pipeline (MULTI/EXEC) writes.
const importBatch = 100

// Redis is a Directory kept in Redis: one hash per member under
// <prefix>member:<subject> (prefix DefaultKeyPrefix unless WithKeyPrefix),
// holding
//
//	dob_hash, pin_hash      argon2id PHC strings of the peppered DOB and PIN
//	restrictions            comma list, always present (may be empty)
//	f:<field>               display fields: f:name, f:dob (MM/DD/YYYY), f:phone, ...
//	rep:<n>:name            representative n (0-based, contiguous), also
//	rep:<n>:relationship    rep:<n>:scope (comma list) and
//	rep:<n>:code_hash       (PHC string of the peppered code)
//
// Keys hold only the opaque subject, never a member ID; methods given a
// string that is not a subject answer ErrNotFound without a Redis command.
// It is safe for concurrent use.
//
// Round trips: Identify, CheckPIN and Restrictions 1 (HGET), CheckRepCode
// and Record 1 (HGETALL); Import one MULTI/EXEC pipeline per 100 members.
type Redis struct {
	rdb    redis.UniversalClient
	h      *hasher
	prefix string
	err    error // from construction: bad key or parameters
}

var _ Directory = (*Redis)(nil)

// RedisOption configures NewRedis.
type RedisOption func(*Redis)

// WithKeyPrefix replaces DefaultKeyPrefix, e.g. to isolate tests or
// tenants sharing a Redis database.
func WithKeyPrefix(p string) RedisOption {
	return func(r *Redis) { r.prefix = p }
}

// NewRedis returns a Redis directory using rdb, with subjects and peppers
// under key (at least MinKeyLen bytes) and new hashes made with params. It
// makes the dummy hash for unknown member IDs at once (one argon2id run).
// A bad key or params make every method fail with ErrInvalidKey or
// ErrInvalidParams; Err reports it up front.
func NewRedis(rdb redis.UniversalClient, key []byte, params Argon2Params, opts ...RedisOption) *Redis {
	r := &Redis{rdb: rdb, prefix: DefaultKeyPrefix}
	for _, o := range opts {
		o(r)
	}
	r.h, r.err = newHasher(key, params)
	if r.err != nil {
		r.err = fmt.Errorf("members: redis directory: %w", r.err)
	}
	return r
}

// Err returns the construction error, if any.
func (r *Redis) Err() error { return r.err }

// keyOf returns the Redis key of subject's hash.
func (r *Redis) keyOf(subject string) string { return r.prefix + "member:" + subject }

// Identify implements Directory with one HGET of dob_hash and one argon2id
// verification. A missing key (unknown member ID) verifies dob against the
// dummy hash, so it costs the same as a wrong DOB. Only dob_hash is read:
// a failed attempt never pulls the member's record.
func (r *Redis) Identify(ctx context.Context, memberID, dob []byte) (string, bool, error) {
	if r.err != nil {
		return "", false, r.err
	}
	subject := r.h.subject(memberID)
	var stored *phcHash
	v, err := r.rdb.HGet(ctx, r.keyOf(subject), hfDOBHash).Result()
	switch {
	case errors.Is(err, redis.Nil):
	case err != nil:
		return "", false, fmt.Errorf("members: identify: %w", err)
	default:
		h, err := parsePHC(v)
		if err != nil {
			return "", false, fmt.Errorf("members: identify: %s: %w", hfDOBHash, err)
		}
		stored = &h
	}
	ok, err := r.h.verifyOrDummy(ctx, kindDOB, stored, dob)
	if err != nil {
		return "", false, fmt.Errorf("members: identify: %w", err)
	}
	if !ok {
		return "", false, nil
	}
	return subject, true, nil
}

// CheckPIN implements Directory with one HGET of pin_hash.
func (r *Redis) CheckPIN(ctx context.Context, subject string, pin []byte) (bool, error) {
	v, err := r.hget(ctx, subject, hfPINHash)
	if err != nil {
		return false, fmt.Errorf("members: check PIN: %w", err)
	}
	h, err := parsePHC(v)
	if err != nil {
		return false, fmt.Errorf("members: check PIN: %s: %w", hfPINHash, err)
	}
	ok, err := r.h.verify(ctx, kindPIN, h, pin)
	if err != nil {
		return false, fmt.Errorf("members: check PIN: %w", err)
	}
	return ok, nil
}

// CheckRepCode implements Directory with one HGETALL; code is verified
// against every representative's hash (at least one verification).
func (r *Redis) CheckRepCode(ctx context.Context, subject string, code []byte) (*Representative, bool, error) {
	e, err := r.load(ctx, subject)
	if err != nil {
		return nil, false, fmt.Errorf("members: check representative code: %w", err)
	}
	rep, ok, err := r.h.checkRepCode(ctx, e, code)
	if err != nil {
		return nil, false, fmt.Errorf("members: check representative code: %w", err)
	}
	return rep, ok, nil
}

// Restrictions implements Directory with one HGET.
func (r *Redis) Restrictions(ctx context.Context, subject string) ([]string, error) {
	v, err := r.hget(ctx, subject, hfRestrictions)
	if err != nil {
		return nil, fmt.Errorf("members: restrictions: %w", err)
	}
	return splitList(v), nil
}

// Record implements Directory with one HGETALL.
func (r *Redis) Record(ctx context.Context, subject string) (*Member, error) {
	e, err := r.load(ctx, subject)
	if err != nil {
		return nil, fmt.Errorf("members: record: %w", err)
	}
	return e.member, nil
}

// Import writes recs, replacing any member with the same member ID, and
// returns how many it wrote. All records are validated and hashed first
// (a *FieldError or ErrDuplicateMember writes nothing); then each batch of
// 100 members goes out as one MULTI/EXEC pipeline of DEL + HSET per member,
// so no member is ever half written. Members missing from recs are left
// alone. Import keeps none of the records' slices.
func (r *Redis) Import(ctx context.Context, recs []Record) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	entries, err := r.h.prepareAll(ctx, recs)
	if err != nil {
		return 0, fmt.Errorf("members: import: %w", err)
	}
	written := 0
	for batch := range slices.Chunk(entries, importBatch) {
		_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, e := range batch {
				key := r.keyOf(e.member.Subject)
				p.Del(ctx, key)
				p.HSet(ctx, key, encodeEntry(e)...)
			}
			return nil
		})
		if err != nil {
			return written, fmt.Errorf("members: import: records %d..%d: %w", written+1, written+len(batch), err)
		}
		written += len(batch)
	}
	return written, nil
}

// hget reads one field. A string that is not a subject is ErrNotFound
// without a round trip; a missing field is ErrNotFound when the key is
// missing and ErrCorrupt when only the field is (a second round trip, on
// that path only).
func (r *Redis) hget(ctx context.Context, subject, field string) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	if !isSubject(subject) {
		return "", ErrNotFound
	}
	key := r.keyOf(subject)
	v, err := r.rdb.HGet(ctx, key, field).Result()
	if errors.Is(err, redis.Nil) {
		n, err := r.rdb.Exists(ctx, key).Result()
		switch {
		case err != nil:
			return "", err
		case n == 0:
			return "", ErrNotFound
		default:
			return "", fmt.Errorf("field %s missing: %w", field, ErrCorrupt)
		}
	}
	return v, err
}

// load reads and decodes subject's whole hash.
func (r *Redis) load(ctx context.Context, subject string) (*entry, error) {
	if r.err != nil {
		return nil, r.err
	}
	if !isSubject(subject) {
		return nil, ErrNotFound
	}
	m, err := r.rdb.HGetAll(ctx, r.keyOf(subject)).Result()
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, ErrNotFound
	}
	return r.h.decodeEntry(subject, m)
}
