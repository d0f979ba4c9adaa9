package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Defaults of RedisLockout.
const (
	// DefaultLockoutPrefix prefixes the Redis keys of the shared lockout:
	// one hash per username, callgate:web:signin:{hmac}.
	DefaultLockoutPrefix = "callgate:web:signin:"
	// DefaultLockoutTimeout bounds one lockout round trip.
	DefaultLockoutTimeout = 2 * time.Second
	// MinLockoutKeyLen is the shortest HMAC key WithRedisLockout accepts.
	MinLockoutKeyLen = 16
)

// RedisLockout configures WithRedisLockout.
type RedisLockout struct {
	// Client is the Redis every node shares.
	Client redis.UniversalClient
	// Key is the HMAC key usernames are hashed with before they become
	// Redis keys (a mistyped "username" may be a password). Every node
	// must use the same key: give the deployment's secret_key. At least
	// MinLockoutKeyLen bytes; it is copied.
	Key []byte
	// Prefix of the keys (default DefaultLockoutPrefix).
	Prefix string
	// Timeout bounds each round trip (default DefaultLockoutTimeout).
	Timeout time.Duration
}

// WithRedisLockout counts failed sign-ins in Redis instead of this node's
// memory, so that every node sharing the Redis enforces one limit per
// username (DESIGN.md § Scale): failures on one node lock the username
// out on all. Thresholds are Config.MaxFailures, LockoutWindow and
// LockoutDuration, timed by Redis's expiry rather than the server's clock.
// Each sign-in attempt costs one round trip, made after the password is
// checked. When Redis does not answer, sign-ins fail closed with
// ErrUnavailable (503): a guess is never answered without being counted.
func WithRedisLockout(c RedisLockout) Option {
	return func(s *Server) error {
		switch {
		case c.Client == nil:
			return fmt.Errorf("%w: redis lockout: no client", ErrInvalidConfig)
		case len(c.Key) < MinLockoutKeyLen:
			return fmt.Errorf("%w: redis lockout: key of %d bytes, want at least %d", ErrInvalidConfig, len(c.Key), MinLockoutKeyLen)
		case c.Timeout < 0:
			return fmt.Errorf("%w: redis lockout: negative timeout", ErrInvalidConfig)
		}
		if c.Prefix == "" {
			c.Prefix = DefaultLockoutPrefix
		}
		if c.Timeout == 0 {
			c.Timeout = DefaultLockoutTimeout
		}
		s.lockout = &redisLockout{
			rdb: c.Client, key: append([]byte(nil), c.Key...), prefix: c.Prefix, timeout: c.Timeout,
			max: s.cfg.MaxFailures, window: LockoutWindow, lockFor: LockoutDuration,
		}
		return nil
	}
}

// redisLockout is the lockout shared through Redis. It decides after the
// password check, in one atomic script per attempt, so parallel guesses
// on any number of nodes get at most max verdicts per window: the script
// counts each failure and refuses every outcome once the lock is set.
type redisLockout struct {
	rdb     redis.UniversalClient
	key     []byte
	prefix  string
	timeout time.Duration
	max     int
	window  time.Duration
	lockFor time.Duration
}

var _ lockout = (*redisLockout)(nil)

// signinScript records one attempt's outcome for one username.
//
// KEYS[1] the username's hash (fields failures, locked); ARGV[1] ok, fail
// or check; ARGV[2] window ms; ARGV[3] max failures; ARGV[4] lock ms.
// Returns {state, ms}: state 0 the attempt stands; 1 locked, refused, ms
// left; 2 this failure locked the username for ms. A locked username's
// failures are not counted and its successes do not unlock it. The hash
// expires a window after its first failure, or when the lock ends.
var signinScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'locked') == 1 then
  return {1, redis.call('PTTL', KEYS[1])}
end
if ARGV[1] == 'ok' then
  redis.call('DEL', KEYS[1])
  return {0, 0}
end
if ARGV[1] ~= 'fail' then return {0, 0} end
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n >= tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'locked', '1')
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {2, tonumber(ARGV[4])}
end
return {0, 0}
`) //nolint:gochecknoglobals // immutable script

// begin admits every attempt: the decision is end's, one round trip.
func (r *redisLockout) begin(context.Context, string, time.Time) error { return nil }

// end runs signinScript. The round trip outlives the request's context
// (bounded by the timeout), so a client that hangs up after its password
// was checked still has the failure counted.
func (r *redisLockout) end(ctx context.Context, username string, o outcome, now time.Time) (time.Time, error) {
	op := ""
	switch o {
	case outcomeSucceeded:
		op = "ok"
	case outcomeFailed:
		op = "fail"
	case outcomeNeutral:
		op = "check"
	default:
		return time.Time{}, nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
	defer cancel()
	res, err := signinScript.Eval(ctx, r.rdb, []string{r.prefix + r.mac(username)},
		op, r.window.Milliseconds(), r.max, r.lockFor.Milliseconds()).Int64Slice()
	if err != nil {
		return time.Time{}, fmt.Errorf("web: sign-in lockout: %w", err)
	}
	if len(res) != 2 {
		return time.Time{}, fmt.Errorf("web: sign-in lockout: script answered %d values", len(res))
	}
	left := time.Duration(res[1]) * time.Millisecond
	switch res[0] {
	case 0:
		return time.Time{}, nil
	case 2:
		return now.Add(left), nil
	default:
		if left <= 0 { // no expiry: cannot happen, the script sets one
			left = r.lockFor
		}
		return time.Time{}, &lockedOutError{retryAfter: left}
	}
}

// mac is the hex HMAC-SHA256 of a username, in its own domain so that it
// never matches another use of the key.
func (r *redisLockout) mac(username string) string {
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte("callgate/web/signin\x00"))
	h.Write([]byte(username))
	return hex.EncodeToString(h.Sum(nil))
}
