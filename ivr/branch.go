package ivr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
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

// dispatch plays hold music while the dispatcher looks for an agent, and
// returns when the bridged call is over.
func (s *session) dispatch(ctx context.Context, n *flows.Node) (string, error) {
	var scope []string
	if s.rep != nil {
		scope = s.rep.Scope
	}
	hold, err := s.prompt(orString(s.r.HoldPrompt, "hold_music"))
	if err != nil {
		hold = prompt.Silence(10 * time.Second)
	}
	hctx, stopHold := context.WithCancel(ctx)
	bridged, _ := s.c.(interface{ Bridged() bool })
	go func() {
		for hctx.Err() == nil && (bridged == nil || !bridged.Bridged()) {
			if err := s.c.Play(hctx, hold, media.PlayOptions{}); err != nil {
				return // stopped: the call was bridged, or ended
			}
		}
	}()
	agent, err := s.r.Dispatch.Dispatch(ctx, s.c, DispatchRequest{
		Queue: n.Queue, Skills: n.Skills, Clinical: n.Clinical, MaxWait: n.MaxWait.D(),
		Tags: copyMap(s.tags), RepScope: scope,
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
