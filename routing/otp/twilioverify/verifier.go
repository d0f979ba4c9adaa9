package twilioverify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/twilio/twilio-go/client"
	verify "github.com/twilio/twilio-go/rest/verify/v2"
)

// DefaultTimeout bounds each request to Twilio when Config.Timeout is 0.
const DefaultTimeout = 5 * time.Second

// Twilio error codes this package tells apart
// (https://www.twilio.com/docs/api/errors).
const (
	codeNotFound          = 20404 // no pending verification: expired, approved or never sent
	codeTooManyRequests   = 20429
	codeMaxCheckAttempts  = 60202
	codeMaxSendAttempts   = 60203
	statusTooManyRequests = 429
)

// Channel is how a code reaches the member.
type Channel string

// Channels (Verify's own names).
const (
	ChannelSMS  Channel = "sms"
	ChannelCall Channel = "call"
)

// Result is what a check found.
type Result uint8

// Check results.
const (
	// Pending: the code did not match; the verification stays open.
	Pending Result = iota
	// Approved: the code matched.
	Approved
	// Expired: no pending verification to check against (Twilio 20404:
	// expired after 10 minutes, already approved, or never sent).
	Expired
	// TooManyChecks: Twilio refuses further checks (60202).
	TooManyChecks
)

func (r Result) String() string {
	switch r {
	case Pending:
		return "pending"
	case Approved:
		return "approved"
	case Expired:
		return "expired"
	case TooManyChecks:
		return "too_many_checks"
	}
	return "unknown"
}

// Phones gives a member's phone number on file, as stored (free text such
// as "+1 217 555 0117 (mobile)"); "" when there is none.
type Phones interface {
	Phone(ctx context.Context, subject string) (string, error)
}

// PhonesFunc adapts a function to Phones.
type PhonesFunc func(ctx context.Context, subject string) (string, error)

// Phone calls f.
func (f PhonesFunc) Phone(ctx context.Context, subject string) (string, error) {
	return f(ctx, subject)
}

var _ Phones = PhonesFunc(nil)

// Config is what New needs from Twilio.
type Config struct {
	// AccountSID is the account (AC + 32 hex digits).
	AccountSID string
	// APIKeySID and APIKeySecret are an API key of the account (SK + 32
	// hex digits, and its secret); the auth token is not used.
	APIKeySID    string
	APIKeySecret string
	// ServiceSID is the Verify service (VA + 32 hex digits).
	ServiceSID string
	// Timeout bounds each request (default DefaultTimeout).
	Timeout time.Duration
}

var (
	accountSIDRe = regexp.MustCompile(`^AC[0-9a-f]{32}$`)      //nolint:gochecknoglobals // read-only
	keySIDRe     = regexp.MustCompile(`^SK[0-9a-f]{32}$`)      //nolint:gochecknoglobals // read-only
	serviceSIDRe = regexp.MustCompile(`^VA[0-9a-f]{32}$`)      //nolint:gochecknoglobals // read-only
	secretRe     = regexp.MustCompile(`^[A-Za-z0-9]{16,128}$`) //nolint:gochecknoglobals // read-only
)

// FieldError is one bad Config field: which, and the rule it breaks
// (never the value). It wraps ErrInvalidConfig.
type FieldError struct {
	Field string // the Config field, e.g. "APIKeySID"
	Rule  string
}

func (e *FieldError) Error() string { return ErrInvalidConfig.Error() + ": " + e.Field + " " + e.Rule }

// Unwrap returns ErrInvalidConfig.
func (e *FieldError) Unwrap() error { return ErrInvalidConfig }

// Validate checks the fields. The error joins one *FieldError per bad
// field.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, rule string) { errs = append(errs, &FieldError{Field: field, Rule: rule}) }
	if !accountSIDRe.MatchString(c.AccountSID) {
		bad("AccountSID", "must be AC followed by 32 hex digits")
	}
	if !keySIDRe.MatchString(c.APIKeySID) {
		bad("APIKeySID", "must be SK followed by 32 hex digits (an API key, not the auth token)")
	}
	if !secretRe.MatchString(c.APIKeySecret) {
		bad("APIKeySecret", "must be the API key's secret: 16 to 128 letters and digits")
	}
	if !serviceSIDRe.MatchString(c.ServiceSID) {
		bad("ServiceSID", "must be VA followed by 32 hex digits")
	}
	if c.Timeout < 0 {
		bad("Timeout", "must not be negative")
	}
	return errors.Join(errs...)
}

// Verifier sends and checks codes. It is safe for concurrent use.
type Verifier struct {
	cfg       Config
	phones    Phones
	transport http.RoundTripper
}

// Option configures a Verifier.
type Option func(*Verifier) error

// WithTransport sets the HTTP transport (default http.DefaultTransport):
// an egress proxy, or in tests a transport that sends verify.twilio.com's
// requests to a fake (see verifytest).
func WithTransport(rt http.RoundTripper) Option {
	return func(v *Verifier) error {
		if rt == nil {
			return fmt.Errorf("%w: nil transport", ErrInvalidConfig)
		}
		v.transport = rt
		return nil
	}
}

