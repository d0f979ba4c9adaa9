package guard

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// lockScript locks at once, for a signal stronger than one failure (a
// one-time code provider saying too many codes were tried). An existing
// lock is not extended, as with failureScript; the counter is cleared so
// the member starts afresh when the lock lifts.
//
// KEYS[1] failure counter, KEYS[2] lock; ARGV[1] lock ms.
var lockScript = redis.NewScript(`
redis.call('SET', KEYS[2], '1', 'PX', ARGV[1], 'NX')
redis.call('DEL', KEYS[1])
return 1
`) //nolint:gochecknoglobals // immutable script

// Lock locks subject out of phone verification for LockFor now (an
// existing lock keeps its expiry). One round trip, atomic across nodes.
func (g *Guard) Lock(ctx context.Context, subject string) error {
	if err := g.check(subject); err != nil {
		return err
	}
	ctx, cancel := g.opContext(ctx)
	defer cancel()
	err := lockScript.Eval(ctx, g.rdb,
		[]string{g.prefix + "fail:" + subject, g.prefix + "lock:" + subject},
		ms(g.cfg.LockFor)).Err()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrStoreUnavailable, err)
	}
	return nil
}
