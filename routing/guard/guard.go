package guard

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/callgate/callgate/routing/tags"
	"github.com/redis/go-redis/v9"
)

// Defaults of Config and the options.
const (
	DefaultMaxFailures     = 5
	DefaultWindow          = 15 * time.Minute
	DefaultLockFor         = 30 * time.Minute
	DefaultPretextDistinct = 3
	DefaultPretextWindow   = time.Hour
	DefaultKeyPrefix       = "callgate:guard:"
	DefaultTimeout         = 2 * time.Second

	// MinKeyLen is the shortest HMAC key New accepts. Caller numbers have
	// little entropy; the key is what keeps their HMACs from being
	// reversed by trying every number.
	MinKeyLen = 16

	maxRefLen    = 256
	maxCallerLen = 128
)

// Config sets the thresholds. Zero or negative fields take the defaults.
type Config struct {
	// MaxFailures failed verification attempts against one member within
	// Window lock it (default 5).
	MaxFailures int
	// Window is counted from the first failure (default 15m).
	Window time.Duration
	// LockFor is how long a lock lasts (default 30m).
	LockFor time.Duration
	// PretextDistinct distinct members tried from one caller number within
	// PretextWindow raise suspected pretexting (default 3).
	PretextDistinct int
	// PretextWindow: a caller's tries are forgotten this long after its
	// last one (default 1h).
	PretextWindow time.Duration
}

func (c Config) withDefaults() Config {
	if c.MaxFailures <= 0 {
		c.MaxFailures = DefaultMaxFailures
	}
	if c.Window <= 0 {
		c.Window = DefaultWindow
	}
	if c.LockFor <= 0 {
		c.LockFor = DefaultLockFor
	}
	if c.PretextDistinct <= 0 {
		c.PretextDistinct = DefaultPretextDistinct
	}
	if c.PretextWindow <= 0 {
		c.PretextWindow = DefaultPretextWindow
	}
	return c
}

// Guard checks and records lockout and pretexting signals. It is safe for
// concurrent use, and nodes sharing the store share its state.
type Guard struct {
	rdb     redis.UniversalClient
	key     []byte
	cfg     Config
	prefix  string
	timeout time.Duration
}

// Option adjusts New.
type Option func(*Guard)

// WithKeyPrefix sets the key prefix (default "callgate:guard:").
func WithKeyPrefix(p string) Option {
	return func(g *Guard) { g.prefix = p }
}

// WithTimeout bounds each operation (default 2s; <= 0: only the caller's
// context bounds it).
func WithTimeout(d time.Duration) Option {
	return func(g *Guard) { g.timeout = d }
}

// New returns a Guard using rdb, hashing caller numbers and member
// references with the HMAC key (copied; at least MinKeyLen bytes, or
// every operation returns ErrBadKey).
func New(rdb redis.UniversalClient, key []byte, cfg Config, opts ...Option) *Guard {
	g := &Guard{
		rdb: rdb, key: append([]byte(nil), key...), cfg: cfg.withDefaults(),
		prefix: DefaultKeyPrefix, timeout: DefaultTimeout,
	}
	for _, o := range opts {
		o(g)
	}
	return g
}

// Config returns the thresholds in force, defaults filled in.
func (g *Guard) Config() Config { return g.cfg }

