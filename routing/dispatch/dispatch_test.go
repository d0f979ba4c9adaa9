package dispatch

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeLeg struct {
	done chan struct{}
	once sync.Once
}

func newLeg() *fakeLeg                   { return &fakeLeg{done: make(chan struct{})} }
func (l *fakeLeg) Done() <-chan struct{} { return l.done }
func (l *fakeLeg) Hangup(context.Context) error {
	l.once.Do(func() { close(l.done) })
	return nil
}

type fakeCaller struct {
	id     string
	done   chan struct{}
	once   sync.Once
	answer map[string]bool // contact -> answers
	mu     sync.Mutex
	rung   []string
	leg    *fakeLeg
	hungUp bool
}

func (c *fakeCaller) CallID() string        { return c.id }
func (c *fakeCaller) Done() <-chan struct{} { return c.done }
func (c *fakeCaller) Hangup(context.Context) error {
	c.mu.Lock()
	c.hungUp = true
	c.mu.Unlock()
	c.once.Do(func() { close(c.done) })
	return nil
}

func (c *fakeCaller) Connect(_ context.Context, target string, _ time.Duration) (Leg, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rung = append(c.rung, target)
	if !c.answer[target] {
		return nil, errors.New("480 no answer")
	}
	c.leg = newLeg()
	return c.leg, nil
}

type fakeRoster struct {
	mu       sync.Mutex
	cands    []agents.Candidate
	oncall   map[string]string
	wraps    map[string]time.Time
	answered map[string]string
}

func (r *fakeRoster) Candidates(context.Context) ([]agents.Candidate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]agents.Candidate(nil), r.cands...)
	for i := range out {
		out[i].OnCall = r.oncall[out[i].Username] != ""
	}
	return out, nil
}
func (r *fakeRoster) Contact(_ context.Context, u string) (string, bool, error) {
	return "sip:" + u + "@phone", true, nil
}
func (r *fakeRoster) Claim(_ context.Context, u, id string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur := r.oncall[u]; cur != "" && cur != id {
		return false, nil
	}
	r.oncall[u] = id
	return true, nil
}

func (r *fakeRoster) Answered(_ context.Context, u, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answered == nil {
		r.answered = map[string]string{}
	}
	r.answered[u] = id
	return nil
}

func (r *fakeRoster) Release(_ context.Context, u, id string, wrapUntil time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.oncall[u] == id {
		r.oncall[u] = ""
	}
	if r.wraps == nil {
		r.wraps = map[string]time.Time{}
	}
	r.wraps[u] = wrapUntil
	return nil
}

type fakeScreens struct {
	mu   sync.Mutex
	pops map[string]Pop
}

func (s *fakeScreens) Pop(u string, p Pop) { s.mu.Lock(); s.pops[u] = p; s.mu.Unlock() }
func (s *fakeScreens) Clear(u, id string) {
	s.mu.Lock()
	if s.pops[u].CallID == id {
		delete(s.pops, u)
	}
	s.mu.Unlock()
}

type fakeLedger struct {
	mu sync.Mutex
	ds []Disclosure
}

func (l *fakeLedger) Disclosed(_ context.Context, d Disclosure) error {
	l.mu.Lock()
	l.ds = append(l.ds, d)
	l.mu.Unlock()
	return nil
}

type fakeMembers map[string]map[string]string

func (m fakeMembers) Record(_ context.Context, s string) (map[string]string, error) { return m[s], nil }

const maria = "m_aaaaaaaaaaaaaaaaaaaaaaaaaa"

func setup(t *testing.T) (*Dispatcher, *fakeRoster, *fakeScreens, *fakeLedger) {
	t.Helper()
	pol, err := policy.LoadDemo()
	require.NoError(t, err)
	now := time.Now()
	roster := &fakeRoster{oncall: map[string]string{}, cands: []agents.Candidate{
		{Username: "alice", Skills: []string{"scheduling", "billing"}, Available: true, Reachable: true, IdleSince: now.Add(-time.Minute)},
		{Username: "carol", Skills: []string{"scheduling"}, Available: true, Reachable: true, IdleSince: now.Add(-time.Hour)},
		{Username: "bob", Skills: []string{"pharmacy", "nurse"}, Clinical: true, Available: true, Reachable: true, IdleSince: now.Add(-2 * time.Hour)},
	}}
	screens := &fakeScreens{pops: map[string]Pop{}}
	ledger := &fakeLedger{}
	members := fakeMembers{maria: {"name": "Maria Lopez", "dob": "04/12/1980", "phone": "+1 217 555 0117", "address": "118 Cedar Lane", "appointments": "2025-07-14", "plan": "Gold PPO", "balance": "$42.10"}}
	return &Dispatcher{Roster: roster, Screens: screens, Members: members, Policy: pol, Ledger: ledger, RingTimeout: time.Second, WrapUp: time.Minute}, roster, screens, ledger
}

