package sip

import (
	"context"
	"crypto/md5" //nolint:gosec // SIP digest is MD5 (RFC 2617)
	"encoding/hex"
	"errors"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func table(t *testing.T, trunks ...trunk.Trunk) *trunk.Table {
	t.Helper()
	tab, err := trunk.NewTable(trunks)
	require.NoError(t, err)
	return tab
}

func allowTrunk(name, cidr string, maxCalls int) trunk.Trunk {
	return trunk.Trunk{Name: name, Addresses: []string{"127.0.0.1:5099"}, Allow: []netip.Prefix{netip.MustParsePrefix(cidr)}, MaxCalls: maxCalls}
}

func ha1(user, pass string) string {
	sum := md5.Sum([]byte(user + ":" + DefaultRealm + ":" + pass)) //nolint:gosec // digest HA1
	return hex.EncodeToString(sum[:])
}

func dialErr(t *testing.T, caller *Server, target string, opts DialOptions) *StatusError {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := caller.Dial(ctx, target, opts)
	if c != nil {
		hangupT(t, c)
	}
	var se *StatusError
	require.ErrorAs(t, err, &se)
	return se
}

func TestTrunkAdmission(t *testing.T) {
	caller := newCaller(t) // calls from 127.0.0.1
	t.Run("allowlisted source is admitted as its trunk", func(t *testing.T) {
		ts := startServerWith(t, Config{}, nil, nil, WithTrunks(table(t, allowTrunk("other", "127.0.0.2/32", 0), allowTrunk("carrier", "127.0.0.0/8", 0))))
		c := dialT(t, caller, ts.uri("udp"), DialOptions{})
		var in *Call
		checkFor(t, 2*time.Second, func() error {
			if in = ts.rec.lastStarted(); in == nil {
				return errors.New("no call started")
			}
			return nil
		})
		assert.Equal(t, "carrier", in.Trunk())
		assert.Positive(t, in.SetupTime())
		assert.Equal(t, map[string]int{"carrier": 1}, ts.TrunkCalls())
		hangupT(t, c)
		waitIdle(t, ts)
		assert.Empty(t, ts.TrunkCalls(), "the trunk's slot is released")
	})
	t.Run("source matching no trunk gets 403", func(t *testing.T) {
		ts := startServerWith(t, Config{}, nil, nil, WithTrunks(table(t, allowTrunk("carrier", "127.0.0.2/32", 0))))
		se := dialErr(t, caller, ts.uri("udp"), DialOptions{})
		assert.Equal(t, 403, se.Code)
		res := rawRequest(t, ts.udp, inviteMsg("unknown-1", offer("m=audio 4000 RTP/AVP 0")), 5*time.Second)
		assert.True(t, strings.HasPrefix(res, "SIP/2.0 403 "), res)
		// The observer hears of a rejection as the response goes out.
		assert.Eventually(t, func() bool { return len(ts.rec.rejectReasons()) == 2 }, 2*time.Second, 5*time.Millisecond)
		assert.Equal(t, []string{ReasonUnknownSource, ReasonUnknownSource}, ts.rec.rejectReasons())
		assert.Zero(t, ts.ActiveCalls())
	})
	t.Run("no trunks at all admits nobody", func(t *testing.T) {
		ts := startServerWith(t, Config{}, nil, nil, WithTrunks(nil))
		assert.Equal(t, 403, dialErr(t, caller, ts.uri("udp"), DialOptions{}).Code)
	})
	t.Run("a trunk at its limit gets 503 with Retry-After", func(t *testing.T) {
		ts := startServerWith(t, Config{RetryAfter: 9}, nil, nil, WithTrunks(table(t, allowTrunk("carrier", "127.0.0.1/32", 1))))
		c1 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		assert.Equal(t, 503, dialErr(t, caller, ts.uri("udp"), DialOptions{}).Code)
		res := rawRequest(t, ts.udp, inviteMsg("busy-1", offer("m=audio 4000 RTP/AVP 0")), 5*time.Second)
		assert.True(t, strings.HasPrefix(res, "SIP/2.0 503 "), res)
		assert.Contains(t, res, "Retry-After: 9\r\n")
		assert.Eventually(t, func() bool { return len(ts.rec.rejectReasons()) == 2 }, 2*time.Second, 5*time.Millisecond)
		assert.Equal(t, []string{ReasonTrunkBusy, ReasonTrunkBusy}, ts.rec.rejectReasons())
		hangupT(t, c1)
		checkFor(t, 5*time.Second, func() error {
			if len(ts.TrunkCalls()) != 0 {
				return errors.New("trunk slot not released")
			}
			return nil
		})
		c2 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		hangupT(t, c2)
	})
	t.Run("digest trunk: 407, then admitted with the right password", func(t *testing.T) {
		dig := trunk.Trunk{Name: "sipcarrier", Addresses: []string{"127.0.0.1:5099"}, Digest: &trunk.Credentials{Username: "acme", HA1: ha1("acme", "s3cret-trunk")}}
		ts := startServerWith(t, Config{}, nil, nil, WithTrunks(table(t, dig)))
		res := rawRequest(t, ts.udp, inviteMsg("dig-1", offer("m=audio 4000 RTP/AVP 0")), 5*time.Second)
		require.True(t, strings.HasPrefix(res, "SIP/2.0 407 "), res)
		assert.Contains(t, res, `Proxy-Authenticate: Digest realm="callgate"`)

		assert.Equal(t, 407, dialErr(t, caller, ts.uri("udp"), DialOptions{}).Code, "no credentials")
		assert.Equal(t, 403, dialErr(t, caller, ts.uri("udp"), DialOptions{AuthUsername: "acme", AuthPassword: "guess"}).Code, "wrong password")
		c := dialT(t, caller, ts.uri("udp"), DialOptions{AuthUsername: "acme", AuthPassword: "s3cret-trunk"})
		assert.Equal(t, map[string]int{"sipcarrier": 1}, ts.TrunkCalls())
		hangupT(t, c)
		assert.Eventually(t, func() bool {
			r := ts.rec.rejectReasons()
			return slices.Contains(r, ReasonAuthChallenge) && slices.Contains(r, ReasonAuthFailed)
		}, 2*time.Second, 5*time.Millisecond, "a challenge, then a failed answer: %v", ts.rec.rejectReasons())
	})
	t.Run("allowlist and digest: both needed", func(t *testing.T) {
		both := trunk.Trunk{Name: "strict", Addresses: []string{"127.0.0.1:5099"}, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32")},
			Digest: &trunk.Credentials{Username: "acme", HA1: ha1("acme", "s3cret-trunk")}}
		ts := startServerWith(t, Config{}, nil, nil, WithTrunks(table(t, both)))
		assert.Equal(t, 403, dialErr(t, caller, ts.uri("udp"), DialOptions{AuthUsername: "acme", AuthPassword: "s3cret-trunk"}).Code,
			"the right password from outside the allowlist")
	})
	t.Run("registered agent phone is admitted", func(t *testing.T) {
		reg := newMemRegistrar(map[string]string{"alice": "alice-demo-1"})
		ts := startServerWith(t, Config{}, nil, nil, WithRegistrar(reg), WithTrunks(nil))
		callerAddr := caller.Addr("udp")
		require.NoError(t, reg.Bind(context.Background(), "alice", Binding{Contact: "sip:alice@" + callerAddr.String(), Source: callerAddr, Transport: "udp", Expires: time.Now().Add(time.Hour)}))
		c := dialT(t, caller, ts.uri("udp"), DialOptions{FromUser: "alice"})
		assert.Empty(t, ts.TrunkCalls(), "an agent's call is on no trunk")
		hangupT(t, c)
		assert.Equal(t, 403, dialErr(t, caller, ts.uri("udp"), DialOptions{FromUser: "bob"}).Code, "not registered")
		require.NoError(t, reg.Bind(context.Background(), "alice", Binding{Contact: "sip:alice@127.0.0.9:5060", Source: netip.MustParseAddrPort("127.0.0.9:5060"), Transport: "udp", Expires: time.Now().Add(time.Hour)}))
		assert.Equal(t, 403, dialErr(t, caller, ts.uri("udp"), DialOptions{FromUser: "alice"}).Code, "registered from another address")
	})
	t.Run("without WithTrunks every source is admitted", func(t *testing.T) {
		ts := startServer(t, Config{}, nil)
		c := dialT(t, caller, ts.uri("udp"), DialOptions{})
		hangupT(t, c)
		assert.Empty(t, ts.rec.rejections())
	})
}

func TestRejectReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ErrUnknownSource, ReasonUnknownSource},
		{&StatusError{Code: 407, Err: ErrAuthRequired}, ReasonAuthChallenge},
		{&StatusError{Code: 403, Err: ErrAuthFailed}, ReasonAuthFailed},
		{ErrTrunkBusy, ReasonTrunkBusy},
		{ErrOverCapacity, ReasonOverCapacity},
		{ErrRateLimited, ReasonRateLimited},
		{ErrDraining, ReasonDraining},
		{ErrNoCommonCodec, ReasonNoCodec},
		{ErrBadSDP, ReasonBadRequest},
		{ErrMissingHeader, ReasonBadRequest},
		{&StatusError{Code: 420, Err: errors.New("x")}, ReasonBadRequest},
		{ErrUnsupportedMedia, ReasonUnsupportedMedia},
		{&StatusError{Code: 481, Err: errors.New("x")}, ReasonNoDialog},
		{&StatusError{Code: 480, Err: errors.New("x")}, ReasonUnavailable},
		{errors.New("boom"), ReasonOther},
	}
	for _, tc := range tests {
		t.Run(tc.want+"/"+tc.err.Error(), func(t *testing.T) {
			got := RejectReason(tc.err)
			assert.Equal(t, tc.want, got)
			assert.Contains(t, RejectReasons(), got)
		})
	}
	assert.Equal(t, 403, statusOf(ErrUnknownSource, 0).Code)
	assert.Equal(t, 503, statusOf(ErrTrunkBusy, 5).Code)
}

