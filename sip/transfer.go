package sip

import (
	"context"
	"fmt"

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
