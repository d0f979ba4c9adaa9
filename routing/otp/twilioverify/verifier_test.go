package twilioverify_test

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/callgate/callgate/routing/otp/twilioverify"
	"github.com/callgate/callgate/routing/otp/twilioverify/verifytest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo members' numbers on file, as stored.
const (
	mariaSubject = "m_mariaaaaaaaaaaaaaaa"
	jamesSubject = "m_jamesaaaaaaaaaaaaaaa"
	mariaE164    = "+12175550117"
	jamesE164    = "+12075550190"
)

func phones() twilioverify.Phones {
	onFile := map[string]string{
		mariaSubject:             "+1 217 555 0117",
		jamesSubject:             "+1 207 555 0190 (mobile)",
		"m_nophoneaaaaaaaaaaaaa": "",
		"m_localaaaaaaaaaaaaaaa": "217 555 0117",
	}
	return twilioverify.PhonesFunc(func(_ context.Context, subject string) (string, error) {
		p, ok := onFile[subject]
		if !ok {
			return "", errors.New("member not found")
		}
		return p, nil
	})
}

func config() twilioverify.Config {
	return twilioverify.Config{
		AccountSID: verifytest.AccountSID, APIKeySID: verifytest.APIKeySID, APIKeySecret: verifytest.APIKeySecret,
		ServiceSID: verifytest.ServiceSID, Timeout: 2 * time.Second,
	}
}

func newVerifier(t *testing.T, fake *verifytest.Server, mutate ...func(*twilioverify.Config)) *twilioverify.Verifier {
	t.Helper()
	cfg := config()
	for _, m := range mutate {
		m(&cfg)
	}
	v, err := twilioverify.New(cfg, phones(), twilioverify.WithTransport(fake.Transport()))
	require.NoError(t, err)
	return v
}

func TestSendGoesToTheNumberOnFileOnly(t *testing.T) {
	fake := verifytest.NewServer(t)
	v := newVerifier(t, fake)
	ctx := context.Background()
	require.NoError(t, v.Send(ctx, mariaSubject, twilioverify.ChannelSMS))
	require.NoError(t, v.Send(ctx, jamesSubject, twilioverify.ChannelCall))

	sends := fake.Sends()
	require.Len(t, sends, 2)
	assert.Equal(t, "/v2/Services/"+verifytest.ServiceSID+"/Verifications", sends[0].Path)
	for i, want := range []struct{ to, channel string }{{mariaE164, "sms"}, {jamesE164, "call"}} {
		keys := make([]string, 0, len(sends[i].Form))
		for k := range sends[i].Form {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		assert.Equal(t, []string{"Channel", "To"}, keys, "nothing but the destination and the channel: no friendly name, tags or locale")
		assert.Equal(t, want.to, sends[i].Form.Get("To"), "the number on file, in E.164")
		assert.Equal(t, want.channel, sends[i].Form.Get("Channel"))
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*verifytest.Server)
		send  bool
		codes []string
		want  []twilioverify.Result
	}{
		{"approved", nil, true, []string{"123456"}, []twilioverify.Result{twilioverify.Approved}},
		{"wrong code stays pending, then approved", nil, true, []string{"111111", "123456"},
			[]twilioverify.Result{twilioverify.Pending, twilioverify.Approved}},
		{"too many checks (60202)", func(s *verifytest.Server) { s.SetMaxChecks(2) }, true,
			[]string{"111111", "222222", "123456"},
			[]twilioverify.Result{twilioverify.Pending, twilioverify.Pending, twilioverify.TooManyChecks}},
		{"expired (20404)", func(s *verifytest.Server) { s.Expire(mariaE164) }, true, []string{"123456"},
			[]twilioverify.Result{twilioverify.Expired}},
		{"never sent (20404)", nil, false, []string{"123456"}, []twilioverify.Result{twilioverify.Expired}},
		{"already approved (20404)", nil, true, []string{"123456", "123456"},
			[]twilioverify.Result{twilioverify.Approved, twilioverify.Expired}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := verifytest.NewServer(t)
			v := newVerifier(t, fake)
			ctx := context.Background()
			if tc.send {
				require.NoError(t, v.Send(ctx, mariaSubject, twilioverify.ChannelSMS))
			}
			if tc.setup != nil {
				tc.setup(fake)
			}
			for i, code := range tc.codes {
				got, err := v.Check(ctx, mariaSubject, []byte(code))
				require.NoError(t, err, "check %d", i)
				assert.Equal(t, tc.want[i], got, "check %d: %s", i, got)
			}
			for _, c := range fake.Checks() {
				assert.Equal(t, mariaE164, c.Form.Get("To"))
			}
		})
	}
}

