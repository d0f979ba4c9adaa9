// Package dispatch connects a queued call to an agent: it picks the
// longest-idle eligible agent (routing/agents.Select), rings the agent's
// phone with a ring timeout, tries the next agent on no answer or busy,
// and once the agent answers pushes the screen pop that the disclosure
// policy permits (routing/policy), records the disclosure, and keeps the
// agent marked on the call until either side hangs up.
//
// It sees calls, phones, screens and the ledger only through the small
// interfaces below; cmd/callgate adapts the sip, web and audit packages.
package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/policy"
)

// Defaults.
const (
	DefaultRingTimeout = 15 * time.Second
	// retryEvery is how often a waiting call looks for a free agent.
	retryEvery = 500 * time.Millisecond
)

var (
	// ErrNoAgent is returned when no agent answered within the wait.
	ErrNoAgent = errors.New("dispatch: no agent answered")
	// ErrCallerGone is returned when the caller hung up while waiting.
	ErrCallerGone = errors.New("dispatch: caller hung up")
)

// Leg is the agent's side of a bridged call.
type Leg interface {
	Done() <-chan struct{}
	Hangup(ctx context.Context) error
}

// Caller is the waiting call.
type Caller interface {
	CallID() string
	Done() <-chan struct{}
	// Connect rings target and, when it answers, bridges the media and
	// returns the agent's leg. It returns an error for no answer, busy or
	// failure, leaving the caller's call up.
	Connect(ctx context.Context, target string, ringTimeout time.Duration) (Leg, error)
	// Hangup ends the caller's call.
	Hangup(ctx context.Context) error
}

// HangupReporter is a Caller whose call's context ends when the call
// does (a SIP call's does, as soon as the caller's BYE arrives, before
// Done is closed). It tells a caller who hung up or went silent from a
// call the server ended (shutdown), so a caller leaving the queue is
// counted OutcomeAbandoned, not OutcomeCancelled.
type HangupReporter interface {
	// CallerHungUp reports whether the call has ended from the caller's
	// side.
	CallerHungUp() bool
}

// callerHungUp reports, when Connect's context has ended, whether that
// was the caller leaving: HangupReporter's answer, or else whether the
// call is over.
func callerHungUp(c Caller) bool {
	if r, ok := c.(HangupReporter); ok {
		return r.CallerHungUp()
	}
	select {
	case <-c.Done():
		return true
	default:
		return false
	}
}

// Roster knows agents' presence and phones.
type Roster interface {
	// Candidates returns every agent with presence facts for selection.
	Candidates(ctx context.Context) ([]agents.Candidate, error)
	// Contact returns where the agent's phone is reachable.
	Contact(ctx context.Context, username string) (string, bool, error)
	// Claim marks the agent busy with callID, atomically: it reports false
	// when another call (perhaps on another node) holds the agent.
	Claim(ctx context.Context, username, callID string) (bool, error)
	// Answered records that the agent's phone answered callID (the agent
	// goes from ringing to on a call).
	Answered(ctx context.Context, username, callID string) error
	// Release frees the agent from callID (a no-op when another call holds
	// it); the agent is in wrap-up, not offered calls, until wrapUntil.
	Release(ctx context.Context, username, callID string, wrapUntil time.Time) error
}

// Queue orders the calls waiting in each queue across nodes.
type Queue interface {
	// Position records that callID is still waiting in queue, where it
	// arrived at enqueued, and returns its place: 1 is next.
	Position(ctx context.Context, queue, callID string, enqueued time.Time) (int, error)
	// Leave takes callID out of queue.
	Leave(ctx context.Context, queue, callID string) error
}

// Screens shows and clears screen pops.
type Screens interface {
	Pop(username string, p Pop)
	Clear(username, callID string)
}

