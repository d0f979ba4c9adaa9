package main

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/web"
)

// fakeShared is the shared store's side of the summary.
type fakeShared struct {
	stats    []dispatch.QueueStats
	states   map[string]int
	pending  int64
	errQueue error
	errAgent error
	errCalls error
}

func (f fakeShared) queueStats(context.Context, []string) ([]dispatch.QueueStats, error) {
	return f.stats, f.errQueue
}

func (f fakeShared) agentStates(context.Context) (map[string]int, error) { return f.states, f.errAgent }

func (f fakeShared) pendingCallbacks(context.Context) (int64, error) { return f.pending, f.errCalls }

// manualClock is a settable clock.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *manualClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestOpsSummary feeds the observers as a call's life would and checks
// the summary: live counts by where calls are, 5- and 60-minute windows,
// queue figures from the shared store and this node's windows.
func TestOpsSummary(t *testing.T) {
	clock := &manualClock{t: time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)}
	o := newOpsStats(clock.now)

	// An hour ago: one failed call, locked out.
	o.verification("fail")
	o.signal(ivr.FlagVerificationFailed)
	o.signal(ivr.FlagLockedOut)
	clock.advance(50 * time.Minute)
	// Now: three calls in flows; one verified and answered after 12 s and
	// still bridged, one verified and waiting, one abandoned the queue.
	o.inFlow.Add(3)
	for _, r := range []string{"fail", "ok", "ok", "ok", "ok"} {
		o.verification(r)
	}
	o.enqueued()
	o.dequeued("scheduling", dispatch.OutcomeAnswered, 12*time.Second)
	o.enqueued()
	o.dequeued("scheduling", dispatch.OutcomeAbandoned, 30*time.Second)
	o.inFlow.Add(-1) // the abandoned call's flow ended
	o.enqueued()
	clock.advance(time.Minute)

	oldest := clock.now().Add(-90 * time.Second)
	shared := fakeShared{
		stats:   []dispatch.QueueStats{{Name: "billing"}, {Name: "scheduling", Depth: 2, Oldest: oldest}},
		states:  map[string]int{"offline": 1, "away": 0, "available": 1, "on_call": 1, "wrap_up": 0},
		pending: 4,
	}
	var storeErrs []string
	sum := o.summary(context.Background(), 5, []string{"billing", "scheduling"}, shared, func(op string) { storeErrs = append(storeErrs, op) })
	assert.Equal(t, clock.now(), sum.GeneratedAt)
	assert.Equal(t, web.OpsCalls{Active: 5, InIVR: 0, Queued: 1, Bridged: 1}, sum.Calls,
		"two calls in flows: one queued, one bridged; active counts SIP calls, ringing ones too")
	assert.Equal(t, []web.OpsQueue{
		{Name: "billing"},
		{Name: "scheduling", Depth: 2, OldestWaitSeconds: 90, Last5m: web.OpsQueueWindow{Answered: 1, Abandoned: 1, AvgAnswerSeconds: 12}},
	}, sum.Queues)
	assert.Equal(t, shared.states, sum.Agents)
	assert.Equal(t, web.OpsVerification{
		Attempts:    web.OpsCounts{Last5m: 5, Last60m: 6},
		Failures:    web.OpsCounts{Last5m: 1, Last60m: 2},
		FailedCalls: web.OpsCounts{Last5m: 0, Last60m: 1},
		Lockouts:    web.OpsCounts{Last5m: 0, Last60m: 1},
	}, sum.Verification)
	assert.Equal(t, int64(4), sum.Callbacks.Pending)
	assert.Empty(t, sum.Unavailable)
	assert.Empty(t, storeErrs)

	// The bridge ends: the call is back in the IVR until its flow ends.
	o.bridgeEnded()
	sum = o.summary(context.Background(), 2, nil, shared, func(string) {})
	assert.Equal(t, web.OpsCalls{Active: 2, InIVR: 1, Queued: 1, Bridged: 0}, sum.Calls)
	assert.Empty(t, sum.Queues)

	// Ten more minutes: the hour-old failure has left the hour.
	clock.advance(10 * time.Minute)
	sum = o.summary(context.Background(), 0, nil, shared, func(string) {})
	assert.Equal(t, web.OpsCounts{Last5m: 0, Last60m: 1}, sum.Verification.Failures)
	assert.Equal(t, web.OpsCounts{}, sum.Verification.Lockouts)
}

func TestOpsSummaryStoreDown(t *testing.T) {
	o := newOpsStats(time.Now)
	down := errors.New("connection refused")
	var storeErrs []string
	sum := o.summary(context.Background(), 1, []string{"scheduling"},
		fakeShared{errQueue: down, errAgent: down, errCalls: down}, func(op string) { storeErrs = append(storeErrs, op) })
	assert.Equal(t, []string{"queues", "agents", "callbacks"}, sum.Unavailable)
	assert.Equal(t, []string{"ops", "ops", "ops"}, storeErrs)
	require.Len(t, sum.Queues, 1, "the queue is listed with this node's figures")
	assert.Equal(t, "scheduling", sum.Queues[0].Name)
	assert.Zero(t, sum.Queues[0].Depth)
	assert.Empty(t, sum.Agents)
	assert.Equal(t, 1, sum.Calls.Active)
}

// TestOpsFedByMetricsObservers: the Prometheus observers feed the summary.
func TestOpsFedByMetricsObservers(t *testing.T) {
	app := &App{ops: newOpsStats(time.Now)}
	m := newMetrics(app)
	m.Verification(flows.StepIdentity, "fail")
	m.Signal(ivr.FlagSuspectedPretexting)
	m.Queued("scheduling")
	sum := app.ops.summary(context.Background(), 0, nil, fakeShared{}, func(string) {})
	assert.Equal(t, 1, sum.Verification.Failures.Last5m)
	assert.Equal(t, 1, sum.Verification.Pretexting.Last5m)
	assert.Equal(t, 1, sum.Calls.Queued)
	m.Dequeued("scheduling", dispatch.OutcomeAnswered, time.Second)
	sum = app.ops.summary(context.Background(), 0, nil, fakeShared{}, func(string) {})
	assert.Equal(t, 0, sum.Calls.Queued)
	assert.Equal(t, 1, sum.Calls.Bridged)
}
