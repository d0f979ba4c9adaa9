package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/agents"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/routing/flowstore"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/policy"
	"github.com/callgate/callgate/routing/policyadmin"
	"github.com/callgate/callgate/routing/registrations"
	"github.com/callgate/callgate/sip"
	"github.com/redis/go-redis/v9"
)

// loadAgents reads the agent directory: agents.file, or the demo agents in
// demo mode.
func loadAgents(cfg Config) ([]agents.Agent, error) {
	if cfg.Agents.File == "" {
		if !cfg.Demo {
			return nil, nil // no agents: routed calls wait, then overflow
		}
		dir, err := agents.LoadDemo()
		if err != nil {
			return nil, fmt.Errorf("agents: demo: %w", err)
		}
		return dir, nil
	}
	src, err := os.ReadFile(cfg.Agents.File)
	if err != nil {
		return nil, fmt.Errorf("agents.file: %w", err)
	}
	dir, err := agents.ParseDirectory(src)
	if err != nil {
		return nil, fmt.Errorf("agents.file: %s: %w", cfg.Agents.File, err)
	}
	return dir, nil
}

// loadPolicy reads and checks the disclosure policy's source: policy.file,
// or the demo policy in demo mode. An unknown field, level or role is a
// startup error. The source seeds the shared store (openPolicy).
func loadPolicy(cfg Config) (policySource, error) {
	if cfg.Policy.File == "" {
		return policySource{name: "the demo policy", src: policy.DemoSource()}, nil
	}
	src, err := os.ReadFile(cfg.Policy.File)
	if err != nil {
		return policySource{}, fmt.Errorf("policy.file: %w", err)
	}
	if _, err := policy.Parse(src); err != nil {
		var pe *policy.ParseError
		if errors.As(err, &pe) {
			return policySource{}, fmt.Errorf("policy.file: %s:%d:%d: %s", cfg.Policy.File, pe.Line, pe.Column, pe.Msg)
		}
		return policySource{}, fmt.Errorf("policy.file: %s: %w", cfg.Policy.File, err)
	}
	return policySource{name: filepath.Base(cfg.Policy.File), src: src}, nil
}

// policySource is the configured policy's source and where it came from.
type policySource struct {
	name string
	src  []byte
}

// openPolicy builds the policy's administration over the shared store and
// publishes the configured policy as version 1 when the store has none (a
// restart never overwrites what admins published), recording that in the
// ledger; it loads the live version so that screen pops can be decided.
func (a *App) openPolicy(ctx context.Context, rdb redis.UniversalClient, ps policySource) error {
	cat, err := policyadmin.New(policyadmin.Config{
		Store: flowstore.New(rdb, flowstore.WithNamespace("policies", "policy")),
		OnStoreError: func(op string, err error) {
			a.log.Warn("policy store unavailable; screen pops use the last policy loaded", "op", op, "error", err)
			if a.metrics != nil {
				a.metrics.StoreError("policy_" + op)
			}
		},
	})
	if err != nil {
		return err
	}
	a.policies = cat
	res, err := cat.Seed(ctx, ps.src, seedAuthor, "loaded from "+ps.name+" at startup", time.Now())
	if err != nil {
		return fmt.Errorf("policy: %w", err)
	}
	switch {
	case res.Created:
		a.log.Info("disclosure policy published from its file", "policy_version", 1, "file", ps.name)
		if err := policyLedger(a.ledger).Record(ctx, seedAuthor, flows.Change{Record: res.Record}); err != nil {
			return err
		}
	case res.Differs:
		a.log.Warn("policy file differs from the live version in the store; the store wins (publish it through the admin API to change it)",
			"policy_version", res.Live, "file", ps.name)
	}
	if _, _, err := cat.Live(ctx); err != nil {
		return fmt.Errorf("policy: the live version does not load: %w", err)
	}
	return nil
}

// agentHA1 gives each agent's phone its SIP digest secret: the
// directory's sip_ha1 (computed for realm sip.DefaultRealm), or in demo
// mode the demo password "<name>-demo-1". An agent with neither cannot
// REGISTER (a static contact still routes to it).
func agentHA1(cfg Config, dir []agents.Agent) registrations.HA1Func {
	byName := make(map[string]agents.Agent, len(dir))
	for _, a := range dir {
		byName[a.Username] = a
	}
	return func(username, realm string) (string, bool) {
		a, ok := byName[username]
		switch {
		case !ok:
			return "", false
		case a.SIPHA1 != "":
			return a.SIPHA1, realm == sip.DefaultRealm
		case cfg.Demo:
			return registrations.HA1(username, realm, username+"-demo-1"), true
		}
		return "", false
	}
}