func verifiedScheduling() map[string]string {
	return map[string]string{"verification_level": "full", "caller_role": "self", "purpose": "scheduling", "recording_consent": "granted", "subject": maria, "restrictions": "", "flags": ""}
}

func TestConnectRingsInOrderAndShowsThePermittedFields(t *testing.T) {
	d, roster, screens, ledger := setup(t)
	c := &fakeCaller{id: "call-1", done: make(chan struct{}), answer: map[string]bool{"sip:alice@phone": true}}
	type out struct {
		r   Result
		err error
	}
	res := make(chan out, 1)
	go func() {
		r, err := d.Connect(context.Background(), c, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, Tags: verifiedScheduling()})
		res <- out{r, err}
	}()
	require.Eventually(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.leg != nil }, 3*time.Second, 5*time.Millisecond)
	c.mu.Lock()
	assert.Equal(t, []string{"sip:carol@phone", "sip:alice@phone"}, c.rung, "longest idle first; carol does not answer, alice does; bob lacks the skill")
	c.mu.Unlock()
	screens.mu.Lock()
	pop := screens.pops["alice"]
	screens.mu.Unlock()
	assert.Equal(t, map[string]string{"name": "Maria Lopez", "phone": "+1 217 555 0117", "appointments": "2025-07-14"}, pop.Context)
	assert.Empty(t, pop.Banner)
	roster.mu.Lock()
	assert.Equal(t, "call-1", roster.oncall["alice"])
	assert.Equal(t, "call-1", roster.answered["alice"], "alice answered: no longer ringing")
	assert.Empty(t, roster.answered["carol"], "carol rang but never answered")
	assert.Empty(t, roster.oncall["carol"], "freed after no answer")
	roster.mu.Unlock()

	require.NoError(t, c.leg.Hangup(context.Background()), "the agent hangs up")
	o := <-res
	require.NoError(t, o.err)
	assert.Equal(t, "alice", o.r.Agent)
	c.mu.Lock()
	assert.True(t, c.hungUp, "the agent's hang-up ends the caller's leg")
	c.mu.Unlock()
	screens.mu.Lock()
	assert.NotContains(t, screens.pops, "alice", "the pop is cleared when the call ends")
	screens.mu.Unlock()
	require.Len(t, ledger.ds, 1)
	roster.mu.Lock()
	assert.Empty(t, roster.oncall["alice"], "released when the call ends")
	assert.True(t, roster.wraps["alice"].After(time.Now()), "alice is in wrap-up after the call")
	roster.mu.Unlock()
	assert.Empty(t, pop.Sensitive, "scheduling shows no sensitive field")
	assert.Equal(t, maria, pop.Subject)
	assert.Equal(t, Disclosure{Agent: "alice", CallID: "call-1", Subject: maria, Purpose: "scheduling", Reason: ledger.ds[0].Reason,
		Fields: []string{"appointments", "name", "phone"}, Policy: "1", PolicySHA: d.Policy.ID()}, ledger.ds[0])
}

func TestUnverifiedCallerGetsAnEmptyScreen(t *testing.T) {
	d, _, screens, ledger := setup(t)
	c := &fakeCaller{id: "call-2", done: make(chan struct{}), answer: map[string]bool{"sip:carol@phone": true}}
	tags := map[string]string{"verification_level": "none", "caller_role": "unknown", "purpose": "scheduling", "flags": "verification_failed"}
	go func() {
		_, _ = d.Connect(context.Background(), c, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, Tags: tags})
	}()
	require.Eventually(t, func() bool { screens.mu.Lock(); defer screens.mu.Unlock(); _, ok := screens.pops["carol"]; return ok }, 3*time.Second, 5*time.Millisecond)
	screens.mu.Lock()
	pop := screens.pops["carol"]
	screens.mu.Unlock()
	assert.Empty(t, pop.Context)
	assert.NotNil(t, pop.Context)
	assert.Equal(t, "UNVERIFIED", pop.Banner)
	assert.Equal(t, []string{"verification_failed"}, pop.Flags)
	require.NoError(t, c.Hangup(context.Background()), "the caller hangs up")
	require.Eventually(t, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		select {
		case <-c.leg.done:
			return true
		default:
			return false
		}
	}, 3*time.Second, 5*time.Millisecond,
		"the caller's hang-up ends the agent's leg")
	ledger.mu.Lock()
	assert.Empty(t, ledger.ds[0].Fields)
	ledger.mu.Unlock()
}

