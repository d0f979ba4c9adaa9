// Package verifytest is a fake Twilio Verify v2 API on loopback for
// tests: the real twilio-go client talks to it through Transport, which
// sends requests for https://verify.twilio.com to the fake's scheme and
// host (twilio-go's base URLs are fixed).
//
// It implements what callgate uses, the way Twilio documents it:
// POST /v2/Services/{VA…}/Verifications (To, Channel; an open verification
// for the number is reused) and POST /v2/Services/{VA…}/VerificationCheck
// (To or VerificationSid, Code): approved when the code is Code, pending
// otherwise, 404 with error 20404 when nothing is open for the number
// (never sent, expired, or already approved), 429 with error 60202 after
// MaxChecks checks. Requests must carry the API key in basic auth (401,
// error 20003, otherwise).
package verifytest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test credentials: alphanumeric, as twilio-go requires.
const (
	AccountSID   = "AC0123456789abcdef0123456789abcdef"
	APIKeySID    = "SK0123456789abcdef0123456789abcdef"
	APIKeySecret = "verifytestSecret0123456789abcdef"
	ServiceSID   = "VA0123456789abcdef0123456789abcdef"
	// DefaultCode is the code the fake approves unless Code is changed.
	DefaultCode = "123456"
	// DefaultMaxChecks is Twilio's limit of checks per verification.
	DefaultMaxChecks = 5
)

// Request is one request the fake received: the path and every form
// field, so tests can check that nothing but To and Channel is sent.
type Request struct {
	Path string
	Form url.Values
}

// Server is the fake. Set its fields before use or under its lock via the
// setters; they apply to the next request.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	code      string
	maxChecks int
	delay     time.Duration
	fail      int            // when non-zero, every request gets this status
	failTo    map[string]int // requests for these numbers get this status
	open      map[string]*verification
	sends     []Request
	checks    []Request
}

type verification struct {
	sid     string
	to      string
	channel string
	checks  int
}

// NewServer starts a fake on loopback, closed when t ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{code: DefaultCode, maxChecks: DefaultMaxChecks, open: map[string]*verification{}, failTo: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// SetCode sets the code that approves.
func (s *Server) SetCode(code string) { s.mu.Lock(); s.code = code; s.mu.Unlock() }

// SetMaxChecks sets the checks allowed per verification before 60202.
func (s *Server) SetMaxChecks(n int) { s.mu.Lock(); s.maxChecks = n; s.mu.Unlock() }

// SetDelay makes every response wait d (or until the client gives up).
func (s *Server) SetDelay(d time.Duration) { s.mu.Lock(); s.delay = d; s.mu.Unlock() }

// SetFailStatus makes every request fail with status (0: normal again),
// with a Twilio error body.
func (s *Server) SetFailStatus(status int) { s.mu.Lock(); s.fail = status; s.mu.Unlock() }

// SetFailStatusFor makes requests for the number to fail with status (0:
// normal again), so tests sharing a fake can fail one member only.
func (s *Server) SetFailStatusFor(to string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if status == 0 {
		delete(s.failTo, to)
		return
	}
	s.failTo[to] = status
}

// Expire ends the open verification of to, as ten minutes would.
func (s *Server) Expire(to string) { s.mu.Lock(); delete(s.open, to); s.mu.Unlock() }

// Sends returns the Verifications requests received (refused ones too).
func (s *Server) Sends() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.sends...)
}

// Checks returns the VerificationCheck requests received (refused ones
// too).
func (s *Server) Checks() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.checks...)
}

// Transport sends requests for verify.twilio.com to the fake, and refuses
// any other host.
func (s *Server) Transport() http.RoundTripper {
	target, _ := url.Parse(s.URL)
	base := s.Client().Transport
	return roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host != "verify.twilio.com" {
			return nil, fmt.Errorf("verifytest: request for %s, not verify.twilio.com", r.URL.Host)
		}
		r2 := r.Clone(r.Context())
		r2.URL.Scheme, r2.URL.Host, r2.Host = target.Scheme, target.Host, target.Host
		return base.RoundTrip(r2)
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	// Read the body first: only then does net/http notice a client that
	// gives up, and end r.Context().
	formErr := r.ParseForm()
	s.mu.Lock()
	delay, fail := s.delay, s.fail
	if f, ok := s.failTo[r.PostForm.Get("To")]; ok && formErr == nil {
		fail = f
	}
	// Every request is recorded, the ones that fail too.
	req := Request{Path: r.URL.Path, Form: r.PostForm}
	switch {
	case strings.HasSuffix(r.URL.Path, "/Verifications"):
		s.sends = append(s.sends, req)
	case strings.HasSuffix(r.URL.Path, "/VerificationCheck"):
		s.checks = append(s.checks, req)
	}
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if fail != 0 {
		twilioError(w, fail, 20500, "fake failure")
		return
	}
	if user, pass, ok := r.BasicAuth(); !ok || user != APIKeySID || pass != APIKeySecret {
		twilioError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	if formErr != nil || r.Method != http.MethodPost {
		twilioError(w, http.StatusBadRequest, 60200, "Invalid parameter")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/v2/Services/"+ServiceSID+"/")
	if !ok {
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	switch rest {
	case "Verifications":
		s.verifications(w, req)
	case "VerificationCheck":
		s.verificationCheck(w, req)
	default:
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
	}
}

func (s *Server) verifications(w http.ResponseWriter, req Request) {
	to, channel := req.Form.Get("To"), req.Form.Get("Channel")
	s.mu.Lock()
	if !strings.HasPrefix(to, "+") || (channel != "sms" && channel != "call") {
		s.mu.Unlock()
		twilioError(w, http.StatusBadRequest, 60200, "Invalid parameter")
		return
	}
	v := s.open[to]
	if v == nil {
		v = &verification{sid: "VE" + randomHex(), to: to}
		s.open[to] = v
	}
	v.channel = channel
	body := map[string]any{"sid": v.sid, "service_sid": ServiceSID, "account_sid": AccountSID, "to": to, "channel": channel, "status": "pending", "valid": false}
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, body)
}

func (s *Server) verificationCheck(w http.ResponseWriter, req Request) {
	to, sid, code := req.Form.Get("To"), req.Form.Get("VerificationSid"), req.Form.Get("Code")
	s.mu.Lock()
	v := s.open[to]
	if sid != "" {
		for _, o := range s.open {
			if o.sid == sid {
				v = o
			}
		}
	}
	if v == nil {
		s.mu.Unlock()
		twilioError(w, http.StatusNotFound, 20404, "The requested resource was not found")
		return
	}
	v.checks++
	if v.checks > s.maxChecks {
		s.mu.Unlock()
		twilioError(w, http.StatusTooManyRequests, 60202, "Max check attempts reached")
		return
	}
	status := "pending"
	if code == s.code {
		status = "approved"
		delete(s.open, v.to)
	}
	body := map[string]any{"sid": v.sid, "service_sid": ServiceSID, "account_sid": AccountSID, "to": v.to, "channel": v.channel, "status": status, "valid": status == "approved"}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// twilioError writes Twilio's error body.
func twilioError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{
		"code": code, "message": msg, "status": status,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
