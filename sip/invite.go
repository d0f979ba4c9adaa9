package sip

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// onInvite answers a new INVITE or handles a re-INVITE. sipgo terminates
// the transaction when this returns, so it returns only after the final
// response (and, for 200, the ACK); the call itself runs on its own
// goroutine.
func (s *Server) onInvite(req *sip.Request, tx sip.ServerTransaction) {
	invited := now()
	if err := validateRequest(req); err != nil {
		s.reject(req, tx, err)
		return
	}
	if _, ok := req.To().Params.Get("tag"); ok {
		s.onReInvite(req, tx)
		return
	}
	if s.handler == nil {
		s.reject(req, tx, &StatusError{Code: 480, Reason: "Temporarily Unavailable", Err: errors.New("sip: no call handler")})
		return
	}
	src := sourceIP(req)
	if !s.limit.allow(src, invited) {
		s.reject(req, tx, fmt.Errorf("%w: source %s", ErrRateLimited, src))
		return
	}
	adm, err := s.admitSource(req, src, invited)
	if err != nil {
		s.reject(req, tx, err)
		return
	}
	if err := s.admit(adm); err != nil {
		s.reject(req, tx, err)
		return
	}
	if err := s.answer(req, tx, adm, invited); err != nil {
		s.reject(req, tx, err)
	}
}

