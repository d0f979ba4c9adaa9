package main

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/routing/otp/twilioverify"
)

// Twilio defaults and the environment variables that hold its secrets
// (secrets are not flags: flags show in ps).
const (
	DefaultTwilioTimeout = 5 * time.Second
	maxTwilioTimeout     = 30 * time.Second
	envTwilioKeySecret   = "CALLGATE_TWILIO_API_KEY_SECRET"
	envTwilioAuthToken   = "CALLGATE_TWILIO_AUTH_TOKEN"
	envPublicURL         = "CALLGATE_PUBLIC_URL"
)

// TwilioConfig configures Twilio: Verify for the otp step (account_sid,
// api_key_sid, api_key_secret, verify_service_sid) and the Voice front
// door (auth_token, public_url, sip_uri). Each part is off until its
// fields are set; either needs baa: true.
type TwilioConfig struct {
	// BAA states that a Business Associate Addendum with Twilio is signed.
	// Both parts handle PHI (members' phone numbers, calls to a health
	// line), so neither runs without it.
	BAA bool `yaml:"baa"`
	// AccountSID is the account, AC + 32 hex digits.
	AccountSID string `yaml:"account_sid"`
	// APIKeySID and APIKeySecret are an API key (SK...) for the REST API;
	// the secret may instead come from CALLGATE_TWILIO_API_KEY_SECRET.
	APIKeySID    string `yaml:"api_key_sid"`
	APIKeySecret string `yaml:"api_key_secret"`
	// VerifyServiceSID is the Verify service (VA...) one-time codes use.
	VerifyServiceSID string `yaml:"verify_service_sid"`
	// Timeout bounds each Verify request; the caller hears hold audio
	// meanwhile, then the flow falls back (default 5s).
	Timeout time.Duration `yaml:"timeout"`
	// AuthToken validates webhook signatures (Twilio signs with the auth
	// token; API keys cannot); or CALLGATE_TWILIO_AUTH_TOKEN. Setting it
	// turns the webhooks on.
	AuthToken string `yaml:"auth_token"`
	// PublicURL is where Twilio reaches the webhooks (https://host), or
	// CALLGATE_PUBLIC_URL; the signed URL is PublicURL + path.
	PublicURL string `yaml:"public_url"`
	// SIPURI is where the Voice webhook sends calls; default
	// sip:ivr@<sip.public_host, else sip.addr's IP>:<sip.addr's port>.
	SIPURI string `yaml:"sip_uri"`

	// transport, when set, carries Verify requests (tests: a fake API).
	transport http.RoundTripper
}

// verifyOn reports whether any Verify field is set (all are then required).
func (t TwilioConfig) verifyOn() bool {
	return t.AccountSID != "" || t.APIKeySID != "" || t.APIKeySecret != "" || t.VerifyServiceSID != ""
}

// webhooksOn reports whether the Voice front door is configured.
func (t TwilioConfig) webhooksOn() bool { return t.AuthToken != "" }

// applyEnv takes the secrets and the public URL from the environment,
// which wins over the file.
func (t *TwilioConfig) applyEnv(lookup func(string) (string, bool)) {
	for env, field := range map[string]*string{
		envTwilioKeySecret: &t.APIKeySecret,
		envTwilioAuthToken: &t.AuthToken,
		envPublicURL:       &t.PublicURL,
	} {
		if v, ok := lookup(env); ok && v != "" {
			*field = v
		}
	}
}

// timeout is Timeout or its default.
func (t TwilioConfig) timeout() time.Duration {
	if t.Timeout > 0 {
		return t.Timeout
	}
	return DefaultTwilioTimeout
}

// verifyConfig is the Verify client's configuration.
func (t TwilioConfig) verifyConfig() twilioverify.Config {
	return twilioverify.Config{
		AccountSID: t.AccountSID, APIKeySID: t.APIKeySID, APIKeySecret: t.APIKeySecret,
		ServiceSID: t.VerifyServiceSID, Timeout: t.timeout(),
	}
}

// sipURI is SIPURI or the default built from the SIP listener's bound
// address (sip.public_host, when set, replaces its IP).
func (t TwilioConfig) sipURI(s SIPConfig, bound string) string {
	if t.SIPURI != "" {
		return t.SIPURI
	}
	ap, err := netip.ParseAddrPort(bound)
	if err != nil {
		return ""
	}
	host := ap.Addr().String()
	if s.PublicHost != "" {
		host = s.PublicHost
	}
	return "sip:ivr@" + hostPort(host, ap.Port())
}

// hostPort joins a host name or IP and a port for a SIP URI.
func hostPort(host string, port uint16) string {
	if ip, err := netip.ParseAddr(host); err == nil && ip.Is6() {
		return fmt.Sprintf("[%s]:%d", host, port)
	}
	return fmt.Sprintf("%s:%d", host, port)
}

// unavailableSteps lists the verification steps flows cannot use here.
func (t TwilioConfig) unavailableSteps() map[flows.VerifyStep]string {
	if t.verifyOn() {
		return nil
	}
	return map[flows.VerifyStep]string{
		flows.StepOTP: "one-time codes need Twilio Verify: set twilio.verify_service_sid, twilio.account_sid, twilio.api_key_sid, twilio.api_key_secret and twilio.baa: true",
	}
}

var sipURIRe = regexp.MustCompile(`^sips?:[^\s<>"?]+$`) //nolint:gochecknoglobals // read-only

// validate reports each bad twilio field through bad (field, rule).
func (t TwilioConfig) validate(httpAddr string, bad func(field, format string, args ...any)) {
	if !t.verifyOn() && !t.webhooksOn() {
		return
	}
	if !t.BAA {
		bad("twilio.baa", "must be true to use Twilio: one-time codes go to members' phone numbers and calls to a health line pass through Twilio, both PHI; sign Twilio's Business Associate Addendum first")
	}
	if t.verifyOn() {
		yamlName := map[string]string{
			"AccountSID": "twilio.account_sid", "APIKeySID": "twilio.api_key_sid",
			"APIKeySecret": "twilio.api_key_secret (or " + envTwilioKeySecret + ")",
			"ServiceSID":   "twilio.verify_service_sid", "Timeout": "twilio.timeout",
		}
		if err := t.verifyConfig().Validate(); err != nil {
			for _, e := range joined(err) {
				var fe *twilioverify.FieldError
				if errors.As(e, &fe) {
					bad(yamlName[fe.Field], "%s", fe.Rule)
				}
			}
		}
	}
	if t.Timeout < 0 || t.Timeout > maxTwilioTimeout {
		bad("twilio.timeout", "must be between 0 (default %s) and %s", DefaultTwilioTimeout, maxTwilioTimeout)
	}
	if t.webhooksOn() {
		if httpAddr == "off" {
			bad("twilio.auth_token", "turns the Twilio webhooks on, but http.addr is off")
		}
		if u, err := url.Parse(t.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
			bad("twilio.public_url", "must be the absolute http(s) URL Twilio reaches callgate at, e.g. https://callgate.example.org (or %s)", envPublicURL)
		}
	}
	if t.SIPURI != "" && !sipURIRe.MatchString(t.SIPURI) {
		bad("twilio.sip_uri", "must be sip:user@host[:port][;params] or sips:..., without ? headers")
	}
}

// joined returns the errors joined in err (err itself when not joined).
func joined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // walking a join on purpose
		return j.Unwrap()
	}
	return []error{err}
}