// Pop is a screen pop: the call's tags and the permitted member fields.
// Subject and Policy (the published policy version) are for the ledger entries of
// reveals.
type Pop struct {
	CallID            string
	VerificationLevel string
	CallerRole        string
	Purpose           string
	RecordingConsent  string
	Restrictions      []string
	Flags             []string
	Banner            string
	Notices           []string
	Context           map[string]string
	Sensitive         []string // Context fields hidden until revealed
	Subject           string
	Policy            string
}

// Members returns member records for the screen.
type Members interface {
	Record(ctx context.Context, subject string) (map[string]string, error)
}

// Ledger records disclosures (field names only).
type Ledger interface {
	Disclosed(ctx context.Context, d Disclosure) error
}

// Disclosure is one ledger entry.
type Disclosure struct {
	Agent, CallID, Subject, Purpose, Reason string
	Fields                                  []string
	Policy                                  string // the policy's published version
	PolicySHA                               string // the policy's ID: "sha256:" and the hash of its text
}

// Request is a call to connect.
type Request struct {
	Queue       string
	Requirement agents.Requirement
	MaxWait     time.Duration
	// Tags is the call's tag snapshot (the contract field names).
	Tags     map[string]string
	RepScope []string
	// Enqueued is when the call first joined the queue (zero: now), so a
	// call that comes back keeps its place.
	Enqueued time.Time
	// OnPosition, when set, is told the call's place in the queue (1 is
	// next) whenever it changes while the call waits; 0 means unknown.
	OnPosition func(place int)
}

// Queue outcomes given to Observer.Dequeued (bounded metric labels).
const (
	OutcomeAnswered  = "answered"  // an agent answered
	OutcomeTimeout   = "timeout"   // no agent answered within the request's MaxWait
	OutcomeAbandoned = "abandoned" // the caller hung up while waiting
	OutcomeCancelled = "cancelled" // the call's context ended (shutdown)
)

// Outcomes lists every queue outcome.
func Outcomes() []string {
	return []string{OutcomeAnswered, OutcomeTimeout, OutcomeAbandoned, OutcomeCancelled}
}

// Observer is told when calls start and stop waiting in a queue (queue
// depth and wait time metrics). Methods must not block.
type Observer interface {
	// Queued is called when a call starts waiting for an agent.
	Queued(queue string)
	// Dequeued is called once for each Queued call, when it stops
	// waiting, with one of the Outcome* values and how long it waited.
	Dequeued(queue, outcome string, waited time.Duration)
}

// PolicySource gives the disclosure policy in force for a screen pop and
// its published version (policyadmin.Catalog: one small store round trip,
// so a publish applies to the next pop on every node).
type PolicySource interface {
	Live(ctx context.Context) (*policy.Policy, int, error)
}

