package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // Twilio's signature algorithm is HMAC-SHA1
	"encoding/base64"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/otp/twilioverify/verifytest"
	"github.com/callgate/callgate/sip/siptest"
	"github.com/callgate/callgate/web/twiliohook"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAuthToken = "0123456789abcdef0123456789abcdef"
	testPublicURL = "https://callgate.example.org"
	testCallSid   = "CA0123456789abcdef0123456789abcdef"
)

// twilioYAML is a twilio: section with the fake's credentials.
func twilioYAML(extra ...string) string {
	lines := append([]string{
		"twilio:",
		"  baa: true",
		"  account_sid: " + verifytest.AccountSID,
		"  api_key_sid: " + verifytest.APIKeySID,
		"  verify_service_sid: " + verifytest.ServiceSID,
	}, extra...)
	return strings.Join(lines, "\n") + "\n"
}

// demoWith is the bundled demo config with more YAML appended.
func demoWith(t *testing.T, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "callgate.yaml")
	require.NoError(t, os.WriteFile(path, append(append([]byte{}, demoConfig...), []byte(extra)...), 0o600))
	return path
}

func TestTwilioConfig(t *testing.T) {
	secretEnv := map[string]string{envTwilioKeySecret: verifytest.APIKeySecret}
	t.Run("off unless configured", func(t *testing.T) {
		cfg, err := loadServeConfig(nil, noEnv)
		require.NoError(t, err)
		assert.False(t, cfg.Twilio.verifyOn())
		assert.False(t, cfg.Twilio.webhooksOn())
		assert.Contains(t, cfg.Twilio.unavailableSteps(), flows.StepOTP)
	})
	t.Run("secrets from the environment", func(t *testing.T) {
		env := map[string]string{
			envTwilioKeySecret: verifytest.APIKeySecret, envTwilioAuthToken: testAuthToken, envPublicURL: testPublicURL,
		}
		cfg, err := loadServeConfig([]string{"--config", demoWith(t, twilioYAML("  timeout: 3s"))}, envOf(env))
		require.NoError(t, err)
		assert.True(t, cfg.Twilio.verifyOn())
		assert.True(t, cfg.Twilio.webhooksOn())
		assert.Equal(t, verifytest.APIKeySecret, cfg.Twilio.APIKeySecret)
		assert.Equal(t, testPublicURL, cfg.Twilio.PublicURL)
		assert.Equal(t, 3*time.Second, cfg.Twilio.timeout())
		assert.Equal(t, "sip:ivr@127.0.0.1:5060", cfg.Twilio.sipURI(cfg.SIP, cfg.SIP.Addr), "the default SIP URI is the SIP listener")
		cfg.SIP.PublicHost = "sip.example.org"
		assert.Equal(t, "sip:ivr@sip.example.org:5062", cfg.Twilio.sipURI(cfg.SIP, "127.0.0.1:5062"))
		cfg.SIP.PublicHost = "2001:db8::1"
		assert.Equal(t, "sip:ivr@[2001:db8::1]:5062", cfg.Twilio.sipURI(cfg.SIP, "127.0.0.1:5062"))
		assert.Empty(t, cfg.Twilio.unavailableSteps())
	})
	tests := []struct {
		name  string
		yaml  string
		env   map[string]string
		args  []string
		field string
	}{
		{"no BAA", strings.Replace(twilioYAML(), "baa: true", "baa: false", 1), secretEnv, nil, "twilio.baa: must be true"},
		{"BAA missing with webhooks only", "twilio:\n  auth_token: " + testAuthToken + "\n  public_url: " + testPublicURL + "\n", nil, nil, "twilio.baa"},
		{"no API key secret", twilioYAML(), nil, nil, "twilio.api_key_secret (or CALLGATE_TWILIO_API_KEY_SECRET)"},
		{"auth token as the API key", strings.Replace(twilioYAML(), verifytest.APIKeySID, verifytest.AccountSID, 1), secretEnv, nil, "twilio.api_key_sid"},
		{"no service", "twilio:\n  baa: true\n  account_sid: " + verifytest.AccountSID + "\n", secretEnv, nil, "twilio.verify_service_sid"},
		{"bad account", strings.Replace(twilioYAML(), verifytest.AccountSID, "AC123", 1), secretEnv, nil, "twilio.account_sid"},
		{"timeout too long", twilioYAML("  timeout: 2m"), secretEnv, nil, "twilio.timeout"},
		{"webhooks without a public URL", twilioYAML("  auth_token: " + testAuthToken), secretEnv, nil, "twilio.public_url"},
		{"webhooks without HTTP", twilioYAML("  auth_token: "+testAuthToken, "  public_url: "+testPublicURL), secretEnv,
			[]string{"--http-addr", "off"}, "twilio.auth_token: turns the Twilio webhooks on, but http.addr is off"},
		{"bad SIP URI", twilioYAML("  sip_uri: tel:+18005550100"), secretEnv, nil, "twilio.sip_uri"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := tc.env
			if env == nil {
				env = map[string]string{}
			}
			_, err := loadServeConfig(append([]string{"--config", demoWith(t, tc.yaml)}, tc.args...), envOf(env))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.field)
			for _, secret := range []string{verifytest.APIKeySecret, testAuthToken} {
				assert.NotContains(t, err.Error(), secret, "secrets are never repeated")
			}
		})
	}
}

