package sip

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// DefaultRingTimeout bounds how long Dial waits for an answer before it
// sends CANCEL (sipgo alone would wait for Timer B, 32 s).
const DefaultRingTimeout = 30 * time.Second

// DialOptions tunes an outbound call.
type DialOptions struct {
	// FromUser is the user part of From (default "callgate").
	FromUser string
	// Codecs offered, in order of preference (default PCMU, PCMA).
	Codecs []media.Codec
	// DTMFPayloadType offered for telephone-event (default 101; 0 keeps the
	// default, use NoDTMF to offer none).
	DTMFPayloadType uint8
	NoDTMF          bool
	// InbandDTMF runs the Goertzel detector on received audio.
	InbandDTMF bool
	// OnAudio receives decoded frames (recording, meters).
	OnAudio func(pcm []int16, at time.Time)
	// RingTimeout cancels the call if unanswered (default DefaultRingTimeout).
	RingTimeout time.Duration
	// Headers are added to the INVITE.
	Headers []sip.Header
	// OnProvisional is told of each 1xx.
	OnProvisional func(code int)
	// DelayedOffer sends the INVITE without SDP: the callee offers in its
	// 200 OK and we answer in the ACK (RFC 3261 §13.2.1).
	DelayedOffer bool
	// AuthUsername and AuthPassword answer a 401 or 407 digest challenge
	// (RFC 3261 §22.2, §22.3); without them a challenge fails the call.
	AuthUsername, AuthPassword string
}

// Dial places a call to target (a SIP URI such as sip:ivr@127.0.0.1:5060 or
// sip:ivr@127.0.0.1:5060;transport=tcp) and returns it answered and ACKed.
// A failure response wraps ErrCallFailed in a *StatusError.
func (s *Server) Dial(ctx context.Context, target string, opts DialOptions) (*Call, error) {
	var uri sip.Uri
	if err := sip.ParseUri(target, &uri); err != nil {
		return nil, fmt.Errorf("sip: dial %q: %w", target, err)
	}
	if len(opts.Codecs) == 0 {
		opts.Codecs = []media.Codec{media.PCMU, media.PCMA}
	}
	dtmfPT := opts.DTMFPayloadType
	if dtmfPT == 0 {
		dtmfPT = 101
	}
	if opts.NoDTMF {
		dtmfPT = 0
	}
	if opts.RingTimeout == 0 {
		opts.RingTimeout = DefaultRingTimeout
	}
	if opts.FromUser == "" {
		opts.FromUser = "callgate"
	}
	transport := "udp"
	if uri.UriParams != nil {
		if t, ok := uri.UriParams.Get("transport"); ok && (t == "tcp" || t == "TCP") {
			transport = "tcp"
		}
	}
	sess, err := s.eng.NewSession(media.Config{Codec: opts.Codecs[0], DTMFPayloadType: dtmfPT, InbandDTMF: opts.InbandDTMF, OnAudio: opts.OnAudio, Logger: s.log})
	if err != nil {
		return nil, err
	}
	sessID := s.nextSessionID()
	offer, err := Offer(sess.LocalAddr(), opts.Codecs, dtmfPT, sessID, 1)
	if err != nil {
		_ = sess.Close()
		return nil, fmt.Errorf("sip: render offer: %w", err)
	}
	contact := s.contact(transport)
	req := sip.NewRequest(sip.INVITE, uri)
	req.SetTransport(transport)
	req.Laddr = s.localAddr(transport)
	from := sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: opts.FromUser, Host: contact.Address.Host, Port: contact.Address.Port}, Params: sip.NewParams()}
	from.Params.Add("tag", sip.GenerateTagN(16))
	req.AppendHeader(&from)
	req.AppendHeader(sip.NewHeader("Allow", allowed))
	for _, h := range opts.Headers {
		req.AppendHeader(h)
	}
	if !opts.DelayedOffer {
		req.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		req.SetBody(offer)
	}
	dua := &sipgo.DialogUA{Client: s.client, ContactHDR: contact}

	ringCtx, cancelRing := context.WithTimeout(ctx, opts.RingTimeout)
	defer cancelRing()
	ds, err := dua.WriteInvite(ringCtx, req)
	if err != nil {
		_ = sess.Close()
		return nil, fmt.Errorf("sip: INVITE %s: %w", target, err)
	}
	err = ds.WaitAnswer(ringCtx, sipgo.AnswerOptions{Username: opts.AuthUsername, Password: opts.AuthPassword, OnResponse: func(res *sip.Response) error {
		if res.IsProvisional() && opts.OnProvisional != nil {
			opts.OnProvisional(res.StatusCode)
		}
		return nil
	}})
	if err != nil {
		_ = sess.Close()
		_ = ds.Close()
		var dr *sipgo.ErrDialogResponse
		if errors.As(err, &dr) {
			return nil, &StatusError{Code: dr.Res.StatusCode, Reason: dr.Res.Reason, Err: fmt.Errorf("%w: %d %s", ErrCallFailed, dr.Res.StatusCode, dr.Res.Reason)}
		}
		return nil, fmt.Errorf("sip: INVITE %s: %w", target, err)
	}
	callID := ""
	if h := ds.InviteRequest.CallID(); h != nil {
		callID = h.Value()
	}
	log := s.log.With("call_id", callID)
	c := &Call{
		srv: s, callID: callID, id: ds.ID, log: log, media: sess, uac: ds,
		sessID: sessID, started: time.Now(), ended: make(chan struct{}),
	}
	c.sdpVersion.Store(1)
	s.track(c)
	var (
		neg  Negotiated
		nerr error
	)
	if opts.DelayedOffer {
		neg, nerr = c.ackWithAnswer(ctx, ds)
	} else {
		neg, nerr = NegotiateAnswer(ds.InviteResponse.Body())
		if err := ds.Ack(ctx); err != nil {
			c.end(CauseNoAck)
			return nil, fmt.Errorf("sip: ACK: %w", err)
		}
	}
	if nerr != nil {
		_ = c.hangup(ctx, CauseMediaError)
		return nil, nerr
	}
	if err := sess.Configure(neg.Codec, neg.DTMFPayloadType); err != nil {
		_ = c.hangup(ctx, CauseMediaError)
		return nil, err
	}
	sess.SetRemote(neg.Remote, neg.RemoteRTCP)
	c.direction.Store(neg.Direction)
	c.answered.Store(time.Now().UnixNano())
	sess.Start()
	log.Info("outbound call answered", "codec", neg.Codec.String(), "dtmf_pt", neg.DTMFPayloadType)
	return c, nil
}