// failureScript counts a failed attempt and locks at the threshold,
// atomically across nodes. A locked subject is not counted. Reaching the
// threshold sets the lock (not extended by later failures) and clears the
// counter, so the member starts afresh when the lock lifts.
//
// KEYS[1] failure counter, KEYS[2] lock; ARGV[1] window ms, ARGV[2] max
// failures, ARGV[3] lock ms. Returns 1 when locked.
var failureScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if n >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`) //nolint:gochecknoglobals // immutable script

// triedScript records a member tried from a caller and returns how many
// distinct members the caller tried; the set expires a window after the
// last try.
//
// KEYS[1] the caller's set; ARGV[1] member HMAC, ARGV[2] window ms.
var triedScript = redis.NewScript(`
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('SCARD', KEYS[1])
`) //nolint:gochecknoglobals // immutable script

// Locked reports whether subject is locked out. One round trip.
func (g *Guard) Locked(ctx context.Context, subject string) (bool, error) {
	if err := g.check(subject); err != nil {
		return false, err
	}
	ctx, cancel := g.opContext(ctx)
	defer cancel()
	n, err := g.rdb.Exists(ctx, g.prefix+"lock:"+subject).Result()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return n == 1, nil
}

// Failure records a failed verification attempt against subject and
// reports whether it is locked now (by this failure or already). One
// round trip, atomic across nodes. The scripts are sent with EVAL, never
// EVALSHA, so a script cache miss cannot make it two.
func (g *Guard) Failure(ctx context.Context, subject string) (lockedNow bool, err error) {
	if err := g.check(subject); err != nil {
		return false, err
	}
	ctx, cancel := g.opContext(ctx)
	defer cancel()
	n, err := failureScript.Eval(ctx, g.rdb,
		[]string{g.prefix + "fail:" + subject, g.prefix + "lock:" + subject},
		ms(g.cfg.Window), g.cfg.MaxFailures, ms(g.cfg.LockFor)).Int()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return n == 1, nil
}

// Success clears subject's failure counter (not a lock). One round trip.
func (g *Guard) Success(ctx context.Context, subject string) error {
	if err := g.check(subject); err != nil {
		return err
	}
	ctx, cancel := g.opContext(ctx)
	defer cancel()
	if err := g.rdb.Del(ctx, g.prefix+"fail:"+subject).Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return nil
}

// Tried records that callerNumber asked about memberRef and reports
// whether that caller has now tried at least PretextDistinct distinct
// members within PretextWindow. memberRef is an opaque value (a subject,
// or an HMAC of an unknown member ID); it is stored only as an HMAC, and
// the caller number only as the HMAC in the key. Visual separators
// (spaces, '-', '.', '(' and ')') in the number are ignored. One round
// trip.
func (g *Guard) Tried(ctx context.Context, callerNumber string, memberRef string) (pretexting bool, err error) {
	if len(g.key) < MinKeyLen {
		return false, ErrBadKey
	}
	caller := normalizeNumber(callerNumber)
	if caller == "" {
		return false, ErrNoCaller
	}
	if len(caller) > maxCallerLen {
		return false, fmt.Errorf("%w: longer than %d bytes", ErrNoCaller, maxCallerLen)
	}
	if memberRef == "" || len(memberRef) > maxRefLen {
		return false, fmt.Errorf("%w: must be 1 to %d bytes", ErrBadMemberRef, maxRefLen)
	}
	ctx, cancel := g.opContext(ctx)
	defer cancel()
	n, err := triedScript.Eval(ctx, g.rdb,
		[]string{g.prefix + "tried:" + g.mac("caller", caller)},
		g.mac("member", memberRef), ms(g.cfg.PretextWindow)).Int()
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return n >= g.cfg.PretextDistinct, nil
}

// check validates the key and a subject.
func (g *Guard) check(subject string) error {
	if len(g.key) < MinKeyLen {
		return ErrBadKey
	}
	if tags.Validate(tags.FieldSubject, subject) != nil {
		return fmt.Errorf(`%w: must be "m_" and 16 to 64 of a-z and 2-7`, ErrBadSubject)
	}
	return nil
}

// mac is the hex HMAC-SHA256 of value, separated by domain so a caller
// number and a member reference never hash alike.
func (g *Guard) mac(domain, value string) string {
	h := hmac.New(sha256.New, g.key)
	h.Write([]byte("callgate/guard/" + domain + "\x00"))
	h.Write([]byte(value))
	return hex.EncodeToString(h.Sum(nil))
}

func (g *Guard) opContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if g.timeout > 0 {
		return context.WithTimeout(ctx, g.timeout)
	}
	return context.WithCancel(ctx)
}

// normalizeNumber drops visual separators from a caller number.
func normalizeNumber(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '.', '(', ')':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

// ms is d in whole milliseconds, at least 1.
func ms(d time.Duration) int64 { return max(d.Milliseconds(), 1) }
