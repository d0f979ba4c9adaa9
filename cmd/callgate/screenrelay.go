package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/web"
)

// screensChannel is the Redis pub/sub channel that carries screen pops
// between nodes: the node that bridged a call may not be the node the
// agent's browser is signed in to. Messages are not stored.
const screensChannel = "callgate:screens"

// screenMsg is one pop or clear on screensChannel. Pop carries the
// permitted member fields (the same ones the agent's screen shows); it
// is never logged.
type screenMsg struct {
	Node   string      `json:"node"` // the sender, which applied it already
	Op     string      `json:"op"`   // pop or clear
	User   string      `json:"user"`
	CallID string      `json:"call_id"`
	Pop    *relayedPop `json:"pop,omitempty"`
}

// relayedPop is web.ScreenPop with the fields its JSON form leaves out.
type relayedPop struct {
	web.ScreenPop
	Subject string `json:"subject"`
	Policy  string `json:"policy"`
}

// screenRelay delivers screen pops to this node's hub and publishes them
// for the other nodes' hubs; Run applies what the others publish.
type screenRelay struct {
	hub  *web.Hub
	rdb  redis.UniversalClient
	node string
	log  *slog.Logger
}

func newScreenRelay(hub *web.Hub, rdb redis.UniversalClient, log *slog.Logger) *screenRelay {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	return &screenRelay{hub: hub, rdb: rdb, node: hex.EncodeToString(id), log: log}
}

// Pop implements dispatch.Screens.
func (r *screenRelay) Pop(username string, p dispatch.Pop) {
	sp := web.ScreenPop{
		CallID: p.CallID, VerificationLevel: p.VerificationLevel, CallerRole: p.CallerRole,
		Purpose: p.Purpose, RecordingConsent: p.RecordingConsent,
		Restrictions: nonNil(p.Restrictions), Flags: nonNil(p.Flags),
		Banner: p.Banner, Notices: p.Notices, Context: p.Context,
		Sensitive: nonNil(p.Sensitive), Subject: p.Subject, Policy: p.Policy,
	}
	r.hub.Push(username, sp)
	r.publish(screenMsg{Op: "pop", User: username, CallID: p.CallID, Pop: &relayedPop{ScreenPop: sp, Subject: sp.Subject, Policy: sp.Policy}})
}

// Clear implements dispatch.Screens.
func (r *screenRelay) Clear(username, callID string) {
	r.hub.Clear(username, callID)
	r.publish(screenMsg{Op: "clear", User: username, CallID: callID})
}

func (r *screenRelay) publish(m screenMsg) {
	m.Node = r.node
	b, err := json.Marshal(m)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := r.rdb.Publish(ctx, screensChannel, b).Err(); err != nil {
		r.log.Warn("screen pop not relayed to other nodes", "op", m.Op, "username", m.User, "call_id", m.CallID, "error", err)
	}
}

// Run applies the pops other nodes publish until ctx ends.
func (r *screenRelay) Run(ctx context.Context) {
	sub := r.rdb.Subscribe(ctx, screensChannel)
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			r.apply(msg.Payload)
		}
	}
}

// apply handles one message from another node.
func (r *screenRelay) apply(payload string) {
	var m screenMsg
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		r.log.Warn("bad screen relay message", "error", "not JSON") // never echo the payload: it may hold PHI
		return
	}
	if m.Node == r.node || m.User == "" {
		return
	}
	switch {
	case m.Op == "pop" && m.Pop != nil:
		p := m.Pop.ScreenPop
		p.Subject, p.Policy = m.Pop.Subject, m.Pop.Policy
		r.hub.Push(m.User, p)
	case m.Op == "clear":
		r.hub.Clear(m.User, m.CallID)
	}
}

var _ dispatch.Screens = (*screenRelay)(nil)
