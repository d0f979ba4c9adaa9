package ivr

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
)

// Greeter is the call-core application used until flows run calls: it
// plays the welcome prompt (barge-in allowed), then takes digits until the
// caller hangs up; '#' ends an entry and is acknowledged with a prompt, and a
// silent caller is thanked and hung up on after IdleTimeout.
type Greeter struct {
	// Prompts must hold "welcome", "consent_thanks" and "goodbye".
	Prompts *prompt.Set
	// IdleTimeout ends a call with no digit for this long (default 30 s).
	IdleTimeout time.Duration
	// LogDigits logs each digit at debug level. It exists for the call-core
	// acceptance test call only; digits collected by flows are secure input
	// and never logged.
	LogDigits bool
	// OnDigit, when set, is told of each digit (tests, metrics).
	OnDigit func(callID string, d dtmf.Digit)
}

// Required prompts.
const (
	PromptWelcome = "welcome"
	PromptAck     = "consent_thanks"
	PromptGoodbye = "goodbye"
)

// Validate checks that the prompts the greeter plays exist.
func (g *Greeter) Validate() error {
	for _, n := range []string{PromptWelcome, PromptAck, PromptGoodbye} {
		if _, ok := g.Prompts.Get(n); !ok {
			return fmt.Errorf("%w: %q", ErrMissingPrompt, n)
		}
	}
	return nil
}

// Run handles one call until it ends.
func (g *Greeter) Run(ctx context.Context, c Call) error {
	idle := g.IdleTimeout
	if idle <= 0 {
		idle = 30 * time.Second
	}
	welcome, _ := g.Prompts.Get(PromptWelcome)
	ack, _ := g.Prompts.Get(PromptAck)
	bye, _ := g.Prompts.Get(PromptGoodbye)
	log := c.Logger()

	if err := c.Play(ctx, welcome, media.PlayOptions{BargeIn: true}); err != nil && !errors.Is(err, media.ErrPromptStopped) {
		return err
	}
	for {
		dctx, cancel := context.WithTimeout(ctx, idle)
		d, err := c.Digits().Next(dctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return nil // caller hung up
		case err != nil:
			_ = c.Play(ctx, bye, media.PlayOptions{})
			return c.Hangup(ctx)
		}
		if g.LogDigits {
			log.Debug("digit received", "digit", string(d.Key), "source", d.Source.String())
		}
		if g.OnDigit != nil {
			g.OnDigit(c.CallID(), d)
		}
		if d.Key == '#' {
			if err := c.Play(ctx, ack, media.PlayOptions{BargeIn: true}); err != nil && !errors.Is(err, media.ErrPromptStopped) {
				return nil
			}
		}
	}
}