func TestNoAgentWithinTheWait(t *testing.T) {
	d, _, _, _ := setup(t)
	c := &fakeCaller{id: "call-3", done: make(chan struct{}), answer: map[string]bool{}}
	start := time.Now()
	_, err := d.Connect(context.Background(), c, Request{Queue: "nurse", Requirement: agents.Requirement{Skills: []string{"nurse"}, Clinical: true}, MaxWait: 700 * time.Millisecond, Tags: verifiedScheduling()})
	require.ErrorIs(t, err, ErrNoAgent)
	assert.Less(t, time.Since(start), 2*time.Second)
	c.mu.Lock()
	assert.Contains(t, c.rung, "sip:bob@phone", "bob was tried (and tried again after everyone had been)")
	c.mu.Unlock()
}

// fakeQueue is an in-memory Queue: arrival order, one list per queue.
type fakeQueue struct {
	mu    sync.Mutex
	calls map[string][]string
	left  []string
}

func (q *fakeQueue) Position(_ context.Context, queue, id string, _ time.Time) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, c := range q.calls[queue] {
		if c == id {
			return i + 1, nil
		}
	}
	q.calls[queue] = append(q.calls[queue], id)
	return len(q.calls[queue]), nil
}

func (q *fakeQueue) Leave(_ context.Context, queue, id string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.calls[queue] = slices.DeleteFunc(q.calls[queue], func(c string) bool { return c == id })
	q.left = append(q.left, id)
	return nil
}

func TestQueueServesCallsInArrivalOrder(t *testing.T) {
	d, roster, screens, _ := setup(t)
	q := &fakeQueue{calls: map[string][]string{"scheduling": {"earlier"}}}
	d.Queue = q
	roster.cands = roster.cands[:1] // alice only
	c := &fakeCaller{id: "later", done: make(chan struct{}), answer: map[string]bool{"sip:alice@phone": true}}
	var mu sync.Mutex
	var places []int
	res := make(chan error, 1)
	go func() {
		_, err := d.Connect(context.Background(), c, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, Tags: verifiedScheduling(),
			OnPosition: func(p int) { mu.Lock(); places = append(places, p); mu.Unlock() }})
		res <- err
	}()
	time.Sleep(3 * retryEvery)
	c.mu.Lock()
	assert.Empty(t, c.rung, "alice is free but an earlier caller is ahead")
	c.mu.Unlock()
	require.NoError(t, q.Leave(context.Background(), "scheduling", "earlier"))
	require.Eventually(t, func() bool { screens.mu.Lock(); defer screens.mu.Unlock(); _, ok := screens.pops["alice"]; return ok }, 3*time.Second, 5*time.Millisecond)
	mu.Lock()
	assert.Equal(t, []int{2, 1}, places, "told second, then next")
	mu.Unlock()
	require.NoError(t, c.Hangup(context.Background()))
	require.NoError(t, <-res)
	q.mu.Lock()
	assert.Empty(t, q.calls["scheduling"])
	assert.Contains(t, q.left, "later")
	q.mu.Unlock()
}

func TestClaimedAgentIsNotRungTwice(t *testing.T) {
	d, roster, _, _ := setup(t)
	roster.cands = roster.cands[:1]
	roster.oncall["alice"] = "other-node-call" // taken between Candidates and Claim elsewhere
	roster.cands[0].OnCall = false
	c := &fakeCaller{id: "call-x", done: make(chan struct{}), answer: map[string]bool{"sip:alice@phone": true}}
	_, err := d.Connect(context.Background(), c, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, MaxWait: 300 * time.Millisecond, Tags: verifiedScheduling()})
	require.ErrorIs(t, err, ErrNoAgent)
	c.mu.Lock()
	assert.Empty(t, c.rung, "an agent another call holds is never rung")
	c.mu.Unlock()
}

func TestCallerHangsUpInQueue(t *testing.T) {
	d, roster, _, _ := setup(t)
	q := &fakeQueue{calls: map[string][]string{}}
	d.Queue = q
	roster.cands = nil
	c := &fakeCaller{id: "gone", done: make(chan struct{}), answer: map[string]bool{}}
	res := make(chan error, 1)
	go func() {
		_, err := d.Connect(context.Background(), c, Request{Queue: "billing", Tags: verifiedScheduling()})
		res <- err
	}()
	require.Eventually(t, func() bool { q.mu.Lock(); defer q.mu.Unlock(); return len(q.calls["billing"]) == 1 }, 3*time.Second, 5*time.Millisecond)
	require.NoError(t, c.Hangup(context.Background()))
	require.ErrorIs(t, <-res, ErrCallerGone)
	q.mu.Lock()
	assert.Empty(t, q.calls["billing"], "the call left the queue")
	q.mu.Unlock()
}

