package storetest

import (
	"context"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// RoundTrips is a redis.Hook counting round trips: one per command sent on
// its own and one per pipeline or transaction. The commands go-redis sends
// to set up a new connection are not counted.
type RoundTrips struct {
	mu    sync.Mutex
	calls [][]string
}

var _ redis.Hook = (*RoundTrips)(nil)

// DialHook implements redis.Hook.
func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

// ProcessHook implements redis.Hook.
func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.record([]redis.Cmder{cmd})
		return next(ctx, cmd)
	}
}

// ProcessPipelineHook implements redis.Hook.
func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.record(cmds)
		return next(ctx, cmds)
	}
}

func (r *RoundTrips) record(cmds []redis.Cmder) {
	names := make([]string, 0, len(cmds))
	setup := true
	for _, c := range cmds {
		n := strings.ToLower(c.Name())
		names = append(names, n)
		switch n {
		case "hello", "client", "auth", "select", "ping":
		default:
			setup = false
		}
	}
	if setup {
		return
	}
	r.mu.Lock()
	r.calls = append(r.calls, names)
	r.mu.Unlock()
}

// Take returns the round trips since the last Take, each as the lower-case
// names of the commands it carried, and forgets them.
func (r *RoundTrips) Take() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.calls
	r.calls = nil
	return c
}
