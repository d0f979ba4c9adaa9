package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/otp/twilioverify"
	"github.com/callgate/callgate/web/twiliohook"
	"github.com/prometheus/client_golang/prometheus"
)

// wireTwilio connects what twilio: configures: the Verify client behind
// the IVR's otp step, and the webhook handler routes() mounts (its
// default SIP URI is the bound SIP listener, so it runs after Listen).
// Its metrics are registered either way.
func (a *App) wireTwilio(cfg Config, dir members.Directory) error {
	tm := newTwilioMetrics(a.metrics.reg)
	t := cfg.Twilio
	if t.verifyOn() {
		var opts []twilioverify.Option
		if t.transport != nil {
			opts = append(opts, twilioverify.WithTransport(t.transport))
		}
		v, err := twilioverify.New(t.verifyConfig(), memberPhones{dir}, opts...)
		if err != nil {
			return fmt.Errorf("twilio: %w", err)
		}
		a.runner.OTP = otpVerifier{v}
		a.runner.OTPTimeout = t.timeout()
	}
	if t.webhooksOn() {
		h, err := twiliohook.New(twiliohook.Config{AuthToken: t.AuthToken, PublicURL: t.PublicURL, SIPURI: t.sipURI(cfg.SIP, a.udp.LocalAddr().String())},
			twiliohook.WithLogger(a.log), twiliohook.WithObserver(tm))
		if err != nil {
			return fmt.Errorf("twilio: %w", err)
		}
		a.twilioHook = h
	}
	return nil
}

// mountTwilio adds the webhook routes to mux when they are configured.
func (a *App) mountTwilio(mux *http.ServeMux) {
	if a.twilioHook != nil {
		a.twilioHook.Register(mux)
	}
}

// otpVerifier adapts *twilioverify.Verifier to ivr.OTP.
type otpVerifier struct{ v *twilioverify.Verifier }

func (o otpVerifier) Send(ctx context.Context, subject string, channel flows.OTPChannel) error {
	return o.v.Send(ctx, subject, twilioverify.Channel(channel))
}

func (o otpVerifier) Check(ctx context.Context, subject string, code []byte) (ivr.OTPResult, error) {
	res, err := o.v.Check(ctx, subject, code)
	if errors.Is(err, twilioverify.ErrBadCode) {
		return ivr.OTPWrong, nil // a malformed code is a wrong one; it was not sent
	}
	if err != nil {
		return ivr.OTPWrong, err
	}
	switch res {
	case twilioverify.Approved:
		return ivr.OTPApproved, nil
	case twilioverify.Expired:
		return ivr.OTPExpired, nil
	case twilioverify.TooManyChecks:
		return ivr.OTPTooManyChecks, nil
	case twilioverify.Pending:
	}
	return ivr.OTPWrong, nil
}

// memberPhones gives twilioverify the phone number on file.
type memberPhones struct{ d members.Directory }

func (m memberPhones) Phone(ctx context.Context, subject string) (string, error) {
	rec, err := m.d.Record(ctx, subject)
	if err != nil {
		return "", err
	}
	return rec.Fields["phone"], nil
}

var (
	_ ivr.OTP             = otpVerifier{}
	_ twilioverify.Phones = memberPhones{}
)

// twilioMetrics counts webhook outcomes (twiliohook.Observer).
type twilioMetrics struct {
	rejected *prometheus.CounterVec
	status   *prometheus.CounterVec
}

func newTwilioMetrics(reg *prometheus.Registry) *twilioMetrics {
	m := &twilioMetrics{
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "callgate", Subsystem: "twilio", Name: "webhook_rejected_total",
			Help: "Twilio webhook requests refused, by reason: missing_signature, bad_signature, too_large, bad_request.",
		}, []string{"reason"}),
		status: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "callgate", Subsystem: "twilio", Name: "call_status_total",
			Help: "Twilio status callbacks for calls sent to callgate, by call status (completed, busy, failed, no-answer, canceled, ..., other).",
		}, []string{"status"}),
	}
	reg.MustRegister(m.rejected, m.status)
	for _, r := range twiliohook.Reasons() { // series exist from start, at zero
		m.rejected.WithLabelValues(r)
	}
	for _, st := range twiliohook.Statuses() {
		m.status.WithLabelValues(st)
	}
	return m
}

// Rejected implements twiliohook.Observer.
func (m *twilioMetrics) Rejected(reason string) { m.rejected.WithLabelValues(reason).Inc() }

// CallStatus implements twiliohook.Observer.
func (m *twilioMetrics) CallStatus(status string) { m.status.WithLabelValues(status).Inc() }

var _ twiliohook.Observer = (*twilioMetrics)(nil)