func TestSensitiveFieldsAreMarked(t *testing.T) {
	d, roster, screens, _ := setup(t)
	roster.cands = roster.cands[:1]
	c := &fakeCaller{id: "bill", done: make(chan struct{}), answer: map[string]bool{"sip:alice@phone": true}}
	tags := verifiedScheduling()
	tags["purpose"] = "billing"
	go func() {
		_, _ = d.Connect(context.Background(), c, Request{Queue: "billing", Requirement: agents.Requirement{Skills: []string{"billing"}}, Tags: tags})
	}()
	require.Eventually(t, func() bool { screens.mu.Lock(); defer screens.mu.Unlock(); _, ok := screens.pops["alice"]; return ok }, 3*time.Second, 5*time.Millisecond)
	screens.mu.Lock()
	pop := screens.pops["alice"]
	screens.mu.Unlock()
	assert.Equal(t, []string{"balance"}, pop.Sensitive, "claims is granted but absent from the record; plan and name are not sensitive")
	require.NoError(t, c.Hangup(context.Background()))
}

type queueEvent struct {
	queue, outcome string
	waited         time.Duration
}

type queueRecorder struct {
	mu     sync.Mutex
	queued []string
	left   []queueEvent
}

func (q *queueRecorder) Queued(queue string) {
	q.mu.Lock()
	q.queued = append(q.queued, queue)
	q.mu.Unlock()
}
func (q *queueRecorder) Dequeued(queue, outcome string, waited time.Duration) {
	q.mu.Lock()
	q.left = append(q.left, queueEvent{queue, outcome, waited})
	q.mu.Unlock()
}

func (q *queueRecorder) events() ([]string, []queueEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.queued...), append([]queueEvent(nil), q.left...)
}

// sipLikeCaller is a fakeCaller whose context ends with its call, as a
// SIP call's does, and that says who ended it.
type sipLikeCaller struct {
	*fakeCaller
	byCaller atomic.Bool
}

func (c *sipLikeCaller) CallerHungUp() bool { return c.byCaller.Load() }

func TestObserverSeesEachQueuedCallLeaveOnce(t *testing.T) {
	var sipLike *sipLikeCaller // the case's caller, when it is one
	tests := []struct {
		name    string
		answer  map[string]bool
		maxWait time.Duration
		act     func(c *fakeCaller, cancel context.CancelFunc)
		want    string
		sipLike bool
	}{
		{"answered", map[string]bool{"sip:carol@phone": true}, 0, func(c *fakeCaller, _ context.CancelFunc) {
			require.Eventually(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.leg != nil }, 3*time.Second, 5*time.Millisecond)
			_ = c.leg.Hangup(context.Background())
		}, OutcomeAnswered, false},
		{"timeout", map[string]bool{}, 300 * time.Millisecond, func(*fakeCaller, context.CancelFunc) {}, OutcomeTimeout, false},
		{"abandoned", map[string]bool{}, 0, func(c *fakeCaller, _ context.CancelFunc) {
			time.Sleep(50 * time.Millisecond)
			_ = c.Hangup(context.Background())
		}, OutcomeAbandoned, false},
		{"cancelled", map[string]bool{}, 0, func(_ *fakeCaller, cancel context.CancelFunc) {
			time.Sleep(50 * time.Millisecond)
			cancel()
		}, OutcomeCancelled, false},
		{"abandoned, the call's context ending first", map[string]bool{}, 0, func(c *fakeCaller, cancel context.CancelFunc) {
			time.Sleep(50 * time.Millisecond)
			sipLike.byCaller.Store(true)
			cancel() // the BYE cancels the call's context before Done closes
			time.Sleep(20 * time.Millisecond)
			_ = c.Hangup(context.Background())
		}, OutcomeAbandoned, true},
		{"shutdown, the call's context ending first", map[string]bool{}, 0, func(c *fakeCaller, cancel context.CancelFunc) {
			time.Sleep(50 * time.Millisecond)
			cancel()
			time.Sleep(20 * time.Millisecond)
			_ = c.Hangup(context.Background())
		}, OutcomeCancelled, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, _, _, _ := setup(t)
			obs := &queueRecorder{}
			d.Observer = obs
			c := &fakeCaller{id: "call-" + tc.name, done: make(chan struct{}), answer: tc.answer}
			var caller Caller = c
			if tc.sipLike {
				sipLike = &sipLikeCaller{fakeCaller: c}
				caller = sipLike
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, _ = d.Connect(ctx, caller, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, MaxWait: tc.maxWait, Tags: verifiedScheduling()})
			}()
			tc.act(c, cancel)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Connect did not return")
			}
			queued, left := obs.events()
			assert.Equal(t, []string{"scheduling"}, queued)
			require.Len(t, left, 1)
			assert.Equal(t, "scheduling", left[0].queue)
			assert.Equal(t, tc.want, left[0].outcome)
			assert.Positive(t, left[0].waited)
			assert.Contains(t, Outcomes(), left[0].outcome)
		})
	}
}

