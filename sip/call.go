package sip

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// hangupTimeout bounds a BYE transaction started by the server itself.
const hangupTimeout = 5 * time.Second

// Call is one SIP dialog with its RTP session, inbound (answered by the
// Server) or outbound (placed by Dial).
type Call struct {
	srv     *Server
	callID  string
	id      string // dialog ID
	inbound bool
	log     *slog.Logger
	media   *media.Session

	uas *sipgo.DialogServerSession
	uac *sipgo.DialogClientSession

	sessID     uint64
	sdpVersion atomic.Uint64
	direction  atomic.Value // Direction, ours

	started  time.Time
	answered atomic.Int64 // unix ns
	ended    chan struct{}
	endOnce  sync.Once
	cause    atomic.Uint32
	cancel   context.CancelFunc // cancels the handler's context
	reinvite sync.Mutex         // serialises re-INVITE handling
	admitted bool
	ackSDP   chan []byte // delayed offer: the answer carried by the ACK

	calledUser, callerUser string
	bridged                atomic.Bool

	trunk   string    // the trunk an inbound call came through ("" if none)
	invited time.Time // when the INVITE arrived (inbound)
}

// CallID is the SIP Call-ID, verbatim.
func (c *Call) CallID() string { return c.callID }

// Inbound reports whether the peer called us.
func (c *Call) Inbound() bool { return c.inbound }

// Trunk is the name of the trunk an inbound call came through; empty for
// outbound calls, agents' own calls and servers without WithTrunks.
func (c *Call) Trunk() string { return c.trunk }

// SetupTime is, for an answered inbound call, the time from the INVITE's
// arrival to the 200 OK (including any answer delay); 0 otherwise.
func (c *Call) SetupTime() time.Duration {
	a := c.AnsweredAt()
	if !c.inbound || a.IsZero() || c.invited.IsZero() {
		return 0
	}
	return a.Sub(c.invited)
}

// Media is the call's RTP session.
func (c *Call) Media() *media.Session { return c.media }

// Logger carries call_id.
func (c *Call) Logger() *slog.Logger { return c.log }

// Done is closed when the call has ended.
func (c *Call) Done() <-chan struct{} { return c.ended }

// EndCause is why the call ended (CauseUnknown while up).
func (c *Call) EndCause() EndCause { return EndCause(c.cause.Load()) }

// AnsweredAt is when the call was answered (zero before).
func (c *Call) AnsweredAt() time.Time {
	if ns := c.answered.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// Direction is our current media direction (hold changes it).
func (c *Call) Direction() Direction {
	if d, ok := c.direction.Load().(Direction); ok {
		return d
	}
	return SendRecv
}

// Hangup sends BYE (or CANCEL for an unanswered outbound call) and ends
// the call. It is safe to call more than once and after the peer hung up.
func (c *Call) Hangup(ctx context.Context) error {
	return c.hangup(ctx, CauseLocalHangup)
}

func (c *Call) hangup(ctx context.Context, cause EndCause) error {
	select {
	case <-c.ended:
		return nil
	default:
	}
	var err error
	switch {
	case c.uas != nil:
		err = c.uas.Bye(ctx)
	case c.uac != nil:
		err = c.uac.Bye(ctx)
	}
	c.end(cause)
	if err != nil {
		return fmt.Errorf("sip: BYE: %w", err)
	}
	return nil
}

// end releases everything the call holds, once.
func (c *Call) end(cause EndCause) {
	c.endOnce.Do(func() {
		c.cause.Store(uint32(cause))
		if c.cancel != nil {
			c.cancel()
		}
		if c.media != nil {
			_ = c.media.Close()
		}
		if c.uas != nil {
			_ = c.uas.Close()
		}
		if c.uac != nil {
			_ = c.uac.Close()
		}
		close(c.ended)
		c.srv.forget(c)
		st := media.Stats{}
		if c.media != nil {
			st = c.media.Stats()
		}
		dur := time.Duration(0)
		if a := c.AnsweredAt(); !a.IsZero() {
			dur = time.Since(a)
		}
		c.log.Info("call ended", "cause", cause.String(), "duration", dur.Round(time.Millisecond),
			"rtp_rx", st.RxPackets, "rtp_tx", st.TxPackets, "rtp_lost", st.RxLost, "jitter", st.RxJitter)
		if c.srv.obs != nil {
			c.srv.obs.CallEnded(c, cause)
		}
	})
}

// expired reports whether the watchdog should hang the call up.
func (c *Call) expired(now time.Time, rtpTimeout, maxDur time.Duration) (EndCause, bool) {
	a := c.AnsweredAt()
	if a.IsZero() || c.media == nil {
		return 0, false
	}
	if maxDur > 0 && now.Sub(a) > maxDur {
		return CauseMaxDuration, true
	}
	// The peer sends unless our direction says we only send or are inactive.
	peerSends := c.Direction() == SendRecv || c.Direction() == RecvOnly
	if rtpTimeout > 0 && peerSends && now.Sub(c.media.LastReceived()) > rtpTimeout {
		return CauseRTPTimeout, true
	}
	return 0, false
}

// track registers c so in-dialog requests find it.
func (s *Server) track(c *Call) {
	s.mu.Lock()
	s.calls[c.id] = c
	s.mu.Unlock()
}

func (s *Server) forget(c *Call) {
	s.mu.Lock()
	if s.calls[c.id] == c {
		delete(s.calls, c.id)
	}
	if c.admitted {
		s.admitted--
		s.releaseTrunkLocked(c.trunk)
	}
	s.mu.Unlock()
}

// lookup finds the call an in-dialog request belongs to.
func (s *Server) lookup(req *sip.Request) *Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id, err := sip.DialogIDFromRequestUAS(req); err == nil {
		if c := s.calls[id]; c != nil {
			return c
		}
	}
	if id, err := sip.DialogIDFromRequestUAC(req); err == nil {
		if c := s.calls[id]; c != nil {
			return c
		}
	}
	return nil
}

