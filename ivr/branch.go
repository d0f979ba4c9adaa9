package ivr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
)

// branch picks the next node from a tag, the call's language, or the hours.
func (s *session) branch(n *flows.Node) (string, error) {
	switch {
	case n.Hours != nil:
		loc, err := time.LoadLocation(orString(s.f.TimeZone, "UTC"))
		if err != nil {
			return "", fmt.Errorf("ivr: time zone: %w", err)
		}
		open, err := n.Hours.OpenAt(s.r.now(), loc)
		if err != nil {
			return "", err
		}
		if open {
			return n.Open, nil
		}
		return n.Closed, nil
	case n.Language:
		if t, ok := n.Cases[s.lang]; ok {
			return t, nil
		}
		return n.Default, nil
	default:
		if t, ok := n.Cases[s.tags[n.Tag]]; ok {
			return t, nil
		}
		return n.Default, nil
	}
}

// route puts the call in a queue. Until agents and queues exist (issue
// 4) the call waits on hold music, tagged queued, until it hangs up or
// max_wait passes (then on_failure, or the end of the flow).
func (s *session) route(ctx context.Context, n *flows.Node) (string, error) {
	s.setTags(ctx, map[string]string{TagQueue: n.Queue, TagState: "queued"})
	s.flush(ctx)
	s.log.Info("queued", "queue", n.Queue)
	if err := s.play(ctx, n.Prompts, false); err != nil {
		return "", err
	}
	if s.r.Dispatch != nil {
		return s.dispatch(ctx, n)
	}
	hold, err := s.prompt(orString(s.r.HoldPrompt, "hold_music"))
	if err != nil {
		hold = prompt.Silence(10 * time.Second)
	}
	var deadline <-chan time.Time
	if n.MaxWait > 0 {
		t := time.NewTimer(n.MaxWait.D())
		defer t.Stop()
		deadline = t.C
	}
	for {
		done := make(chan error, 1)
		pctx, cancel := context.WithCancel(ctx)
		go func() { done <- s.c.Play(pctx, hold, media.PlayOptions{}) }()
		select {
		case err := <-done:
			cancel()
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
			if err != nil {
				return "", err
			}
		case <-deadline:
			cancel()
			<-done
			s.log.Info("queue wait exceeded", "queue", n.Queue)
			return s.failure(n)
		}
	}
}

// DefaultAnnounceEvery is how often a waiting caller hears their place
// in the queue when the route node does not say.
const DefaultAnnounceEvery = 30 * time.Second