// ackWithAnswer answers the offer in the callee's 200 OK inside the ACK.
func (c *Call) ackWithAnswer(ctx context.Context, ds *sipgo.DialogClientSession) (Negotiated, error) {
	neg, err := NegotiateOffer(ds.InviteResponse.Body())
	var body []byte
	if err == nil {
		body, err = neg.Answer(c.media.LocalAddr(), c.sessID, 1)
	}
	ack := sip.NewRequest(sip.ACK, c.remoteTarget())
	if err == nil {
		ack.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
		ack.SetBody(body)
	}
	// The ACK must go even when the offer is unusable; the caller then
	// hangs up (RFC 3261 §13.2.1).
	if aerr := ds.WriteAck(ctx, ack); aerr != nil && err == nil {
		err = fmt.Errorf("sip: ACK: %w", aerr)
	}
	return neg, err
}

// SendInfoDigit sends one key as SIP INFO (application/dtmf-relay).
func (c *Call) SendInfoDigit(ctx context.Context, key byte, dur time.Duration) error {
	body := []byte("Signal=" + string(key) + "\r\nDuration=" + strconv.Itoa(int(dur/time.Millisecond)) + "\r\n")
	req := sip.NewRequest(sip.INFO, c.remoteTarget())
	req.AppendHeader(sip.NewHeader("Content-Type", "application/dtmf-relay"))
	req.SetBody(body)
	var (
		res *sip.Response
		err error
	)
	switch {
	case c.uac != nil:
		res, err = c.uac.Do(ctx, req)
	case c.uas != nil:
		res, err = c.uas.Do(ctx, req)
	default:
		return ErrHungUp
	}
	if err != nil {
		return fmt.Errorf("sip: INFO: %w", err)
	}
	if !res.IsSuccess() {
		return &StatusError{Code: res.StatusCode, Reason: res.Reason, Err: fmt.Errorf("%w: INFO answered %d", ErrCallFailed, res.StatusCode)}
	}
	return nil
}

func (c *Call) remoteTarget() sip.Uri {
	if c.uac != nil && c.uac.InviteResponse != nil {
		if ct := c.uac.InviteResponse.Contact(); ct != nil {
			return ct.Address
		}
		return c.uac.InviteRequest.Recipient
	}
	if c.uas != nil {
		if ct := c.uas.InviteRequest.Contact(); ct != nil {
			return ct.Address
		}
	}
	return sip.Uri{}
}
