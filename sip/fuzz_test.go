package sip

import (
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"
)

// FuzzRequest drives the paths we own behind sipgo's parser: request
// validation, the error-to-status mapping, and SDP negotiation of an INVITE
// body. Nothing may panic, and every rejection must map to a 4xx/5xx.
func FuzzRequest(f *testing.F) {
	for _, seed := range []string{
		inviteMsg("f1", offer("m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000")),
		inviteMsg("f2", offer("m=audio 4000 RTP/AVP 9")),
		optionsMsg("f3"),
		strings.Replace(optionsMsg("f4"), "Max-Forwards: 70", "Require: 100rel", 1),
		strings.ReplaceAll(optionsMsg("f5"), "OPTIONS", "INFO"),
		"INVITE sip:x SIP/2.0\r\n\r\n",
	} {
		f.Add([]byte(strings.ReplaceAll(strings.ReplaceAll(seed, "LOCAL", "127.0.0.1:5099"), "\n", "\r\n")))
	}
	parser := sip.NewParser()
	f.Fuzz(func(t *testing.T, data []byte) {
		msg, err := parser.ParseSIP(data)
		if err != nil {
			return
		}
		req, ok := msg.(*sip.Request)
		if !ok {
			return
		}
		if err := validateRequest(req); err != nil {
			se := statusOf(err, 5)
			if se.Code < 400 || se.Code > 599 {
				t.Fatalf("rejection mapped to %d", se.Code)
			}
			if strings.Contains(se.Reason, "\n") {
				t.Fatalf("reason phrase with a newline: %q", se.Reason)
			}
			_ = unsupportedOf(req)
			return
		}
		if req.IsInvite() && len(req.Body()) > 0 {
			if n, err := NegotiateOffer(req.Body()); err == nil {
				if _, err := n.Answer(n.Remote, 1, 1); err != nil && n.Remote.IsValid() {
					t.Fatalf("accepted offer without an answer: %v", err)
				}
			} else if se := statusOf(err, 5); se.Code != 400 && se.Code != 488 {
				t.Fatalf("SDP error mapped to %d", se.Code)
			}
		}
	})
}
