package sip

import (
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// supportedExtensions are the option tags we implement (RFC 3261 §20.32).
var supportedExtensions = map[string]bool{} //nolint:gochecknoglobals // read-only table

// validateRequest checks what sipgo's lenient parser lets through
// (RFC 3261 §8.2): mandatory headers, CSeq method, Require.
func validateRequest(req *sip.Request) error {
	switch {
	case req.CallID() == nil || strings.TrimSpace(req.CallID().Value()) == "":
		return fmt.Errorf("%w: Call-ID", ErrMissingHeader)
	case req.From() == nil:
		return fmt.Errorf("%w: From", ErrMissingHeader)
	case req.To() == nil:
		return fmt.Errorf("%w: To", ErrMissingHeader)
	case req.CSeq() == nil:
		return fmt.Errorf("%w: CSeq", ErrMissingHeader)
	case req.Via() == nil:
		return fmt.Errorf("%w: Via", ErrMissingHeader)
	}
	if req.CSeq().MethodName != req.Method {
		return &StatusError{Code: 400, Reason: "CSeq Method Mismatch", Err: fmt.Errorf("%w: CSeq method %s on %s", ErrMissingHeader, req.CSeq().MethodName, req.Method)}
	}
	if req.Method == sip.INVITE {
		if _, ok := req.From().Params.Get("tag"); !ok {
			return &StatusError{Code: 400, Reason: "Missing From Tag", Err: fmt.Errorf("%w: From tag", ErrMissingHeader)}
		}
	}
	if !req.IsAck() && !req.IsCancel() {
		var unsupported []string
		for _, h := range req.GetHeaders("Require") {
			for _, opt := range strings.Split(h.Value(), ",") {
				opt = strings.TrimSpace(opt)
				if opt != "" && !supportedExtensions[strings.ToLower(opt)] {
					unsupported = append(unsupported, opt)
				}
			}
		}
		if len(unsupported) > 0 {
			return &StatusError{Code: 420, Reason: "Bad Extension", Err: fmt.Errorf("sip: unsupported extension %s", strings.Join(unsupported, ","))}
		}
	}
	return nil
}

// unsupportedOf returns the option tags to list in a 420's Unsupported header.
func unsupportedOf(req *sip.Request) string {
	var out []string
	for _, h := range req.GetHeaders("Require") {
		for _, opt := range strings.Split(h.Value(), ",") {
			if opt = strings.TrimSpace(opt); opt != "" && !supportedExtensions[strings.ToLower(opt)] {
				out = append(out, opt)
			}
		}
	}
	return strings.Join(out, ", ")
}
