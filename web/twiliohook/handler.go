package twiliohook

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/twilio/twilio-go/client"
	"github.com/twilio/twilio-go/twiml"
)

// Routes.
const (
	VoicePath  = "/twilio/voice"
	StatusPath = "/twilio/status"
)

// CallSidHeader is the SIP header (set through the SIP URI) that carries
// the inbound call's CallSid to callgate.
const CallSidHeader = "X-Callgate-CallSid"

// MaxBodySize bounds a webhook body; Twilio's are a few KiB.
const MaxBodySize = 64 << 10

// Rejection reasons, the bounded values of Observer.Rejected.
const (
	ReasonMissingSignature = "missing_signature"
	ReasonBadSignature     = "bad_signature"
	ReasonTooLarge         = "too_large"
	ReasonBadRequest       = "bad_request"
)

// Call statuses Observer.CallStatus reports; anything else is "other".
var knownStatuses = []string{ //nolint:gochecknoglobals // read-only table
	"queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled",
}

// Reasons returns the rejection reasons, for metrics created at zero.
func Reasons() []string {
	return []string{ReasonMissingSignature, ReasonBadSignature, ReasonTooLarge, ReasonBadRequest}
}

// Statuses returns the call statuses CallStatus reports, "other" last.
func Statuses() []string { return append(slices.Clone(knownStatuses), "other") }

// Observer is told about webhook outcomes for metrics. Implementations
// must not block; every value is bounded.
type Observer interface {
	Rejected(reason string)
	CallStatus(status string)
}

// Config is the front door's configuration.
type Config struct {
	// AuthToken is the account's auth token, which Twilio signs webhooks
	// with (API keys cannot validate signatures).
	AuthToken string
	// PublicURL is where Twilio reaches callgate, scheme and host (and
	// port), e.g. https://callgate.example.org; the webhook URLs
	// configured at Twilio must be PublicURL + VoicePath (and StatusPath).
	PublicURL string
	// SIPURI is where calls are sent: sip:user@host[:port][;params], or
	// sips: for TLS.
	SIPURI string
}

var (
	callSidRe = regexp.MustCompile(`^CA[0-9a-f]{32}$`)   //nolint:gochecknoglobals // read-only
	sipURIRe  = regexp.MustCompile(`^sips?:[^\s<>"?]+$`) //nolint:gochecknoglobals // read-only
)

// Handler serves the webhooks.
type Handler struct {
	cfg       Config
	public    string // PublicURL without a trailing slash
	validator client.RequestValidator
	log       *slog.Logger
	obs       Observer
}

// Option configures a Handler.
type Option func(*Handler) error

// WithLogger sets the logger (default: discard); it logs with
// component=twilio.
func WithLogger(l *slog.Logger) Option {
	return func(h *Handler) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidConfig)
		}
		h.log = l
		return nil
	}
}

// WithObserver sets the metrics observer (default: none).
func WithObserver(o Observer) Option {
	return func(h *Handler) error {
		if o == nil {
			return fmt.Errorf("%w: nil observer", ErrInvalidConfig)
		}
		h.obs = o
		return nil
	}
}

// New returns a Handler for cfg.
func New(cfg Config, opts ...Option) (*Handler, error) {
	if cfg.AuthToken == "" {
		return nil, fmt.Errorf("%w: AuthToken is empty", ErrInvalidConfig)
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: PublicURL must be an absolute http(s) URL without query, like https://callgate.example.org", ErrInvalidConfig)
	}
	if !sipURIRe.MatchString(cfg.SIPURI) {
		return nil, fmt.Errorf("%w: SIPURI must be sip:user@host[:port] or sips:..., without headers", ErrInvalidConfig)
	}
	h := &Handler{
		cfg: cfg, public: strings.TrimSuffix(cfg.PublicURL, "/"),
		validator: client.NewRequestValidator(cfg.AuthToken),
		log:       slog.New(slog.DiscardHandler), obs: nopObserver{},
	}
	for _, o := range opts {
		if err := o(h); err != nil {
			return nil, err
		}
	}
	h.log = h.log.With("component", "twilio")
	return h, nil
}