// New returns a Verifier for cfg that finds members' numbers with phones.
func New(cfg Config, phones Phones, opts ...Option) (*Verifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if phones == nil {
		return nil, fmt.Errorf("%w: no phone directory", ErrInvalidConfig)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	v := &Verifier{cfg: cfg, phones: phones, transport: http.DefaultTransport}
	for _, o := range opts {
		if err := o(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// Send starts a verification: Twilio sends a code to the member's number
// on file by ch (an open verification for the number is reused, as Twilio
// does for 10 minutes). Only To and Channel are sent.
func (v *Verifier) Send(ctx context.Context, subject string, ch Channel) error {
	if ch != ChannelSMS && ch != ChannelCall {
		return fmt.Errorf("%w: channel must be sms or call", ErrRejected)
	}
	to, err := v.destination(ctx, subject)
	if err != nil {
		return err
	}
	params := &verify.CreateVerificationParams{}
	params.SetTo(to)
	params.SetChannel(string(ch))
	if _, err := v.api(ctx).CreateVerification(v.cfg.ServiceSID, params); err != nil {
		return classify("send", err)
	}
	return nil
}

// Check checks code against the member's open verification. A wrong code
// is (Pending, nil); expired and too-many-checks are results too. err is
// for Twilio being unusable (ErrUnavailable, ErrRejected), a member
// without a usable number (ErrNoPhone) and malformed codes (ErrBadCode).
func (v *Verifier) Check(ctx context.Context, subject string, code []byte) (Result, error) {
	if !isCode(code) {
		return Pending, ErrBadCode
	}
	to, err := v.destination(ctx, subject)
	if err != nil {
		return Pending, err
	}
	params := &verify.CreateVerificationCheckParams{}
	params.SetTo(to)
	params.SetCode(string(code)) // twilio-go takes a string: that copy cannot be wiped
	res, err := v.api(ctx).CreateVerificationCheck(v.cfg.ServiceSID, params)
	if err != nil {
		var te *client.TwilioRestError
		if errors.As(err, &te) {
			switch te.Code {
			case codeNotFound:
				return Expired, nil
			case codeMaxCheckAttempts:
				return TooManyChecks, nil
			}
		}
		return Pending, classify("check", err)
	}
	status := ""
	if res != nil && res.Status != nil {
		status = *res.Status
	}
	switch status {
	case "approved":
		return Approved, nil
	case "pending":
		return Pending, nil
	case "max_attempts_reached":
		return TooManyChecks, nil
	case "canceled", "expired", "deleted", "failed":
		return Expired, nil
	}
	return Pending, fmt.Errorf("%w: check: unexpected status %q", ErrUnavailable, status)
}

// destination looks up and normalises the member's number.
func (v *Verifier) destination(ctx context.Context, subject string) (string, error) {
	raw, err := v.phones.Phone(ctx, subject)
	if err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%w: phone lookup: %w", ErrUnavailable, ctx.Err())
		}
		return "", fmt.Errorf("%w: phone lookup: %w", ErrNoPhone, err)
	}
	to, ok := E164(raw)
	if !ok {
		return "", fmt.Errorf("%w: not in international +CC... form", ErrNoPhone)
	}
	return to, nil
}

// api returns a Verify client for one call: twilio-go takes no context,
// so the transport attaches ctx to each request, and the client's timeout
// backs it up.
func (v *Verifier) api(ctx context.Context) *verify.ApiService {
	base := v.transport
	c := &client.Client{
		Credentials: client.NewCredentials(v.cfg.APIKeySID, v.cfg.APIKeySecret),
		HTTPClient: &http.Client{
			Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
				return base.RoundTrip(r.WithContext(ctx))
			}),
			Timeout:       v.cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	c.SetAccountSid(v.cfg.AccountSID)
	return verify.NewApiServiceWithClient(c)
}

// classify turns a twilio-go error into one of ours without its text:
// Twilio's messages may repeat the destination number.
func classify(op string, err error) error {
	var te *client.TwilioRestError
	if errors.As(err, &te) {
		switch {
		case te.Status >= http.StatusInternalServerError, te.Status == statusTooManyRequests, te.Code == codeTooManyRequests:
			return fmt.Errorf("%w: %s: HTTP %d, Twilio error %d", ErrUnavailable, op, te.Status, te.Code)
		case te.Code == codeMaxSendAttempts:
			return fmt.Errorf("%w: %s: too many codes sent to the number (Twilio error %d)", ErrRejected, op, te.Code)
		default:
			return fmt.Errorf("%w: %s: HTTP %d, Twilio error %d", ErrRejected, op, te.Status, te.Code)
		}
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%w: %s: %w", ErrUnavailable, op, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%w: %s: timed out", ErrUnavailable, op)
	case errors.As(err, &ne):
		return fmt.Errorf("%w: %s: connection failed", ErrUnavailable, op)
	}
	return fmt.Errorf("%w: %s: no usable answer (an error without a Twilio error body)", ErrUnavailable, op)
}

// roundTripperFunc adapts a function to http.RoundTripper.
type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// isCode reports whether b is 4 to 10 ASCII digits.
func isCode(b []byte) bool {
	if len(b) < 4 || len(b) > 10 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