// TestOTPFlowNeedsTwilio: a flow with an otp step does not start without
// Twilio Verify configured; the error names the step's position and the
// fields to set.
func TestOTPFlowNeedsTwilio(t *testing.T) {
	cfg, err := loadServeConfig([]string{"--sip-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rtp-ports", "0",
		"--ledger", filepath.Join(t.TempDir(), "ledger.jsonl")}, noEnv)
	require.NoError(t, err)
	cfg.IVR.Flows = "testdata/otp-flows"
	cfg.IVR.DefaultFlow = "member-otp"
	_, err = build(context.Background(), cfg, newLogger(io.Discard, cfg.Log))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "member-otp.yaml")
	assert.Contains(t, err.Error(), `49:5: node "code": step otp is not available in this deployment`)
	assert.Contains(t, err.Error(), "twilio.verify_service_sid")
}

// startTwilioApp serves the demo configuration with the otp test flow,
// Twilio Verify pointed at fake and the webhooks on.
func startTwilioApp(t *testing.T, fake *verifytest.Server) (*App, *syncBuffer) {
	t.Helper()
	env := map[string]string{envTwilioKeySecret: verifytest.APIKeySecret, envTwilioAuthToken: testAuthToken, envPublicURL: testPublicURL}
	cfg, err := loadServeConfig([]string{"--config", demoWith(t, twilioYAML("  timeout: 2s")),
		"--sip-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rtp-ports", "0", "--log-level", "debug",
		"--ledger", filepath.Join(t.TempDir(), "ledger.jsonl")}, envOf(env))
	require.NoError(t, err)
	cfg.IVR.Flows = "testdata/otp-flows"
	cfg.IVR.DefaultFlow = "member-otp"
	cfg.IVR.Numbers = nil // the demo maps pharmacy to a flow not in the test directory
	cfg.Twilio.transport = fake.Transport()
	logs := &syncBuffer{}
	app, err := build(context.Background(), cfg, newLogger(logs, cfg.Log))
	require.NoError(t, err)
	sigs := make(chan os.Signal, 2)
	res := &runResult{done: make(chan struct{})}
	go func() {
		res.err = app.Run(context.Background(), sigs)
		close(res.done)
	}()
	t.Cleanup(func() {
		sigs <- os.Interrupt
		if !res.wait(15 * time.Second) {
			t.Error("server did not stop")
		}
	})
	return app, logs
}

// TestSIPpOTPReachesFull: SIPp callers run a flow with an otp step
// against a served callgate whose Twilio Verify is a loopback fake. Maria
// keys in the code the fake approves and reaches full; for James the fake
// answers 503, so the flow falls back to his PIN. The code goes to the
// number on file, never to the caller's number.
func TestSIPpOTPReachesFull(t *testing.T) {
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t)
	fake := verifytest.NewServer(t)
	fake.SetFailStatusFor("+12075550190", http.StatusServiceUnavailable) // James's number on file
	app, logs := startTwilioApp(t, fake)
	target := app.udp.LocalAddr().String()

	tests := []struct {
		name, caller, keys string
		want               map[string]string
		sentTo             string
		heard              string // a log line only this path writes
	}{
		{"the code Verify approves", "15550100021", "1" + "10001234#" + "04121980" + verifytest.DefaultCode + "#" + "1",
			map[string]string{"verification_level": "full", "caller_role": "self", "purpose": "scheduling", "flags": ""},
			"+12175550117", `result=ok attempt=1`},
		{"Verify down: the PIN instead", "15550100022", "1" + "10005678#" + "07221955" + "8642#" + "2",
			map[string]string{"verification_level": "full", "caller_role": "self", "purpose": "billing", "flags": ""},
			"+12075550190", `msg="one-time code unavailable; falling back"`},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			spec := tc.keys + ",80"
			hold := siptest.DTMFPlayDuration(spec) + 4*time.Second
			res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
				Scenario: "uac_dtmf_rfc4733", Target: target, Timeout: 60 * time.Second,
				CallIDPrefix: "otp" + strconv.Itoa(i),
				Vars:         map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(hold / time.Millisecond)), "caller": tc.caller},
			})
			require.Equal(t, 1, res.Successful, res.ErrorLog)
			require.Len(t, res.CallIDs, 1)
			key := "callgate:call:" + res.CallIDs[0]
			var got map[string]string
			require.Eventually(t, func() bool {
				got = app.rdb.HGetAll(context.Background(), key).Val()
				return len(got) > 0 && got["state"] != "queued" && got["state"] != "ivr"
			}, 5*time.Second, 20*time.Millisecond, "the call's tags are final")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "tag %s", k)
			}
			assert.Equal(t, "member-otp", got["flow"])
			assert.Regexp(t, `^m_[a-z2-7]+$`, got["subject"])
			var sentTo []string
			for _, s := range fake.Sends() {
				sentTo = append(sentTo, s.Form.Get("To"))
				assert.NotContains(t, s.Form.Get("To"), tc.caller[1:], "never the caller's number")
			}
			assert.Contains(t, sentTo, tc.sentTo, "the number on file")
			assert.Contains(t, logs.String(), tc.heard)
		})
	}
	t.Cleanup(func() {
		l := logs.String()
		assertNoPHI(t, l)
		for _, secret := range []string{verifytest.DefaultCode, "+12175550117", "2175550117", "+12075550190", verifytest.APIKeySecret} {
			assert.NotContains(t, l, secret, "no code, number on file or secret in the log")
		}
		checks := fake.Checks()
		require.Len(t, checks, 1, "one code checked (James never got one)")
		assert.Equal(t, "+12175550117", checks[0].Form.Get("To"))
	})
}

