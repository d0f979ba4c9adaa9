package sip

import (
	"fmt"

	"github.com/emiago/sipgo/sip"
)

// correlation copies an INVITE header that another system set (such as
// the Twilio front door's CallSid) into the call's log lines, so the two
// systems' records of one call can be matched.
type correlation struct {
	header, key string
	valid       func(string) bool
}

// WithCorrelationHeader logs the value of header, under key, with every
// line of an inbound call whose INVITE carries it, when valid accepts the
// value (anything else is ignored, never logged: it comes from outside).
func WithCorrelationHeader(header, key string, valid func(string) bool) Option {
	return func(s *Server) error {
		if header == "" || key == "" || valid == nil {
			return fmt.Errorf("sip: correlation header: header, key and valid are required")
		}
		s.correlate = append(s.correlate, correlation{header: header, key: key, valid: valid})
		return nil
	}
}

// correlationArgs returns the slog arguments for req's correlation headers.
func (s *Server) correlationArgs(req *sip.Request) []any {
	var args []any
	for _, c := range s.correlate {
		if h := req.GetHeader(c.header); h != nil && c.valid(h.Value()) {
			args = append(args, c.key, h.Value())
		}
	}
	return args
}