// TestDialSendsFromTheListenerIP places a call from a server listening on
// 127.0.0.2: the INVITE must come from that IP for the trunk that admits
// only 127.0.0.2 to let it in.
func TestDialSendsFromTheListenerIP(t *testing.T) {
	second := netip.MustParseAddr("127.0.0.2")
	eng, err := media.NewEngine(media.EngineConfig{IP: second})
	require.NoError(t, err)
	caller, err := NewServer(Config{}, eng, WithLogger(testLogger(t)))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- caller.ListenAndServe(ctx, "127.0.0.2:0") }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer scancel()
		_ = caller.Shutdown(sctx)
		cancel()
		<-done
		_ = eng.Close()
	})
	checkFor(t, 2*time.Second, func() error {
		if !caller.Addr("udp").IsValid() || !caller.Addr("tcp").IsValid() {
			return errors.New("listeners not up")
		}
		return nil
	})
	ts := startServerWith(t, Config{}, nil, nil, WithTrunks(table(t, allowTrunk("second", "127.0.0.2/32", 0))))
	for _, tr := range []string{"udp", "tcp"} {
		t.Run(tr, func(t *testing.T) {
			c := dialT(t, caller, ts.uri(tr), DialOptions{})
			assert.Equal(t, map[string]int{"second": 1}, ts.TrunkCalls())
			hangupT(t, c)
			waitIdle(t, ts)
		})
	}
}