// registrar adapts registrations.Store to sip.Registrar.
type registrar struct{ s *registrations.Store }

func (r registrar) HA1(_ context.Context, username, realm string) (string, bool, error) {
	h, ok := r.s.Credentials(username, realm)
	return h, ok, nil
}

func (r registrar) Bind(ctx context.Context, username string, b sip.Binding) error {
	return r.s.Bind(ctx, username, registrations.Binding{Contact: b.Contact, Source: b.Source, Transport: b.Transport, Expires: b.Expires})
}

func (r registrar) Lookup(ctx context.Context, username string) (sip.Binding, bool, error) {
	b, ok, err := r.s.Lookup(ctx, username)
	return sip.Binding{Contact: b.Contact, Source: b.Source, Transport: b.Transport, Expires: b.Expires}, ok, err
}

var _ sip.Registrar = registrar{}

// ivrDispatcher adapts dispatch.Dispatcher to ivr.Dispatcher, telling
// ops when a bridge ends (Connect returns once the bridged call is over).
type ivrDispatcher struct {
	d   *dispatch.Dispatcher
	ops *opsStats
}

func (x ivrDispatcher) Dispatch(ctx context.Context, c ivr.Call, req ivr.DispatchRequest) (string, error) {
	sc, ok := c.(*sip.Call)
	if !ok {
		return "", fmt.Errorf("dispatch: call %T is not a SIP call", c)
	}
	res, err := x.d.Connect(ctx, sipCaller{sc}, dispatch.Request{
		Queue: req.Queue, Requirement: agents.Requirement{Skills: req.Skills, Clinical: req.Clinical},
		MaxWait: req.MaxWait, Tags: req.Tags, RepScope: req.RepScope,
		Enqueued: req.Enqueued, OnPosition: req.OnPosition,
	})
	if res.Agent != "" && x.ops != nil {
		x.ops.bridgeEnded()
	}
	return res.Agent, err
}

// ivrCallbacks adapts the Redis callback list to ivr.Callbacks.
type ivrCallbacks struct{ s *dispatch.RedisCallbacks }

func (c ivrCallbacks) Request(ctx context.Context, r ivr.CallbackRequest) error {
	_, err := c.s.Request(ctx, dispatch.Callback{
		Queue: r.Queue, CallID: r.CallID, Subject: r.Subject, Purpose: r.Purpose,
		Level: r.Level, To: r.To, Number: r.Number, Enqueued: r.Enqueued,
	})
	return err
}

// sipCaller adapts *sip.Call to dispatch.Caller.
type sipCaller struct{ *sip.Call }

func (s sipCaller) Connect(ctx context.Context, target string, ring time.Duration) (dispatch.Leg, error) {
	leg, err := s.Call.Connect(ctx, target, ring)
	if err != nil {
		return nil, err
	}
	return leg, nil
}

// CallerHungUp implements dispatch.HangupReporter: the caller sent BYE,
// or their media stopped.
func (s sipCaller) CallerHungUp() bool {
	c := s.EndCause()
	return c == sip.CauseRemoteBye || c == sip.CauseRTPTimeout
}

var _ dispatch.HangupReporter = sipCaller{}

// memberRecords adapts members.Directory to dispatch.Members.
type memberRecords struct{ d members.Directory }

func (m memberRecords) Record(ctx context.Context, subject string) (map[string]string, error) {
	rec, err := m.d.Record(ctx, subject)
	if err != nil {
		return nil, err
	}
	return rec.Fields, nil
}

var (
	_ ivr.Dispatcher   = ivrDispatcher{}
	_ dispatch.Members = memberRecords{}
	_                  = netip.Addr{}
)

// ledger adapts *audit.Ledger to dispatch.Ledger. A pop with no member
// fields disclosed nothing: it is a screen_pop entry (who took the call,
// and why nothing was shown), not a disclosure.
type ledger struct{ l *audit.Ledger }

func (x ledger) Disclosed(ctx context.Context, d dispatch.Disclosure) error {
	detail := map[string]string{"reason": d.Reason}
	if d.PolicySHA != "" {
		detail["policy_sha256"] = d.PolicySHA // the exact text of that version
	}
	kind := audit.KindDisclosure
	if len(d.Fields) == 0 {
		kind = audit.KindScreenPop
	}
	_, err := x.l.Append(ctx, audit.Entry{
		Kind: kind, Actor: d.Agent, CallID: d.CallID, Subject: d.Subject,
		Purpose: d.Purpose, Fields: d.Fields, Policy: d.Policy, Detail: detail,
	})
	return err
}

var _ dispatch.Ledger = ledger{}
