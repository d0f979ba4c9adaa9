package sip

import (
	"context"
	"fmt"
	"time"

	"github.com/callgate/callgate/media"
)

// Transfer connects the call to a SIP URI as a B2BUA: callgate places a
// second call, bridges the two legs' media (anchored here, transcoding
// μ-law/A-law when the legs differ) and ends each leg when the other ends.
// It returns when the bridged call is over, or with an error when the
// target did not answer (the original call is then still up).
func (c *Call) Transfer(ctx context.Context, uri string) error {
	leg, err := c.srv.Dial(ctx, uri, DialOptions{FromUser: "callgate"})
	if err != nil {
		return fmt.Errorf("sip: transfer: %w", err)
	}
	c.log.Info("bridged", "leg_call_id", leg.CallID())
	media.Bridge(c.media, leg.media)
	defer media.Unbridge(c.media, leg.media)
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hangupTimeout)
	defer cancel()
	select {
	case <-leg.Done():
		return c.Hangup(hctx)
	case <-c.Done():
		return leg.Hangup(hctx)
	case <-ctx.Done():
		_ = leg.Hangup(hctx)
		return ctx.Err()
	}
}

// Connect rings target with a ring timeout (CANCEL when it expires) and,
// when it answers, bridges the two legs' media and returns the new leg.
// The caller's call stays up when the target does not answer.
func (c *Call) Connect(ctx context.Context, target string, ringTimeout time.Duration) (*Call, error) {
	leg, err := c.srv.Dial(ctx, target, DialOptions{FromUser: "callgate", RingTimeout: ringTimeout})
	if err != nil {
		return nil, fmt.Errorf("sip: connect: %w", err)
	}
	select {
	case <-c.Done(): // the caller left while the agent's phone rang
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), hangupTimeout)
		defer cancel()
		_ = leg.Hangup(hctx)
		return nil, ErrHungUp
	default:
	}
	c.bridged.Store(true)
	c.media.StopPlayback()
	media.Bridge(c.media, leg.media)
	c.log.Info("bridged", "leg_call_id", leg.CallID())
	return leg, nil
}

// Bridged reports whether Connect bridged the call to another leg.
func (c *Call) Bridged() bool { return c.bridged.Load() }
