package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/cmd/callgate/internal/rolling"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/web"
)

// Ops summary windows: counts over the last hour in 10 s buckets.
const (
	opsSpan    = time.Hour
	opsStep    = 10 * time.Second
	opsTimeout = 2 * time.Second // the summary's shared-store reads
)

// Window keys (bounded: results, flags, queue names and outcomes).
const (
	keyAttempt = "verify"
	keyFailure = "verify_fail"
	keySignal  = "signal:"
	keyQueue   = "queue:"
)

// opsStats are this node's live call counts and the rolling windows
// behind GET /api/v1/ops/summary. The observers in metrics.go feed them
// (as they feed Prometheus), serveCall counts calls in a flow and
// ivrDispatcher the end of bridges. Nothing here names a member or a call.
type opsStats struct {
	inFlow  atomic.Int64 // calls running a flow (queued and bridged included)
	queued  atomic.Int64 // waiting for an agent
	bridged atomic.Int64 // connected to an agent
	win     *rolling.Window
	now     func() time.Time
}

func newOpsStats(now func() time.Time) *opsStats {
	return &opsStats{win: rolling.New(opsSpan, opsStep), now: now}
}

// verification counts a verification attempt and its result.
func (o *opsStats) verification(result string) {
	now := o.now()
	o.win.Add(keyAttempt, 0, now)
	if result == "fail" {
		o.win.Add(keyFailure, 0, now)
	}
}

// signal counts a flag raised on a call (once per call and flag).
func (o *opsStats) signal(flag string) { o.win.Add(keySignal+flag, 0, o.now()) }

// enqueued counts a call that starts waiting for an agent.
func (o *opsStats) enqueued() { o.queued.Add(1) }

// dequeued counts a call that stops waiting; an answered one is bridged
// until bridgeEnded.
func (o *opsStats) dequeued(queue, outcome string, waited time.Duration) {
	o.queued.Add(-1)
	if outcome == dispatch.OutcomeAnswered {
		o.bridged.Add(1)
	}
	o.win.Add(keyQueue+queue+":"+outcome, waited.Seconds(), o.now())
}

// bridgeEnded counts the end of a bridge that dequeued counted.
func (o *opsStats) bridgeEnded() { o.bridged.Add(-1) }

// counts is a window key's events in the last 5 and 60 minutes.
func (o *opsStats) counts(key string, now time.Time) web.OpsCounts {
	return web.OpsCounts{
		Last5m:  o.win.Last(key, 5*time.Minute, now).Count,
		Last60m: o.win.Last(key, time.Hour, now).Count,
	}
}

// opsShared is what the summary reads from the shared store.
type opsShared interface {
	queueStats(ctx context.Context, queues []string) ([]dispatch.QueueStats, error)
	agentStates(ctx context.Context) (map[string]int, error)
	pendingCallbacks(ctx context.Context) (int64, error)
}

// summary builds the ops summary: this node's counts, and the shared
// store's queues, agents and callbacks (named in Unavailable when the
// store does not answer; each failure also counts as a store error).
func (o *opsStats) summary(ctx context.Context, active int, queues []string, shared opsShared, storeErr func(op string)) web.OpsSummary {
	now := o.now()
	inFlow, queued, bridged := int(o.inFlow.Load()), int(o.queued.Load()), int(o.bridged.Load())
	sum := web.OpsSummary{
		GeneratedAt: now.UTC(),
		Calls:       web.OpsCalls{Active: active, InIVR: max(inFlow-queued-bridged, 0), Queued: queued, Bridged: bridged},
		Queues:      make([]web.OpsQueue, 0, len(queues)),
		Verification: web.OpsVerification{
			Attempts:    o.counts(keyAttempt, now),
			Failures:    o.counts(keyFailure, now),
			FailedCalls: o.counts(keySignal+ivr.FlagVerificationFailed, now),
			Lockouts:    o.counts(keySignal+ivr.FlagLockedOut, now),
			Pretexting:  o.counts(keySignal+ivr.FlagSuspectedPretexting, now),
		},
		Unavailable: []string{},
	}
	ctx, cancel := context.WithTimeout(ctx, opsTimeout)
	defer cancel()
	unavailable := func(section string) {
		sum.Unavailable = append(sum.Unavailable, section)
		storeErr("ops")
	}
	stats, err := shared.queueStats(ctx, queues)
	if err != nil {
		unavailable("queues")
		stats = make([]dispatch.QueueStats, len(queues))
	}
	for i, name := range queues {
		q := web.OpsQueue{Name: name, Depth: stats[i].Depth}
		if !stats[i].Oldest.IsZero() {
			q.OldestWaitSeconds = max(now.Sub(stats[i].Oldest).Seconds(), 0)
		}
		left := func(outcome string) rolling.Stat { return o.win.Last(keyQueue+name+":"+outcome, 5*time.Minute, now) }
		answered := left(dispatch.OutcomeAnswered)
		q.Last5m = web.OpsQueueWindow{
			Answered: answered.Count, Abandoned: left(dispatch.OutcomeAbandoned).Count,
			TimedOut: left(dispatch.OutcomeTimeout).Count, AvgAnswerSeconds: answered.Mean(),
		}
		sum.Queues = append(sum.Queues, q)
	}
	if sum.Agents, err = shared.agentStates(ctx); err != nil {
		unavailable("agents")
		sum.Agents = map[string]int{}
	}
	if sum.Callbacks.Pending, err = shared.pendingCallbacks(ctx); err != nil {
		unavailable("callbacks")
	}
	return sum
}

// redisShared reads the summary's shared figures from the store.
type redisShared struct {
	queue     *dispatch.RedisQueue
	roster    *dispatch.RedisRoster
	callbacks *dispatch.RedisCallbacks
}

func (r redisShared) queueStats(ctx context.Context, queues []string) ([]dispatch.QueueStats, error) {
	return r.queue.Stats(ctx, queues)
}

func (r redisShared) agentStates(ctx context.Context) (map[string]int, error) {
	return r.roster.States(ctx)
}

func (r redisShared) pendingCallbacks(ctx context.Context) (int64, error) {
	return r.callbacks.Pending(ctx)
}

// opsSource adapts the App to web.OpsSource.
type opsSource struct{ a *App }

func (s opsSource) OpsSummary(ctx context.Context) web.OpsSummary {
	a := s.a
	active := 0
	if a.sip != nil {
		active = a.sip.ActiveCalls()
	}
	return a.ops.summary(ctx, active, a.queues(), redisShared{a.queue, a.roster, a.callbacks},
		func(op string) { a.metrics.storeErrors.WithLabelValues(op).Inc() })
}

var (
	_ web.OpsSource = opsSource{}
	_ opsShared     = redisShared{}
)