// TestTwilioWebhooksServed: the served app answers a signed Voice webhook
// with TwiML dialling its SIP listener, refuses unsigned ones with 403 and
// counts them on /metrics.
func TestTwilioWebhooksServed(t *testing.T) {
	app, logs := startTwilioApp(t, verifytest.NewServer(t))
	base := "http://" + app.httpLn.Addr().String()
	params := url.Values{"CallSid": {testCallSid}, "From": {"+12175550117"}, "To": {"+18005550100"}, "CallStatus": {"ringing"}}

	res := postForm(t, base+"/twilio/voice", params, twilioSign(testAuthToken, testPublicURL+"/twilio/voice", params))
	body, _ := io.ReadAll(res.Body)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var twiml struct {
		Dial struct {
			Sip string `xml:"Sip"`
		} `xml:"Dial"`
	}
	require.NoError(t, xml.Unmarshal(body, &twiml))
	assert.Equal(t, "sip:ivr@"+app.udp.LocalAddr().String()+"?X-Callgate-CallSid="+testCallSid, twiml.Dial.Sip)

	res = postForm(t, base+"/twilio/voice", params, "")
	assert.Equal(t, http.StatusForbidden, res.StatusCode)
	params.Set("To", "+19005550199")
	res = postForm(t, base+"/twilio/voice", params, twilioSign(testAuthToken, testPublicURL+"/twilio/voice", url.Values{"CallSid": {testCallSid}}))
	assert.Equal(t, http.StatusForbidden, res.StatusCode)

	status := url.Values{"CallSid": {testCallSid}, "CallStatus": {"completed"}, "CallDuration": {"30"}}
	res = postForm(t, base+"/twilio/status", status, twilioSign(testAuthToken, testPublicURL+"/twilio/status", status))
	assert.Equal(t, http.StatusNoContent, res.StatusCode)

	lines := strings.Split(httpGet(t, base+"/metrics"), "\n")
	assert.Contains(t, lines, `callgate_twilio_webhook_rejected_total{reason="missing_signature"} 1`)
	assert.Contains(t, lines, `callgate_twilio_webhook_rejected_total{reason="bad_signature"} 1`)
	assert.Contains(t, lines, `callgate_twilio_call_status_total{status="completed"} 1`)
	assert.NotContains(t, logs.String(), "2175550117")
	assert.Contains(t, logs.String(), "twilio webhook rejected")
}

func postForm(t *testing.T, target string, params url.Values, sig string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, strings.NewReader(params.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if sig != "" {
		req.Header.Set("X-Twilio-Signature", sig)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

// twilioSign is Twilio's webhook signature (see web/twiliohook's tests).
func twilioSign(token, fullURL string, params url.Values) string {
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	s := fullURL
	for _, k := range names {
		s += k + params.Get(k)
	}
	mac := hmac.New(sha1.New, []byte(token))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// TestTwilioMetricNames lints the Twilio metrics' names and help.
func TestTwilioMetricNames(t *testing.T) {
	reg := prometheus.NewRegistry()
	newTwilioMetrics(reg)
	mfs, err := reg.Gather()
	require.NoError(t, err)
	require.Len(t, mfs, 2, "both exist before anything is counted")
	assert.Len(t, mfs[0].GetMetric(), len(twiliohook.Statuses()), "callgate_twilio_call_status_total: every status at zero")
	assert.Len(t, mfs[1].GetMetric(), len(twiliohook.Reasons()), "callgate_twilio_webhook_rejected_total: every reason at zero")
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	require.NoError(t, err)
	assert.Empty(t, problems)
}