func TestUnavailable(t *testing.T) {
	tests := []struct {
		name  string
		setup func(*verifytest.Server)
		cfg   func(*twilioverify.Config)
		want  error
	}{
		{"slow: time-out", func(s *verifytest.Server) { s.SetDelay(time.Second) },
			func(c *twilioverify.Config) { c.Timeout = 100 * time.Millisecond }, twilioverify.ErrUnavailable},
		{"unreachable", func(s *verifytest.Server) { s.Close() }, nil, twilioverify.ErrUnavailable},
		{"server error", func(s *verifytest.Server) { s.SetFailStatus(http.StatusServiceUnavailable) }, nil, twilioverify.ErrUnavailable},
		{"rate-limited", func(s *verifytest.Server) { s.SetFailStatus(http.StatusTooManyRequests) }, nil, twilioverify.ErrUnavailable},
		{"wrong API key secret", nil, func(c *twilioverify.Config) { c.APIKeySecret = "notTheSecret0123456789" }, twilioverify.ErrRejected},
		{"wrong service", nil, func(c *twilioverify.Config) { c.ServiceSID = "VAffffffffffffffffffffffffffffffff" }, twilioverify.ErrRejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := verifytest.NewServer(t)
			var mutate []func(*twilioverify.Config)
			if tc.cfg != nil {
				mutate = append(mutate, tc.cfg)
			}
			v := newVerifier(t, fake, mutate...)
			if tc.setup != nil {
				tc.setup(fake)
			}
			start := time.Now()
			err := v.Send(context.Background(), mariaSubject, twilioverify.ChannelSMS)
			require.ErrorIs(t, err, tc.want)
			assert.Less(t, time.Since(start), time.Second, "bounded by the timeout")
			assertNoPHI(t, err.Error())
			res, err := v.Check(context.Background(), mariaSubject, []byte("123456"))
			if tc.name == "wrong service" {
				// Twilio answers 20404 for an unknown service too, which a
				// check cannot tell from an expired code; the send (always
				// first) is what refuses.
				require.NoError(t, err)
				assert.Equal(t, twilioverify.Expired, res)
				return
			}
			require.ErrorIs(t, err, tc.want)
			assertNoPHI(t, err.Error())
		})
	}
}

func TestFailureForOneNumberOnly(t *testing.T) {
	fake := verifytest.NewServer(t)
	fake.SetFailStatusFor(jamesE164, http.StatusServiceUnavailable)
	v := newVerifier(t, fake)
	require.ErrorIs(t, v.Send(context.Background(), jamesSubject, twilioverify.ChannelSMS), twilioverify.ErrUnavailable)
	require.NoError(t, v.Send(context.Background(), mariaSubject, twilioverify.ChannelSMS))
	fake.SetFailStatusFor(jamesE164, 0)
	require.NoError(t, v.Send(context.Background(), jamesSubject, twilioverify.ChannelSMS))
}

func TestContextCancelsTheRequest(t *testing.T) {
	fake := verifytest.NewServer(t)
	fake.SetDelay(5 * time.Second)
	v := newVerifier(t, fake)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := v.Send(ctx, mariaSubject, twilioverify.ChannelSMS)
	require.ErrorIs(t, err, twilioverify.ErrUnavailable)
	assert.Less(t, time.Since(start), time.Second, "the caller's context ends the request, not the 2 s client timeout")
}

func TestNoUsablePhone(t *testing.T) {
	fake := verifytest.NewServer(t)
	v := newVerifier(t, fake)
	for _, subject := range []string{"m_nophoneaaaaaaaaaaaaa", "m_localaaaaaaaaaaaaaaa", "m_unknownaaaaaaaaaaaa"} {
		err := v.Send(context.Background(), subject, twilioverify.ChannelSMS)
		require.ErrorIs(t, err, twilioverify.ErrNoPhone, subject)
		assertNoPHI(t, err.Error())
		_, err = v.Check(context.Background(), subject, []byte("123456"))
		require.ErrorIs(t, err, twilioverify.ErrNoPhone, subject)
	}
	assert.Empty(t, fake.Sends(), "nothing is sent without a number on file")
}

func TestBadInputs(t *testing.T) {
	fake := verifytest.NewServer(t)
	v := newVerifier(t, fake)
	for _, code := range []string{"", "123", "12345678901", "12a456", "123456#"} {
		_, err := v.Check(context.Background(), mariaSubject, []byte(code))
		require.ErrorIs(t, err, twilioverify.ErrBadCode, "%q", code)
	}
	require.ErrorIs(t, v.Send(context.Background(), mariaSubject, "whatsapp"), twilioverify.ErrRejected)
	assert.Empty(t, fake.Checks())
	assert.Empty(t, fake.Sends())
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, config().Validate())
	tests := []struct {
		name   string
		mutate func(*twilioverify.Config)
		field  string
	}{
		{"account", func(c *twilioverify.Config) { c.AccountSID = "AC123" }, "AccountSID"},
		{"auth token instead of an API key", func(c *twilioverify.Config) { c.APIKeySID = verifytest.AccountSID }, "APIKeySID"},
		{"secret with symbols", func(c *twilioverify.Config) { c.APIKeySecret = "s3cr3t!/with+symbols==" }, "APIKeySecret"},
		{"service", func(c *twilioverify.Config) { c.ServiceSID = "" }, "ServiceSID"},
		{"timeout", func(c *twilioverify.Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config()
			tc.mutate(&cfg)
			err := cfg.Validate()
			require.ErrorIs(t, err, twilioverify.ErrInvalidConfig)
			var fe *twilioverify.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.field, fe.Field)
			assert.Contains(t, err.Error(), tc.field)
			assert.NotContains(t, err.Error(), "s3cr3t", "a secret is never repeated")
			_, err = twilioverify.New(cfg, phones())
			require.ErrorIs(t, err, twilioverify.ErrInvalidConfig)
		})
	}
	_, err := twilioverify.New(config(), nil)
	require.ErrorIs(t, err, twilioverify.ErrInvalidConfig)
	_, err = twilioverify.New(config(), phones(), twilioverify.WithTransport(nil))
	require.ErrorIs(t, err, twilioverify.ErrInvalidConfig)
}

func TestResultString(t *testing.T) {
	for r, want := range map[twilioverify.Result]string{
		twilioverify.Pending: "pending", twilioverify.Approved: "approved", twilioverify.Expired: "expired",
		twilioverify.TooManyChecks: "too_many_checks", 9: "unknown",
	} {
		assert.Equal(t, want, r.String())
	}
}

func assertNoPHI(t *testing.T, s string) {
	t.Helper()
	for _, phi := range []string{"217", "555", "0117", "0190", "123456", mariaE164} {
		assert.NotContains(t, s, phi)
	}
}
