package twiliohook_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio's signature algorithm is HMAC-SHA1
	"encoding/base64"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/callgate/callgate/web/twiliohook"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	token     = "0123456789abcdef0123456789abcdef"
	public    = "https://callgate.example.org"
	sipURI    = "sip:ivr@203.0.113.10:5060;transport=tcp"
	callSid   = "CA0123456789abcdef0123456789abcdef"
	parentSid = "CAfedcba9876543210fedcba9876543210"
	caller    = "+12175550117"
	called    = "+18005550100"
)

// sign computes X-Twilio-Signature the way Twilio documents it, written
// here independently of twilio-go: base64(HMAC-SHA1(token, URL + each
// POST parameter's name and value, sorted by name)).
func sign(key, fullURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(fullURL)
	for _, k := range names {
		b.WriteString(k)
		b.WriteString(params.Get(k))
	}
	mac := hmac.New(sha1.New, []byte(key))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// voiceParams is what Twilio posts for an inbound call (abridged).
func voiceParams() url.Values {
	return url.Values{
		"CallSid": {callSid}, "AccountSid": {"AC0123456789abcdef0123456789abcdef"}, "From": {caller}, "To": {called},
		"Caller": {caller}, "CallStatus": {"ringing"}, "Direction": {"inbound"}, "FromCity": {"SPRINGFIELD"}, "ApiVersion": {"2010-04-01"},
	}
}

type recorder struct {
	mu       sync.Mutex
	rejected []string
	statuses []string
}

func (r *recorder) Rejected(reason string) {
	r.mu.Lock()
	r.rejected = append(r.rejected, reason)
	r.mu.Unlock()
}
func (r *recorder) CallStatus(status string) {
	r.mu.Lock()
	r.statuses = append(r.statuses, status)
	r.mu.Unlock()
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func newServer(t *testing.T) (*httptest.Server, *recorder, *syncBuffer) {
	t.Helper()
	rec, logs := &recorder{}, &syncBuffer{}
	h, err := twiliohook.New(twiliohook.Config{AuthToken: token, PublicURL: public + "/", SIPURI: sipURI},
		twiliohook.WithObserver(rec), twiliohook.WithLogger(slog.New(slog.NewTextHandler(logs, nil))))
	require.NoError(t, err)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, rec, logs
}

func post(t *testing.T, srv *httptest.Server, path, body, sig string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

// response is the TwiML we expect, parsed with encoding/xml: twilio-go
// writes attributes in map order, so strings cannot be compared.
type response struct {
	XMLName xml.Name `xml:"Response"`
	Dial    struct {
		AnswerOnBridge string `xml:"answerOnBridge,attr"`
		Sip            []struct {
			URI                  string `xml:",chardata"`
			StatusCallback       string `xml:"statusCallback,attr"`
			StatusCallbackEvent  string `xml:"statusCallbackEvent,attr"`
			StatusCallbackMethod string `xml:"statusCallbackMethod,attr"`
		} `xml:"Sip"`
	} `xml:"Dial"`
}

func TestVoiceDialsCallgateOverSIP(t *testing.T) {
	srv, rec, logs := newServer(t)
	p := voiceParams()
	res := post(t, srv, twiliohook.VoicePath, p.Encode(), sign(token, public+twiliohook.VoicePath, p))
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Type"), "text/xml")
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)

	var got response
	require.NoError(t, xml.Unmarshal(body, &got), "%s", body)
	assert.Equal(t, "true", got.Dial.AnswerOnBridge, "the caller hears ringing until callgate answers")
	require.Len(t, got.Dial.Sip, 1)
	sip := got.Dial.Sip[0]
	assert.Equal(t, sipURI+"?X-Callgate-CallSid="+callSid, sip.URI)
	assert.Equal(t, public+twiliohook.StatusPath, sip.StatusCallback)
	assert.Equal(t, "completed", sip.StatusCallbackEvent)
	assert.Equal(t, http.MethodPost, sip.StatusCallbackMethod)
	assert.Empty(t, rec.rejected)

	assert.Contains(t, logs.String(), callSid)
	for _, phi := range []string{caller, called, "SPRINGFIELD", "5550117"} {
		assert.NotContains(t, logs.String(), phi, "nothing about the caller is logged")
		assert.NotContains(t, string(body), phi, "nor passed on")
	}
}

func TestRejected(t *testing.T) {
	p := voiceParams()
	good := sign(token, public+twiliohook.VoicePath, p)
	tampered := voiceParams()
	tampered.Set("To", "+19005550199")
	badSid := voiceParams()
	badSid.Set("CallSid", "CA123;x=y")
	tests := []struct {
		name   string
		path   string
		body   string
		sig    string
		status int
		reason string
	}{
		{"missing signature", twiliohook.VoicePath, p.Encode(), "", http.StatusForbidden, twiliohook.ReasonMissingSignature},
		{"tampered body", twiliohook.VoicePath, tampered.Encode(), good, http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"signed for another URL", twiliohook.VoicePath, p.Encode(), sign(token, "https://attacker.example.org"+twiliohook.VoicePath, p),
			http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"signed for http, not https", twiliohook.VoicePath, p.Encode(), sign(token, "http://callgate.example.org"+twiliohook.VoicePath, p),
			http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"signed for the other webhook", twiliohook.StatusPath, p.Encode(), good, http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"signed with another token", twiliohook.VoicePath, p.Encode(), sign("another-token", public+twiliohook.VoicePath, p),
			http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"garbage signature", twiliohook.VoicePath, p.Encode(), "not-base64!", http.StatusForbidden, twiliohook.ReasonBadSignature},
		{"signed, but the CallSid is not one", twiliohook.VoicePath, badSid.Encode(), sign(token, public+twiliohook.VoicePath, badSid),
			http.StatusBadRequest, twiliohook.ReasonBadRequest},
		{"too large", twiliohook.VoicePath, "x=" + strings.Repeat("a", twiliohook.MaxBodySize), good,
			http.StatusRequestEntityTooLarge, twiliohook.ReasonTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, rec, logs := newServer(t)
			res := post(t, srv, tc.path, tc.body, tc.sig)
			assert.Equal(t, tc.status, res.StatusCode)
			body, _ := io.ReadAll(res.Body)
			assert.NotContains(t, string(body), "<Dial", "no TwiML")
			assert.Equal(t, []string{tc.reason}, rec.rejected, "counted by reason")
			assert.Contains(t, logs.String(), "twilio webhook rejected")
			assert.Contains(t, logs.String(), "reason="+tc.reason)
			for _, phi := range []string{caller, called, "SPRINGFIELD"} {
				assert.NotContains(t, logs.String(), phi)
			}
		})
	}
}

func TestGetIsNotAWebhook(t *testing.T) {
	srv, _, _ := newServer(t)
	res, err := srv.Client().Get(srv.URL + twiliohook.VoicePath) //nolint:noctx // test
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
}

func TestStatusCallback(t *testing.T) {
	tests := []struct{ status, counted string }{
		{"completed", "completed"}, {"no-answer", "no-answer"}, {"busy", "busy"}, {"something-new", "other"},
	}
	for _, tc := range tests {
		t.Run(tc.status, func(t *testing.T) {
			srv, rec, logs := newServer(t)
			p := url.Values{
				"CallSid": {callSid}, "ParentCallSid": {parentSid}, "CallStatus": {tc.status}, "CallDuration": {"42"},
				"From": {caller}, "To": {sipURI}, "SipCallId": {"abc@203.0.113.10"},
			}
			res := post(t, srv, twiliohook.StatusPath, p.Encode(), sign(token, public+twiliohook.StatusPath, p))
			assert.Equal(t, http.StatusNoContent, res.StatusCode)
			assert.Equal(t, []string{tc.counted}, rec.statuses)
			l := logs.String()
			assert.Contains(t, l, "call_sid="+callSid)
			assert.Contains(t, l, "parent_call_sid="+parentSid)
			assert.Contains(t, l, "status="+tc.counted)
			assert.Contains(t, l, "duration_s=42")
			assert.NotContains(t, l, caller)
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		srv, rec, _ := newServer(t)
		p := url.Values{"CallSid": {callSid}, "CallStatus": {"completed"}}
		res := post(t, srv, twiliohook.StatusPath, p.Encode(), "")
		assert.Equal(t, http.StatusForbidden, res.StatusCode)
		assert.Empty(t, rec.statuses)
		assert.Equal(t, []string{twiliohook.ReasonMissingSignature}, rec.rejected)
	})
}

func TestQueryIsPartOfTheSignedURL(t *testing.T) {
	srv, rec, _ := newServer(t)
	p := voiceParams()
	path := twiliohook.VoicePath + "?line=members"
	res := post(t, srv, path, p.Encode(), sign(token, public+path, p))
	assert.Equal(t, http.StatusOK, res.StatusCode)
	res = post(t, srv, path, p.Encode(), sign(token, public+twiliohook.VoicePath, p))
	assert.Equal(t, http.StatusForbidden, res.StatusCode, "a signature without the query does not cover it")
	assert.Equal(t, []string{twiliohook.ReasonBadSignature}, rec.rejected)
}

func TestNewValidates(t *testing.T) {
	good := twiliohook.Config{AuthToken: token, PublicURL: public, SIPURI: sipURI}
	for _, tc := range []struct {
		name   string
		mutate func(*twiliohook.Config)
		field  string
	}{
		{"no token", func(c *twiliohook.Config) { c.AuthToken = "" }, "AuthToken"},
		{"relative public URL", func(c *twiliohook.Config) { c.PublicURL = "callgate.example.org" }, "PublicURL"},
		{"public URL with a query", func(c *twiliohook.Config) { c.PublicURL = public + "?x=1" }, "PublicURL"},
		{"not a SIP URI", func(c *twiliohook.Config) { c.SIPURI = "tel:+18005550100" }, "SIPURI"},
		{"SIP URI with headers", func(c *twiliohook.Config) { c.SIPURI = "sip:ivr@host?X-A=1" }, "SIPURI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.mutate(&cfg)
			_, err := twiliohook.New(cfg)
			require.ErrorIs(t, err, twiliohook.ErrInvalidConfig)
			assert.Contains(t, err.Error(), tc.field)
			assert.NotContains(t, err.Error(), token)
		})
	}
	_, err := twiliohook.New(good)
	require.NoError(t, err)
	_, err = twiliohook.New(good, twiliohook.WithLogger(nil))
	require.ErrorIs(t, err, twiliohook.ErrInvalidConfig)
	_, err = twiliohook.New(good, twiliohook.WithObserver(nil))
	require.ErrorIs(t, err, twiliohook.ErrInvalidConfig)
}

func TestValidCallSid(t *testing.T) {
	assert.True(t, twiliohook.ValidCallSid("CA0123456789abcdef0123456789abcdef"))
	for _, bad := range []string{"", "CA0123", "XX0123456789abcdef0123456789abcdef", "CA0123456789abcdef0123456789abcdeg", "CA0123456789abcdef0123456789abcdef\n"} {
		assert.False(t, twiliohook.ValidCallSid(bad), bad)
	}
}
