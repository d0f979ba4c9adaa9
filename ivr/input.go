package ivr

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media/dtmf"
)

// errNoInput is a timeout before the first key.
var errNoInput = errors.New("ivr: no input")

// nextKey waits up to d for a key (type-ahead included).
func (s *session) nextKey(ctx context.Context, d time.Duration) (dtmf.Digit, error) {
	kctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	dg, err := s.c.Digits().Next(kctx)
	if err != nil {
		if ctx.Err() != nil {
			return dg, ctx.Err()
		}
		return dg, errNoInput
	}
	return dg, nil
}

func orDuration(d flows.Duration, def time.Duration) time.Duration {
	if d > 0 {
		return d.D()
	}
	return def
}

func orInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

func orString(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// menu plays the prompts (barge-in) and takes one key.
func (s *session) menu(ctx context.Context, name string, n *flows.Node) (string, error) {
	retries := orInt(n.Retries, DefaultRetries)
	timeout := orDuration(n.Timeout, DefaultTimeout)
	for attempt := 1; attempt <= retries; attempt++ {
		if err := s.play(ctx, n.Prompts, true); err != nil {
			return "", err
		}
		dg, err := s.nextKey(ctx, timeout)
		switch {
		case ctx.Err() != nil:
			return "", ctx.Err()
		case errors.Is(err, errNoInput):
			s.log.Info("menu: no input", "node", name, "attempt", attempt)
			if attempt < retries {
				_ = s.play(ctx, []string{orString(n.NoInputPrompt, DefaultNoInputPrompt)}, true)
			}
			continue
		case err != nil:
			return "", err
		}
		if ch, ok := n.Choices[string(dg.Key)]; ok {
			if len(ch.Set) > 0 {
				if err := s.apply(ctx, ch.Set); err != nil {
					return "", err
				}
			}
			return ch.Next, nil
		}
		// Menu keys are not secure input: naming the node, not the key, is enough.
		s.log.Info("menu: no match", "node", name, "attempt", attempt)
		if attempt < retries {
			_ = s.play(ctx, []string{orString(n.NoMatchPrompt, DefaultNoMatchPrompt)}, true)
		}
	}
	return s.failure(n)
}

func (s *session) failure(n *flows.Node) (string, error) {
	if n.OnFailure == "" {
		return "", errEndOfFlow
	}
	return n.OnFailure, nil
}

// collect takes a multi-digit entry into a slot.
func (s *session) collect(ctx context.Context, name string, n *flows.Node) (string, error) {
	retries := orInt(n.Retries, DefaultRetries)
	for attempt := 1; attempt <= retries; attempt++ {
		if err := s.play(ctx, n.Prompts, true); err != nil {
			return "", err
		}
		got, err := s.readEntry(ctx, n)
		switch {
		case ctx.Err() != nil:
			wipe(got)
			return "", ctx.Err()
		case errors.Is(err, errNoInput):
			s.log.Info("collect: no input", "node", name, "attempt", attempt)
			if attempt < retries {
				_ = s.play(ctx, []string{orString(n.NoInputPrompt, DefaultNoInputPrompt)}, true)
			}
			continue
		case err != nil:
			// Only lengths are logged: the entry may be secure input.
			s.log.Info("collect: invalid entry", "node", name, "attempt", attempt, "length", len(got))
			wipe(got)
			s.c.Digits().Clear()
			if attempt < retries {
				_ = s.play(ctx, []string{orString(n.NoMatchPrompt, DefaultNoMatchPrompt)}, true)
			}
			continue
		}
		if old := s.slots[n.Into]; old != nil {
			wipe(old)
		}
		s.slots[n.Into] = got
		return n.Next, nil
	}
	return s.failure(n)
}

var errBadEntry = errors.New("ivr: entry length out of range")

// readEntry reads keys until the terminator, an inter-digit timeout, or
// max digits when there is no terminator. Too many or too few digits is
// errBadEntry; no key at all is errNoInput.
func (s *session) readEntry(ctx context.Context, n *flows.Node) ([]byte, error) {
	first := orDuration(n.Timeout, DefaultTimeout)
	inter := orDuration(n.InterDigitTimeout, DefaultInterDigitTimeout)
	maxD := n.MaxDigits
	buf := make([]byte, 0, maxD+1)
	for {
		wait := inter
		if len(buf) == 0 {
			wait = first
		}
		dg, err := s.nextKey(ctx, wait)
		if err != nil {
			if ctx.Err() != nil {
				return buf, ctx.Err()
			}
			if len(buf) == 0 {
				return nil, errNoInput
			}
			break // inter-digit timeout ends the entry
		}
		if n.Terminator != "" && strings.IndexByte(n.Terminator, dg.Key) == 0 {
			break
		}
		if len(buf) > maxD {
			continue // keep draining until the terminator; already too long
		}
		buf = append(buf, dg.Key)
		if n.Terminator == "" && len(buf) == maxD {
			break
		}
	}
	if len(buf) < n.MinDigits || len(buf) > maxD {
		return buf, errBadEntry
	}
	return buf, nil
}

// consent plays the notice and takes grant/decline; silence is unanswered
// (treated as declined by recording).
func (s *session) consent(ctx context.Context, n *flows.Node) (string, error) {
	grant, decline := orString(n.Grant, "1"), orString(n.Decline, "2")
	played := s.r.now()
	hashes := make([]string, 0, len(n.Prompts))
	for _, name := range n.Prompts {
		if p, err := s.prompt(name); err == nil {
			hashes = append(hashes, promptHash(p))
		}
	}
	result := "unanswered"
	if err := s.play(ctx, n.Prompts, true); err != nil {
		return "", err
	}
	for range 2 { // one more chance after a wrong key
		dg, err := s.nextKey(ctx, orDuration(n.Timeout, DefaultTimeout))
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		if err != nil {
			break
		}
		k := string(dg.Key)
		if k == grant {
			result = "granted"
			break
		}
		if k == decline {
			result = "declined"
			break
		}
		_ = s.play(ctx, []string{DefaultNoMatchPrompt}, true)
		_ = s.play(ctx, n.Prompts[len(n.Prompts)-1:], true)
	}
	s.setTags(ctx, map[string]string{TagRecordingConsent: result})
	if s.r.Evidence != nil {
		ev := ConsentEvidence{Prompts: n.Prompts, Hashes: hashes, Played: played, Result: result, At: s.r.now()}
		if err := s.r.Evidence.Consent(ctx, s.c.CallID(), ev); err != nil {
			s.storeErr("evidence", err)
		}
	}
	s.log.Info("recording consent", "result", result)
	return n.Next, nil
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}