// Register mounts the routes on mux.
func (h *Handler) Register(mux *http.ServeMux) {
	mux.Handle("POST "+VoicePath, h.signed(h.voice))
	mux.Handle("POST "+StatusPath, h.signed(h.status))
}

// signed reads the raw body, checks the signature against the public URL
// of the request and passes the parsed parameters on.
func (h *Handler) signed(next func(http.ResponseWriter, *http.Request, url.Values)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodySize))
		if err != nil {
			h.reject(w, r, ReasonTooLarge, http.StatusRequestEntityTooLarge)
			return
		}
		sig := r.Header.Get("X-Twilio-Signature")
		if sig == "" {
			h.reject(w, r, ReasonMissingSignature, http.StatusForbidden)
			return
		}
		if !h.validator.ValidateBody(h.publicURL(r), body, sig) {
			h.reject(w, r, ReasonBadSignature, http.StatusForbidden)
			return
		}
		params, err := url.ParseQuery(string(body))
		if err != nil {
			h.reject(w, r, ReasonBadRequest, http.StatusBadRequest)
			return
		}
		next(w, r, params)
	})
}

// publicURL is the URL Twilio called: PublicURL, the path and the query.
func (h *Handler) publicURL(r *http.Request) string {
	u := h.public + r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	return u
}

// reject answers status, counts and logs the reason. The log names the
// path and the peer (Twilio's address), never the parameters.
func (h *Handler) reject(w http.ResponseWriter, r *http.Request, reason string, status int) {
	h.obs.Rejected(reason)
	h.log.Warn("twilio webhook rejected", "path", r.URL.Path, "reason", reason, "status", status, "remote", r.RemoteAddr)
	http.Error(w, http.StatusText(status), status)
}

// voice answers an incoming call with TwiML that dials callgate over SIP.
func (h *Handler) voice(w http.ResponseWriter, r *http.Request, p url.Values) {
	sid := p.Get("CallSid")
	if !callSidRe.MatchString(sid) {
		h.reject(w, r, ReasonBadRequest, http.StatusBadRequest)
		return
	}
	doc, err := twiml.Voice([]twiml.Element{
		twiml.VoiceDial{
			AnswerOnBridge: "true",
			InnerElements: []twiml.Element{twiml.VoiceSip{
				SipUrl:               h.cfg.SIPURI + "?" + CallSidHeader + "=" + sid,
				StatusCallback:       h.public + StatusPath,
				StatusCallbackEvent:  "completed",
				StatusCallbackMethod: http.MethodPost,
			}},
		},
	})
	if err != nil {
		h.log.Error("twiml", "call_sid", sid, "error", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.log.Info("twilio call to callgate", "call_sid", sid, "sip_uri", h.cfg.SIPURI)
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	_, _ = io.WriteString(w, doc)
}

// status records how a dialled call ended.
func (h *Handler) status(w http.ResponseWriter, r *http.Request, p url.Values) {
	sid, parent := p.Get("CallSid"), p.Get("ParentCallSid")
	if !callSidRe.MatchString(sid) || (parent != "" && !callSidRe.MatchString(parent)) {
		h.reject(w, r, ReasonBadRequest, http.StatusBadRequest)
		return
	}
	status := boundedStatus(p.Get("CallStatus"))
	h.obs.CallStatus(status)
	h.log.Info("twilio call status", "call_sid", sid, "parent_call_sid", parent, "status", status,
		"duration_s", boundedDigits(p.Get("CallDuration")))
	w.WriteHeader(http.StatusNoContent)
}

// boundedStatus is s when Twilio documents it, else "other".
func boundedStatus(s string) string {
	for _, k := range knownStatuses {
		if s == k {
			return s
		}
	}
	return "other"
}

// boundedDigits is s when it is 1 to 9 digits, else "".
func boundedDigits(s string) string {
	if s == "" || len(s) > 9 {
		return ""
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	return s
}

type nopObserver struct{}

func (nopObserver) Rejected(string)   {}
func (nopObserver) CallStatus(string) {}
