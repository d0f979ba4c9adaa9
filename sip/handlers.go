package sip

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/callgate/callgate/media/dtmf"
	"github.com/emiago/sipgo/sip"
)

// allowed is the Allow header value (RFC 3261 §20.5).
const allowed = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"

// accepted is the Accept header value: bodies we take.
const accepted = "application/sdp, application/dtmf-relay, application/dtmf"

// reject answers req with the status err maps to.
func (s *Server) reject(req *sip.Request, tx sip.ServerTransaction, err error) {
	se := statusOf(err, s.cfg.RetryAfter)
	res := sip.NewResponseFromRequest(req, se.Code, se.Reason, nil)
	switch se.Code {
	case 503:
		if se.RetryAfter > 0 {
			res.AppendHeader(retryAfterHeader(se.RetryAfter))
		}
	case 415:
		res.AppendHeader(sip.NewHeader("Accept", accepted))
	case 420:
		res.AppendHeader(sip.NewHeader("Unsupported", unsupportedOf(req)))
	case 405:
		res.AppendHeader(sip.NewHeader("Allow", allowed))
	case 423:
		res.AppendHeader(sip.NewHeader("Min-Expires", strconv.Itoa(int(MinRegisterExpiry/time.Second))))
	}
	for _, h := range se.Headers {
		res.AppendHeader(h)
	}
	if se.Warning != 0 {
		res.AppendHeader(sip.NewHeader("Warning", strconv.Itoa(se.Warning)+` callgate "`+warningText(se.Err)+`"`))
	}
	res.AppendHeader(sip.NewHeader("Server", s.cfg.UserAgent))
	if err := tx.Respond(res); err != nil {
		s.log.Debug("respond failed", "status", se.Code, "error", err)
	}
	if req.IsInvite() && s.obs != nil {
		s.obs.InviteRejected(se.Code, se.Err)
	}
	level := slog.LevelInfo
	if errors.Is(se, ErrAuthRequired) {
		level = slog.LevelDebug // a digest challenge is the normal first step
	}
	s.log.Log(context.Background(), level, "request rejected", "method", req.Method.String(), "call_id", callIDOf(req), "status", se.Code, "reason", se.Err.Error())
}

// warningText is a Warning header's text: our own error message, with
// quotes removed so it stays a valid quoted-string.
func warningText(err error) string {
	if err == nil {
		return ""
	}
	return strings.ReplaceAll(err.Error(), `"`, "'")
}

func callIDOf(req *sip.Request) string {
	if h := req.CallID(); h != nil {
		return h.Value()
	}
	return ""
}

func sourceIP(req *sip.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(req.Source())
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

func (s *Server) onAck(req *sip.Request, tx sip.ServerTransaction) {
	c := s.lookup(req)
	if c == nil || c.uas == nil {
		return // ACK gets no response (RFC 3261 §17.2.1)
	}
	if c.ackSDP != nil && len(req.Body()) > 0 {
		select {
		case c.ackSDP <- req.Body():
		default: // a retransmitted ACK
		}
	}
	_ = c.uas.ReadAck(req, tx) // a re-INVITE's ACK has another CSeq: not an error for us
}

func (s *Server) onBye(req *sip.Request, tx sip.ServerTransaction) {
	if err := validateRequest(req); err != nil {
		s.reject(req, tx, err)
		return
	}
	c := s.lookup(req)
	if c == nil {
		s.reject(req, tx, &StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist", Err: errors.New("sip: BYE for no dialog")})
		return
	}
	var err error
	switch {
	case c.uas != nil:
		err = c.uas.ReadBye(req, tx)
	case c.uac != nil:
		err = c.uac.ReadBye(req, tx)
	}
	if err != nil {
		// The dialog was already ending; still confirm the BYE.
		_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
	}
	c.end(CauseRemoteBye)
}

// onCancel only sees a CANCEL that matched no INVITE transaction: sipgo
// answers a matching one itself (200 to the CANCEL, 487 to the INVITE).
func (s *Server) onCancel(req *sip.Request, tx sip.ServerTransaction) {
	s.reject(req, tx, &StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist", Err: errors.New("sip: CANCEL for no transaction")})
}

func (s *Server) onOptions(req *sip.Request, tx sip.ServerTransaction) {
	if err := validateRequest(req); err != nil {
		s.reject(req, tx, err)
		return
	}
	if s.Draining() {
		// A draining node tells load balancers and trunks to send calls elsewhere.
		s.reject(req, tx, ErrDraining)
		return
	}
	res := sip.NewResponseFromRequest(req, 200, "OK", nil)
	res.AppendHeader(sip.NewHeader("Allow", allowed))
	res.AppendHeader(sip.NewHeader("Accept", accepted))
	res.AppendHeader(sip.NewHeader("Accept-Language", "en"))
	res.AppendHeader(sip.NewHeader("Supported", ""))
	res.AppendHeader(sip.NewHeader("Server", s.cfg.UserAgent))
	_ = tx.Respond(res)
}

func (s *Server) onInfo(req *sip.Request, tx sip.ServerTransaction) {
	if err := validateRequest(req); err != nil {
		s.reject(req, tx, err)
		return
	}
	c := s.lookup(req)
	if c == nil {
		s.reject(req, tx, &StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist", Err: errors.New("sip: INFO for no dialog")})
		return
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	key, _, err := dtmf.ParseInfo(ct, req.Body())
	switch {
	case errors.Is(err, dtmf.ErrUnsupportedContentType):
		s.reject(req, tx, &StatusError{Code: 415, Reason: "Unsupported Media Type", Err: err})
		return
	case err != nil:
		s.reject(req, tx, &StatusError{Code: 400, Reason: "Bad Request", Err: err})
		return
	}
	if c.media != nil {
		c.media.Digits().Push(dtmf.Digit{Key: key, Source: dtmf.SourceInfo})
	}
	_ = tx.Respond(sip.NewResponseFromRequest(req, 200, "OK", nil))
}

func (s *Server) onNoRoute(req *sip.Request, tx sip.ServerTransaction) {
	if req.IsAck() {
		return
	}
	s.reject(req, tx, &StatusError{Code: 405, Reason: "Method Not Allowed", Err: errors.New("sip: method " + req.Method.String() + " not allowed")})
}

// now is the clock; a field would make it injectable, the watchdog and
// limiter already take time as an argument.
func now() time.Time { return time.Now() }