// dispatch plays hold music, and the caller's place in the queue when it
// is first known and then every announce_every, while the dispatcher
// looks for an agent; it returns when the bridged call is over.
func (s *session) dispatch(ctx context.Context, n *flows.Node) (string, error) {
	var scope []string
	if s.rep != nil {
		scope = s.rep.Scope
	}
	hold, err := s.prompt(orString(s.r.HoldPrompt, "hold_music"))
	if err != nil {
		hold = prompt.Silence(10 * time.Second)
	}
	every := n.AnnounceEvery.D()
	if every <= 0 {
		every = DefaultAnnounceEvery
	}
	if s.enqueued == nil {
		s.enqueued = map[string]time.Time{}
	}
	enqueued, ok := s.enqueued[n.Queue]
	if !ok {
		enqueued = s.r.now()
		s.enqueued[n.Queue] = enqueued
	}
	var place atomic.Int64
	hctx, stopHold := context.WithCancel(ctx)
	bridged, _ := s.c.(interface{ Bridged() bool })
	holding := func() bool { return hctx.Err() == nil && (bridged == nil || !bridged.Bridged()) }
	go func() {
		var said time.Time
		for holding() {
			if p := int(place.Load()); p > 0 && (said.IsZero() || time.Since(said) >= every) {
				if pr, err := s.prompt(positionPrompt(p)); err == nil {
					said = time.Now()
					if err := s.c.Play(hctx, pr, media.PlayOptions{}); err != nil {
						return
					}
					continue
				}
			}
			if err := s.c.Play(hctx, hold, media.PlayOptions{}); err != nil {
				return // stopped: the call was bridged, or ended
			}
		}
	}()
	agent, err := s.r.Dispatch.Dispatch(ctx, s.c, DispatchRequest{
		Queue: n.Queue, Skills: n.Skills, Clinical: n.Clinical, MaxWait: n.MaxWait.D(),
		Tags: copyMap(s.tags), RepScope: scope, Enqueued: enqueued,
		OnPosition: func(p int) { place.Store(int64(p)) },
	})
	stopHold()
	if agent != "" {
		s.setTags(ctx, map[string]string{TagAgent: agent}) // written with the final state
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	if err != nil {
		s.log.Info("no agent", "queue", n.Queue, "error", err)
		return s.failure(n)
	}
	return "", errEndOfFlow
}

// positionPrompt names the prompt that tells a caller their place.
func positionPrompt(place int) string {
	switch {
	case place == 1:
		return "queue_position"
	case place <= 9:
		return "queue_position_" + strconv.Itoa(place)
	default:
		return "queue_position_many"
	}
}

// callback records a callback request for the node's queue, confirms it
// and ends the call. An identified caller is called back on the number on
// file (never the number they call from); an unidentified one on the
// number they call from. When the request cannot be recorded the caller
// is told to call again later.
func (s *session) callback(ctx context.Context, n *flows.Node) (string, error) {
	req := CallbackRequest{
		Queue: n.Queue, CallID: s.c.CallID(), Subject: s.subject, Purpose: s.tags[TagPurpose],
		Level: s.tags[TagVerificationLevel], To: "on_file", Enqueued: s.enqueued[n.Queue],
	}
	confirm := "callback_confirm"
	if s.subject == "" {
		req.To, req.Number, confirm = "caller", s.caller, "callback_confirm_caller"
	}
	if s.r.Callbacks == nil || req.To == "caller" && req.Number == "" {
		s.log.Warn("callback not possible", "queue", n.Queue, "to", req.To)
		_ = s.play(ctx, []string{"all_busy"}, false)
		return "", errEndOfFlow
	}
	if err := s.r.Callbacks.Request(ctx, req); err != nil {
		s.log.Warn("callback request not recorded", "queue", n.Queue, "error", err)
		_ = s.play(ctx, []string{"all_busy"}, false)
		return "", errEndOfFlow
	}
	s.setTags(ctx, map[string]string{TagQueue: n.Queue, TagState: "callback_requested"})
	s.flush(ctx)
	s.log.Info("callback requested", "queue", n.Queue, "to", req.To)
	prompts := n.Prompts
	if len(prompts) == 0 {
		prompts = []string{confirm}
	}
	_ = s.play(ctx, prompts, false)
	return "", errEndOfFlow
}

// Transferer is implemented by calls that can be handed to a SIP URI.
type Transferer interface {
	Transfer(ctx context.Context, uri string) error
}

func (s *session) transfer(ctx context.Context, n *flows.Node) (string, error) {
	t, ok := s.c.(Transferer)
	if !ok {
		return "", fmt.Errorf("ivr: transfer to %s: this call cannot be transferred", n.To)
	}
	s.setTags(ctx, map[string]string{TagState: "transferred"})
	s.flush(ctx)
	if err := t.Transfer(ctx, n.To); err != nil {
		s.log.Warn("transfer failed", "error", err)
		return s.failure(n)
	}
	return "", errEndOfFlow
}

// promptHash identifies the audio version of a prompt (consent evidence).
func promptHash(p *prompt.Prompt) string {
	if h, ok := hashes.Load(p); ok {
		return h.(string)
	}
	sum := sha256.New()
	_, _ = sum.Write(p.Ulaw)
	h := hex.EncodeToString(sum.Sum(nil))
	hashes.Store(p, h)
	return h
}

var hashes sync.Map //nolint:gochecknoglobals // cache keyed by immutable prompts