// answer runs an admitted INVITE to a confirmed dialog. It releases the
// admission slot itself on failure before a call exists; once a Call exists
// Call.end releases it.
func (s *Server) answer(req *sip.Request, tx sip.ServerTransaction, adm admission, invited time.Time) error {
	trying := sip.NewResponseFromRequest(req, 100, "Trying", nil)
	_ = tx.Respond(trying)

	// An INVITE without a body is a delayed offer (RFC 3261 §13.2.1): we
	// offer in the 200 OK and the caller answers in the ACK.
	delayed := len(req.Body()) == 0
	var (
		neg Negotiated
		err error
	)
	if delayed {
		neg = Negotiated{Codec: media.PCMU, DTMFPayloadType: delayedOfferDTMF, Direction: SendRecv}
	} else {
		if ct := req.ContentType(); ct == nil || !isSDP(ct.Value()) {
			s.release(adm)
			return fmt.Errorf("%w: INVITE body must be application/sdp", ErrUnsupportedMedia)
		}
		if neg, err = NegotiateOffer(req.Body()); err != nil {
			s.release(adm)
			return err
		}
	}
	callID := callIDOf(req)
	log := s.log.With("call_id", callID)
	if args := s.correlationArgs(req); len(args) > 0 {
		log = log.With(args...)
	}
	switch {
	case adm.trunk != nil:
		log = log.With("trunk", adm.trunk.Name)
	case adm.agent != "":
		log = log.With("agent", adm.agent)
	}
	sess, err := s.eng.NewSession(media.Config{
		Codec: neg.Codec, DTMFPayloadType: neg.DTMFPayloadType,
		Remote: neg.Remote, RemoteRTCP: neg.RemoteRTCP,
		InbandDTMF: true, Logger: log,
	})
	if err != nil {
		s.release(adm)
		return &StatusError{Code: 503, Reason: "Service Unavailable", Err: err, RetryAfter: s.cfg.RetryAfter}
	}
	sess.SetSending(neg.Direction.Sends())
	dua := &sipgo.DialogUA{Client: s.client, ContactHDR: s.contact(transportOf(req))}
	ds, err := dua.ReadInvite(req, tx)
	if err != nil {
		_ = sess.Close()
		s.release(adm)
		return fmt.Errorf("sip: dialog: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &Call{
		srv: s, callID: callID, id: ds.ID, inbound: true, log: log, media: sess,
		uas: ds, sessID: s.nextSessionID(), started: time.Now(), ended: make(chan struct{}),
		cancel: cancel, admitted: true,
		calledUser: req.Recipient.User, callerUser: req.From().Address.User,
		trunk: adm.trunkName(), invited: invited,
	}
	c.direction.Store(neg.Direction)
	c.sdpVersion.Store(1)
	if delayed {
		c.ackSDP = make(chan []byte, 1)
	}
	s.track(c)

	if s.cfg.AnswerDelay > 0 {
		_ = ds.Respond(180, "Ringing", nil)
		t := time.NewTimer(s.cfg.AnswerDelay)
		select {
		case <-t.C:
		case <-ds.Context().Done():
			t.Stop()
			log.Info("call cancelled before answer")
			c.end(CauseCancelled)
			return nil // sipgo answered CANCEL with 200 and the INVITE with 487
		case <-s.stop:
			t.Stop()
			c.end(CauseShutdown)
			return ErrDraining
		}
	}
	var body []byte
	if delayed {
		body, err = Offer(sess.LocalAddr(), []media.Codec{media.PCMU, media.PCMA}, delayedOfferDTMF, c.sessID, 1)
	} else {
		body, err = neg.Answer(sess.LocalAddr(), c.sessID, 1)
	}
	if err != nil {
		c.end(CauseMediaError)
		return fmt.Errorf("sip: render SDP: %w", err)
	}
	c.answered.Store(time.Now().UnixNano())
	if !delayed {
		sess.Start() // media flows from the 200 OK on; ACK may lag
	}
	log.Info("call answered", "codec", neg.Codec.String(), "dtmf_pt", neg.DTMFPayloadType, "transport", transportOf(req))
	err = ds.Respond(200, "OK", body,
		sip.NewHeader("Content-Type", "application/sdp"),
		sip.NewHeader("Allow", allowed),
		sip.NewHeader("Server", s.cfg.UserAgent))
	if err != nil {
		cause := CauseNoAck
		if errors.Is(err, sip.ErrTransactionCanceled) {
			cause = CauseCancelled
		}
		log.Info("call setup failed", "error", err)
		c.end(cause)
		return nil
	}
	if delayed {
		if err := c.applyACKAnswer(); err != nil {
			log.Info("delayed offer: no usable answer in ACK", "error", err)
			hctx, cancel := context.WithTimeout(context.Background(), hangupTimeout)
			defer cancel()
			_ = c.hangup(hctx, CauseMediaError)
			return nil
		}
	}
	if s.obs != nil {
		s.obs.CallStarted(c)
	}
	s.wg.Add(1)
	go s.runCall(ctx, c)
	return nil
}

// delayedOfferDTMF is the telephone-event payload type we offer when the
// caller sent no offer.
const delayedOfferDTMF = 101

// applyACKAnswer configures and starts media from the SDP answer the ACK
// carried (delayed offer).
func (c *Call) applyACKAnswer() error {
	var sdp []byte
	select {
	case sdp = <-c.ackSDP:
	default:
	}
	if len(sdp) == 0 {
		return fmt.Errorf("%w: ACK without SDP answer", ErrBadSDP)
	}
	neg, err := NegotiateAnswer(sdp)
	if err != nil {
		return err
	}
	if err := c.media.Configure(neg.Codec, neg.DTMFPayloadType); err != nil {
		return err
	}
	c.media.SetRemote(neg.Remote, neg.RemoteRTCP)
	c.media.SetSending(neg.Direction.Sends())
	c.direction.Store(neg.Direction)
	c.media.Start()
	return nil
}

// runCall gives the call to the handler and hangs up after it returns.
func (s *Server) runCall(ctx context.Context, c *Call) {
	defer s.wg.Done()
	s.handler.ServeCall(ctx, c)
	hctx, cancel := context.WithTimeout(context.Background(), hangupTimeout)
	defer cancel()
	if err := c.hangup(hctx, CauseLocalHangup); err != nil {
		c.log.Debug("hangup", "error", err)
	}
}

// onReInvite handles a re-INVITE in an existing dialog: hold, resume, a new
// remote address (RFC 3264 §8). The codec in use must stay on offer.
func (s *Server) onReInvite(req *sip.Request, tx sip.ServerTransaction) {
	c := s.lookup(req)
	if c == nil || c.media == nil {
		s.reject(req, tx, &StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist", Err: errors.New("sip: re-INVITE for no dialog")})
		return
	}
	c.reinvite.Lock()
	defer c.reinvite.Unlock()
	_ = tx.Respond(sip.NewResponseFromRequest(req, 100, "Trying", nil))
	var (
		neg Negotiated
		err error
	)
	if len(req.Body()) == 0 {
		err = fmt.Errorf("%w: re-INVITE without SDP offer is not supported", ErrNoCommonCodec)
	} else {
		neg, err = NegotiateOffer(req.Body())
	}
	if err == nil && neg.Codec != c.media.Codec() {
		err = fmt.Errorf("%w: codec change %s to %s mid-call", ErrNoCommonCodec, c.media.Codec(), neg.Codec)
	}
	if err != nil {
		s.reject(req, tx, err) // the call stays up on its old parameters (RFC 3261 §14.2)
		return
	}
	c.media.SetRemote(neg.Remote, neg.RemoteRTCP)
	c.media.SetSending(neg.Direction.Sends())
	c.direction.Store(neg.Direction)
	answer, err := neg.Answer(c.media.LocalAddr(), c.sessID, c.sdpVersion.Add(1))
	if err != nil {
		s.reject(req, tx, err)
		return
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", answer)
	res.AppendHeader(sip.NewHeader("Content-Type", "application/sdp"))
	ct := s.contact(transportOf(req))
	res.AppendHeader(&ct)
	if err := tx.Respond(res); err != nil {
		c.log.Debug("re-INVITE respond", "error", err)
	}
	c.log.Info("call re-negotiated", "direction", string(neg.Direction))
}

func transportOf(req *sip.Request) string {
	switch req.Transport() {
	case "TCP", "tcp":
		return "tcp"
	}
	return "udp"
}

func isSDP(ct string) bool {
	mt, _, _ := cutParams(ct)
	return mt == "application/sdp"
}