// policyFunc is a PolicySource from a function.
type policyFunc func(ctx context.Context) (*policy.Policy, int, error)

func (f policyFunc) Live(ctx context.Context) (*policy.Policy, int, error) { return f(ctx) }

// popFor connects one verified scheduling call to carol and returns her
// pop and the ledger entry, after the call ends.
func popFor(t *testing.T, d *Dispatcher, screens *fakeScreens, ledger *fakeLedger, callID string) (Pop, Disclosure) {
	t.Helper()
	c := &fakeCaller{id: callID, done: make(chan struct{}), answer: map[string]bool{"sip:carol@phone": true}}
	res := make(chan error, 1)
	go func() {
		_, err := d.Connect(context.Background(), c, Request{Queue: "scheduling", Requirement: agents.Requirement{Skills: []string{"scheduling"}}, Tags: verifiedScheduling()})
		res <- err
	}()
	require.Eventually(t, func() bool { c.mu.Lock(); defer c.mu.Unlock(); return c.leg != nil }, 3*time.Second, 5*time.Millisecond)
	// The pop follows the bridge: wait for this call's.
	require.Eventually(t, func() bool {
		screens.mu.Lock()
		defer screens.mu.Unlock()
		return screens.pops["carol"].CallID == callID
	}, 3*time.Second, 5*time.Millisecond)
	screens.mu.Lock()
	pop := screens.pops["carol"]
	screens.mu.Unlock()
	require.NoError(t, c.leg.Hangup(context.Background()))
	require.NoError(t, <-res)
	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	var last Disclosure
	if n := len(ledger.ds); n > 0 {
		last = ledger.ds[n-1]
	}
	return pop, last
}

// TestPolicySourceIsReadPerPop: with Policies set, each pop uses the
// policy live at that moment, and the ledger names its published version.
func TestPolicySourceIsReadPerPop(t *testing.T) {
	d, roster, screens, ledger := setup(t)
	d.WrapUp = 0
	roster.mu.Lock()
	roster.cands = roster.cands[1:2] // carol only
	roster.mu.Unlock()
	v1, err := policy.LoadDemo()
	require.NoError(t, err)
	v2, err := policy.Parse([]byte(strings.Replace(string(policy.DemoSource()), "scheduling: [name, phone, appointments]", "scheduling: [name, appointments]", 1)))
	require.NoError(t, err)
	var mu sync.Mutex
	live, version := v1, 1
	d.Policy = nil
	d.Policies = policyFunc(func(context.Context) (*policy.Policy, int, error) {
		mu.Lock()
		defer mu.Unlock()
		return live, version, nil
	})

	pop, disc := popFor(t, d, screens, ledger, "call-p1")
	assert.Contains(t, pop.Context, "phone")
	assert.Equal(t, "1", pop.Policy)
	assert.Equal(t, "1", disc.Policy)

	mu.Lock()
	live, version = v2, 7 // an admin published version 7
	mu.Unlock()
	pop, disc = popFor(t, d, screens, ledger, "call-p2")
	assert.NotContains(t, pop.Context, "phone", "the next pop uses the new policy")
	assert.Equal(t, []string{"appointments", "name"}, disc.Fields)
	assert.Equal(t, "7", pop.Policy)
	assert.Equal(t, "7", disc.Policy, "the ledger names the published version that permitted it")

	d.Policies = policyFunc(func(context.Context) (*policy.Policy, int, error) { return nil, 0, errors.New("store down") })
	pop, _ = popFor(t, d, screens, ledger, "call-p3")
	assert.Empty(t, pop.Context, "no policy: nothing is disclosed")
	assert.Equal(t, policyUnavailable, pop.Banner)
}
