package sip

import (
	"context"
	"log/slog"
	"strings"
)

// LibraryLogger wraps base for sipgo's own logging. sipgo logs raw message
// data (bodies can hold DTMF INFO digits, URIs can hold phone numbers) and
// parse errors that quote the message, so this handler drops those
// attributes, cuts quoted text out of errors, and passes only Warn and above.
// Use it for sipgo's default logger too (sip.SetDefaultLogger), which some
// sipgo code logs to regardless of options.
func LibraryLogger(base *slog.Logger) *slog.Logger {
	return slog.New(&redactHandler{h: base.Handler(), min: slog.LevelWarn}).With("component", "sipgo")
}

// redactedKeys are attributes sipgo uses for message content.
var redactedKeys = map[string]bool{"data": true, "req": true, "res": true, "msg": true, "request": true, "response": true, "body": true} //nolint:gochecknoglobals // read-only table

type redactHandler struct {
	h   slog.Handler
	min slog.Level
}

func (r *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= r.min && r.h.Enabled(ctx, l)
}

func (r *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, redactText(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		if a2, ok := redactAttr(a); ok {
			out.AddAttrs(a2)
		}
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	kept := make([]slog.Attr, 0, len(as))
	for _, a := range as {
		if a2, ok := redactAttr(a); ok {
			kept = append(kept, a2)
		}
	}
	return &redactHandler{h: r.h.WithAttrs(kept), min: r.min}
}

func (r *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{h: r.h.WithGroup(name), min: r.min}
}

func redactAttr(a slog.Attr) (slog.Attr, bool) {
	if redactedKeys[strings.ToLower(a.Key)] {
		return slog.Attr{}, false
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redactText(a.Value.String())), true
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return slog.String(a.Key, redactText(err.Error())), true
		}
		return slog.String(a.Key, "[redacted]"), true
	}
	return a, true
}

// redactText keeps text up to the first quote: sipgo quotes message
// excerpts ("... in message 'request method=INVITE Recipient=sip:...'").
func redactText(s string) string {
	if i := strings.IndexAny(s, `'"`); i >= 0 {
		return s[:i] + "[redacted]"
	}
	return s
}