// Dispatcher connects calls to agents.
type Dispatcher struct {
	Roster  Roster
	Screens Screens
	Members Members
	// Policies gives the policy for each screen pop; when nil, Policy is
	// used, with its format version as the version in the ledger.
	Policies PolicySource
	Policy   *policy.Policy
	Ledger   Ledger
	// Queue orders waiting calls; nil serves them in no particular order.
	Queue       Queue
	RingTimeout time.Duration
	// WrapUp is how long an agent is left alone after a call ends (0: none).
	// The agent ends it early by setting the web status available.
	WrapUp time.Duration
	Log    *slog.Logger
	// Observer, when set, is told about queued calls.
	Observer Observer
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Result says who took the call.
type Result struct {
	Agent string
	Tried []string
}

// Connect waits for an agent, rings them in selection order, and once one
// answers shows their screen and blocks until the bridged call ends.
//
// Waiting calls are served in arrival order: a call rings an agent only
// while its place in the queue is within the number of agents free for it,
// so a call that arrived later does not take the agent an earlier one is
// about to get.
func (d *Dispatcher) Connect(ctx context.Context, c Caller, req Request) (Result, error) {
	ring := d.RingTimeout
	if ring <= 0 {
		ring = DefaultRingTimeout
	}
	log := d.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := d.Now
	if now == nil {
		now = time.Now
	}
	var wait <-chan time.Time
	if req.MaxWait > 0 {
		t := time.NewTimer(req.MaxWait)
		defer t.Stop()
		wait = t.C
	}
	enqueued := req.Enqueued
	if enqueued.IsZero() {
		enqueued = now()
	}
	if d.Queue != nil {
		defer func() {
			lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := d.Queue.Leave(lctx, req.Queue, c.CallID()); err != nil {
				log.Warn("leave queue", "queue", req.Queue, "error", err)
			}
		}()
	}
	outcome := OutcomeCancelled
	leave := func(string) {}
	if d.Observer != nil {
		start := now()
		d.Observer.Queued(req.Queue)
		left := false
		leave = func(o string) {
			if !left {
				left = true
				d.Observer.Dequeued(req.Queue, o, now().Sub(start))
			}
		}
		defer func() { leave(outcome) }()
	}
	var res Result
	lastPlace := -1
	pause := func() error {
		select {
		case <-ctx.Done():
			if callerHungUp(c) {
				outcome = OutcomeAbandoned
			}
			return ctx.Err()
		case <-c.Done():
			outcome = OutcomeAbandoned
			return ErrCallerGone
		case <-wait:
			outcome = OutcomeTimeout
			return ErrNoAgent
		case <-time.After(retryEvery):
			return nil
		}
	}
	for {
		select {
		case <-ctx.Done():
			if callerHungUp(c) {
				outcome = OutcomeAbandoned
			}
			return res, ctx.Err()
		case <-c.Done():
			outcome = OutcomeAbandoned
			return res, ErrCallerGone
		case <-wait:
			outcome = OutcomeTimeout
			return res, ErrNoAgent
		default:
		}
		place := 0
		if d.Queue != nil {
			p, err := d.Queue.Position(ctx, req.Queue, c.CallID(), enqueued)
			if err != nil {
				log.Warn("queue position unavailable", "queue", req.Queue, "error", err)
			} else {
				place = p
			}
		}
		if place != lastPlace && req.OnPosition != nil {
			req.OnPosition(place)
		}
		lastPlace = place
		cands, err := d.Roster.Candidates(ctx)
		if err != nil {
			log.Warn("agent roster unavailable", "error", err)
		}
		free := agents.SelectionOrder(cands, req.Requirement, nil)
		cand, ok := agents.Select(cands, req.Requirement, res.Tried)
		if ok && place > len(free) {
			ok = false // earlier callers come first
		}
		if !ok {
			if len(res.Tried) > 0 && len(free) > 0 {
				res.Tried = res.Tried[:0] // everyone was tried: start over
			}
			if err := pause(); err != nil {
				return res, err
			}
			continue
		}
		res.Tried = append(res.Tried, cand.Username)
		contact, ok, err := d.Roster.Contact(ctx, cand.Username)
		if err != nil || !ok {
			continue
		}
		claimed, err := d.Roster.Claim(ctx, cand.Username, c.CallID())
		if err != nil {
			log.Warn("claim agent", "agent", cand.Username, "error", err)
			continue
		}
		if !claimed {
			continue // another call took the agent first
		}
		log.Info("ringing agent", "agent", cand.Username, "queue", req.Queue, "place", place)
		leg, err := c.Connect(ctx, contact, ring)
		if err != nil {
			log.Info("agent did not answer", "agent", cand.Username, "error", err)
			d.release(ctx, log, cand.Username, c.CallID(), time.Time{})
			continue
		}
		res.Agent = cand.Username
		if err := d.Roster.Answered(ctx, cand.Username, c.CallID()); err != nil {
			log.Warn("mark agent answered", "agent", cand.Username, "error", err)
		}
		if d.Queue != nil {
			_ = d.Queue.Leave(ctx, req.Queue, c.CallID())
		}
		outcome = OutcomeAnswered
		leave(outcome)
		d.showScreen(ctx, log, c.CallID(), cand, req)
		select {
		case <-leg.Done():
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = c.Hangup(hctx)
			cancel()
		case <-c.Done():
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = leg.Hangup(hctx)
			cancel()
		case <-ctx.Done():
			hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
			_ = leg.Hangup(hctx)
			cancel()
		}
		d.Screens.Clear(cand.Username, c.CallID())
		var wrapUntil time.Time
		if d.WrapUp > 0 {
			wrapUntil = now().Add(d.WrapUp)
		}
		d.release(ctx, log, cand.Username, c.CallID(), wrapUntil)
		return res, nil
	}
}

// release frees the agent from the call, even when ctx has ended.
func (d *Dispatcher) release(ctx context.Context, log *slog.Logger, username, callID string, wrapUntil time.Time) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := d.Roster.Release(rctx, username, callID, wrapUntil); err != nil {
		log.Warn("release agent", "agent", username, "error", err)
	}
}

