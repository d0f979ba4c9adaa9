package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// staleAfter is how long a waiting call may go without reporting before
// another node's call drops it from the queue (its node died, say).
const staleAfter = 10 * time.Second

// RedisQueue orders waiting calls in Redis, shared by all nodes: per
// queue, a sorted set callgate:queue:{name} of Call-IDs by arrival (unix
// ms) and callgate:queue:{name}:seen of the same Call-IDs by when their
// node last asked for their place. Entries not seen for staleAfter are
// dropped, so a node that dies does not block the queue.
type RedisQueue struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// NewRedisQueue returns the queues kept in rdb.
func NewRedisQueue(rdb redis.UniversalClient) *RedisQueue {
	return &RedisQueue{rdb: rdb, now: time.Now}
}

func queueKey(name string) string { return "callgate:queue:" + name }

// positionScript: KEYS queue, seen; ARGV callID, arrived ms, now ms,
// stale-before ms. Returns the 0-based rank.
var positionScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
for _, id in ipairs(stale) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
redis.call('PEXPIRE', KEYS[1], 86400000)
redis.call('PEXPIRE', KEYS[2], 86400000)
return redis.call('ZRANK', KEYS[1], ARGV[1])
`) //nolint:gochecknoglobals // immutable script

// Position records that callID still waits in queue, where it arrived at
// enqueued, drops calls whose nodes stopped reporting, and returns the
// call's place (1 is next). One round trip.
func (q *RedisQueue) Position(ctx context.Context, queue, callID string, enqueued time.Time) (int, error) {
	now := q.now()
	k := queueKey(queue)
	rank, err := positionScript.Run(ctx, q.rdb, []string{k, k + ":seen"}, callID,
		strconv.FormatInt(enqueued.UnixMilli(), 10), strconv.FormatInt(now.UnixMilli(), 10),
		strconv.FormatInt(now.Add(-staleAfter).UnixMilli(), 10)).Int()
	if err != nil {
		return 0, fmt.Errorf("dispatch: queue position: %w", err)
	}
	return rank + 1, nil
}

// Leave takes callID out of queue.
func (q *RedisQueue) Leave(ctx context.Context, queue, callID string) error {
	k := queueKey(queue)
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRem(ctx, k, callID)
		p.ZRem(ctx, k+":seen", callID)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("dispatch: leave queue: %w", err)
	}
	return nil
}

// Depth returns how many calls wait in queue.
func (q *RedisQueue) Depth(ctx context.Context, queue string) (int64, error) {
	n, err := q.rdb.ZCard(ctx, queueKey(queue)).Result()
	if err != nil {
		return 0, fmt.Errorf("dispatch: queue depth: %w", err)
	}
	return n, nil
}

// QueueStats is one queue's state across every node.
type QueueStats struct {
	Name string
	// Depth is how many calls wait (as Depth).
	Depth int64
	// Oldest is when the call waiting longest arrived (its place in the
	// queue, kept when it comes back from an overflow menu); zero when
	// none waits.
	Oldest time.Time
}

// Stats returns the depth and the oldest arrival of each queue, in one
// pipelined round trip. A call whose node stopped reporting counts until
// the next Position on that queue drops it.
func (q *RedisQueue) Stats(ctx context.Context, queues []string) ([]QueueStats, error) {
	if len(queues) == 0 {
		return []QueueStats{}, nil
	}
	cards := make([]*redis.IntCmd, len(queues))
	firsts := make([]*redis.ZSliceCmd, len(queues))
	_, err := q.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, name := range queues {
			cards[i] = p.ZCard(ctx, queueKey(name))
			firsts[i] = p.ZRangeWithScores(ctx, queueKey(name), 0, 0)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dispatch: queue stats: %w", err)
	}
	out := make([]QueueStats, len(queues))
	for i, name := range queues {
		out[i] = QueueStats{Name: name, Depth: cards[i].Val()}
		if z := firsts[i].Val(); len(z) == 1 {
			out[i].Oldest = time.UnixMilli(int64(z[0].Score)).UTC()
		}
	}
	return out, nil
}