// admit reserves a call slot on the server and on the call's trunk.
func (s *Server) admit(a admission) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed || s.draining.Load():
		return ErrDraining
	case s.admitted >= s.cfg.MaxCalls:
		return fmt.Errorf("%w: %d calls", ErrOverCapacity, s.admitted)
	case a.trunk != nil && a.trunk.MaxCalls > 0 && s.trunkCalls[a.trunk.Name] >= a.trunk.MaxCalls:
		return fmt.Errorf("%w: %s has %d calls", ErrTrunkBusy, a.trunk.Name, s.trunkCalls[a.trunk.Name])
	}
	s.admitted++
	if a.trunk != nil {
		s.trunkCalls[a.trunk.Name]++
	}
	return nil
}

// release gives back a slot admit reserved, before a Call holds it.
func (s *Server) release(a admission) {
	s.mu.Lock()
	s.admitted--
	s.releaseTrunkLocked(a.trunkName())
	s.mu.Unlock()
}

func (s *Server) releaseTrunkLocked(name string) {
	if name == "" {
		return
	}
	if s.trunkCalls[name]--; s.trunkCalls[name] <= 0 {
		delete(s.trunkCalls, name)
	}
}

// Play sends a prompt on the call's media (see media.Session.Play).
func (c *Call) Play(ctx context.Context, p *prompt.Prompt, opts media.PlayOptions) error {
	return c.media.Play(ctx, p, opts)
}

// Digits is the call's single digit stream (RFC 4733, INFO, in-band).
func (c *Call) Digits() *media.DigitQueue { return c.media.Digits() }

// Reoffer sends a re-INVITE on an outbound call with our media direction
// dir (SendOnly puts the peer on hold, SendRecv resumes) and applies the
// answer.
func (c *Call) Reoffer(ctx context.Context, dir Direction) error {
	if c.uac == nil {
		return fmt.Errorf("sip: re-offer: %w: only outbound calls re-offer", ErrCallFailed)
	}
	c.reinvite.Lock()
	defer c.reinvite.Unlock()
	dtmfPT := c.media.DTMFPayloadType()
	offer, err := offerWithDirection(c.media.LocalAddr(), c.media.Codec(), dtmfPT, c.sessID, c.sdpVersion.Add(1), dir)
	if err != nil {
		return err
	}
	req := sip.NewRequest(sip.INVITE, c.remoteTarget())
	req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(offer)
	res, err := c.uac.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("sip: re-INVITE: %w", err)
	}
	if !res.IsSuccess() {
		return &StatusError{Code: res.StatusCode, Reason: res.Reason, Err: fmt.Errorf("%w: re-INVITE answered %d", ErrCallFailed, res.StatusCode)}
	}
	ack := sip.NewRequest(sip.ACK, c.remoteTarget())
	if err := c.uac.WriteAck(ctx, ack); err != nil {
		return fmt.Errorf("sip: re-INVITE ACK: %w", err)
	}
	neg, err := NegotiateAnswer(res.Body())
	if err != nil {
		return err
	}
	c.media.SetRemote(neg.Remote, neg.RemoteRTCP)
	c.media.SetSending(dir.Sends() && neg.Direction.Sends())
	c.direction.Store(neg.Direction)
	return nil
}

// CalledUser is the user part of the Request-URI we were called on
// ("ivr" in sip:ivr@host), which selects the flow; empty for outbound calls.
func (c *Call) CalledUser() string { return c.calledUser }

// CallerUser is the user part of the caller's From URI (a phone number on
// trunk calls). It is PHI-adjacent: use it only hashed (fraud signals),
// never in logs or tags.
func (c *Call) CallerUser() string { return c.callerUser }