// policyUnavailable is the banner of a pop made without a policy: the
// agent discloses nothing.
const policyUnavailable = "POLICY UNAVAILABLE: disclose nothing"

// showScreen decides what this agent may see, pushes it and records the
// disclosure. A member record that cannot be read shows nothing of it.
func (d *Dispatcher) showScreen(ctx context.Context, log *slog.Logger, callID string, a agents.Candidate, req Request) {
	t := req.Tags
	call := policy.Call{
		Level: t["verification_level"], Role: t["caller_role"], Purpose: t["purpose"],
		Restrictions: splitList(t["restrictions"]), Flags: splitList(t["flags"]), RepScope: req.RepScope,
	}
	pol, version := d.Policy, 0
	if pol != nil {
		version = pol.Version
	}
	if d.Policies != nil {
		p, v, err := d.Policies.Live(ctx)
		if err != nil {
			log.Error("disclosure policy unavailable; the screen shows no member fields", "error", err)
			p, v = nil, 0
		}
		pol, version = p, v
	}
	var dec policy.Decision
	if pol != nil {
		dec = pol.Decide(call, policy.Agent{Username: a.Username, Clinical: a.Clinical})
	} else {
		dec = policy.Decision{Banner: policyUnavailable, Reason: "no policy"}
	}
	ctxFields := map[string]string{}
	if subject := t["subject"]; subject != "" && len(dec.Fields) > 0 && d.Members != nil {
		rec, err := d.Members.Record(ctx, subject)
		if err != nil {
			log.Warn("member record unavailable; screen shows no member fields", "error", err)
		} else {
			ctxFields = pol.Project(dec, rec)
		}
	}
	fields := make([]string, 0, len(ctxFields))
	var sensitive []string
	for f := range ctxFields {
		fields = append(fields, f)
		if pol.IsSensitive(f) {
			sensitive = append(sensitive, f)
		}
	}
	slices.Sort(sensitive)
	d.Screens.Pop(a.Username, Pop{
		CallID: callID, VerificationLevel: t["verification_level"], CallerRole: t["caller_role"],
		Purpose: t["purpose"], RecordingConsent: t["recording_consent"],
		Restrictions: call.Restrictions, Flags: call.Flags, Banner: dec.Banner, Notices: dec.Notices,
		Context: ctxFields, Sensitive: sensitive, Subject: t["subject"], Policy: strconv.Itoa(version),
	})
	if d.Ledger != nil {
		err := d.Ledger.Disclosed(ctx, Disclosure{
			Agent: a.Username, CallID: callID, Subject: t["subject"], Purpose: t["purpose"],
			Reason: dec.Reason, Fields: sortedCopy(fields), Policy: strconv.Itoa(version), PolicySHA: pol.ID(),
		})
		if err != nil {
			log.Warn("disclosure ledger write failed", "error", err)
		}
	}
	log.Info("screen pop", "agent", a.Username, "fields", strings.Join(sortedCopy(fields), ","), "reason", dec.Reason)
}

func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func sortedCopy(xs []string) []string {
	out := slices.Clone(xs)
	slices.Sort(out)
	return out
}
