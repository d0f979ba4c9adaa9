package tags

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of the options.
const (
	DefaultTTL       = 24 * time.Hour
	DefaultLiveTTL   = 6 * time.Hour
	DefaultKeyPrefix = "callgate:call:"
	DefaultTimeout   = 2 * time.Second
)

// Operation names given to the WithMetrics hook.
const (
	OpBegin   = "begin"
	OpSet     = "set"
	OpAddFlag = "add_flag"
	OpEnd     = "end"
	OpGet     = "get"
)

// Tags writes and reads call hashes. It is safe for concurrent use.
type Tags struct {
	rdb     redis.UniversalClient
	ttl     time.Duration
	liveTTL time.Duration
	prefix  string
	now     func() time.Time
	metrics func(op string, err error)
	timeout time.Duration
}

// Option adjusts New.
type Option func(*Tags)

// WithTTL sets how long a call's hash is kept after End (default 24h;
// <= 0 keeps the default).
func WithTTL(d time.Duration) Option {
	return func(t *Tags) {
		if d > 0 {
			t.ttl = d
		}
	}
}

// WithLiveTTL sets the safety expiry while the call is up (default 6h;
// <= 0 keeps the default): a hash whose node died mid-call disappears this
// long after its last write. Every write before End renews it.
func WithLiveTTL(d time.Duration) Option {
	return func(t *Tags) {
		if d > 0 {
			t.liveTTL = d
		}
	}
}

// WithKeyPrefix sets the key prefix (default "callgate:call:"); the key is
// the prefix and the Call-ID.
func WithKeyPrefix(p string) Option {
	return func(t *Tags) { t.prefix = p }
}

// WithClock sets the clock behind Writer.Unsynced (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(t *Tags) {
		if now != nil {
			t.now = now
		}
	}
}

// WithMetrics sets a hook called once after every Begin, Set, AddFlag, End
// and Get with the operation's name (OpBegin...) and its error (nil on
// success). It runs on the caller's goroutine and must not block.
func WithMetrics(f func(op string, err error)) Option {
	return func(t *Tags) { t.metrics = f }
}

// WithTimeout bounds each operation, so that an unreachable store fails a
// write quickly instead of stalling the call (default 2s; <= 0: only the
// caller's context bounds it).
func WithTimeout(d time.Duration) Option {
	return func(t *Tags) { t.timeout = d }
}

// New returns Tags writing through rdb.
func New(rdb redis.UniversalClient, opts ...Option) *Tags {
	t := &Tags{
		rdb: rdb, ttl: DefaultTTL, liveTTL: DefaultLiveTTL, prefix: DefaultKeyPrefix,
		now: time.Now, timeout: DefaultTimeout,
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

// Key returns the Redis key of a call's hash.
func (t *Tags) Key(callID string) string { return t.prefix + callID }

// Get reads a call's hash. A call without one is ErrNotFound.
func (t *Tags) Get(ctx context.Context, callID string) (fields map[Field]string, err error) {
	defer func() { t.observe(OpGet, err) }()
	if err := validateCallID(callID); err != nil {
		return nil, err
	}
	ctx, cancel := t.opContext(ctx)
	defer cancel()
	res, err := t.rdb.HGetAll(ctx, t.Key(callID)).Result()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	if len(res) == 0 {
		return nil, ErrNotFound
	}
	fields = make(map[Field]string, len(res))
	for k, v := range res {
		fields[Field(k)] = v
	}
	return fields, nil
}

// writeScript stores a call hash atomically in one command: optionally
// deletes it first, sets the fields, sets the expiry. One command rather
// than MULTI/EXEC: a transaction whose MULTI is refused leaves go-redis
// reading the refusals as later replies on the same connection.
//
// KEYS[1] the call hash; ARGV[1] "1" to delete it first; ARGV[2] expiry in
// milliseconds; ARGV[3...] field, value pairs.
var writeScript = redis.NewScript(`
if ARGV[1] == '1' then redis.call('DEL', KEYS[1]) end
if #ARGV > 2 then redis.call('HSET', KEYS[1], unpack(ARGV, 3)) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`) //nolint:gochecknoglobals // immutable script

// store writes fields and the expiry in one round trip, first deleting
// what an earlier call with this Call-ID left when reset. It sends the
// script text each time (EVAL), not EVALSHA, so it is never two trips.
func (t *Tags) store(ctx context.Context, key string, fields map[Field]string, reset bool, ttl time.Duration) error {
	args := make([]any, 0, 2+2*len(fields))
	flag := "0"
	if reset {
		flag = "1"
	}
	args = append(args, flag, max(ttl.Milliseconds(), 1))
	for _, f := range slices.Sorted(maps.Keys(fields)) {
		args = append(args, string(f), fields[f])
	}
	if err := writeScript.Eval(ctx, t.rdb, []string{key}, args...).Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return nil
}

func (t *Tags) opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if t.timeout > 0 {
		return context.WithTimeout(ctx, t.timeout)
	}
	return context.WithCancel(ctx)
}

func (t *Tags) observe(op string, err error) {
	if t.metrics != nil {
		t.metrics(op, err)
	}
}
