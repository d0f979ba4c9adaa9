package sip

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func dialT(t *testing.T, caller *Server, target string, opts DialOptions) *Call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := caller.Dial(ctx, target, opts)
	require.NoError(t, err)
	return c
}

func hangupT(t *testing.T, c *Call) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.Hangup(ctx))
}

func waitDigits(t *testing.T, rec *recorder, callID, want string) {
	t.Helper()
	checkFor(t, 5*time.Second, func() error {
		if got := rec.digitsOf(callID); got != want {
			return errors.New("digits so far: " + got)
		}
		return nil
	})
}

func TestDTMFFromEachSource(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	caller := newCaller(t)
	for _, transport := range []string{"udp", "tcp"} {
		t.Run("rfc4733/"+transport, func(t *testing.T) {
			c := dialT(t, caller, ts.uri(transport), DialOptions{})
			require.NoError(t, c.Media().SendDigits("1122#*", 60*time.Millisecond))
			waitDigits(t, ts.rec, c.CallID(), "1122#*")
			hangupT(t, c)
		})
		t.Run("info/"+transport, func(t *testing.T) {
			c := dialT(t, caller, ts.uri(transport), DialOptions{})
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			for _, k := range []byte("90#") {
				require.NoError(t, c.SendInfoDigit(ctx, k, 100*time.Millisecond))
			}
			waitDigits(t, ts.rec, c.CallID(), "90#")
			hangupT(t, c)
		})
	}
	t.Run("inband (no telephone-event offered)", func(t *testing.T) {
		c := dialT(t, caller, ts.uri("udp"), DialOptions{NoDTMF: true})
		var pcm []int16
		for _, k := range []byte("4711") {
			var err error
			pcm, err = dtmf.AppendTone(pcm, k, 70*time.Millisecond, -10)
			require.NoError(t, err)
			pcm = append(pcm, make([]int16, 8*60)...)
		}
		require.NoError(t, c.Play(context.Background(), prompt.FromPCM("keys", pcm), media.PlayOptions{}))
		waitDigits(t, ts.rec, c.CallID(), "4711")
		hangupT(t, c)
	})
}

func TestHangupEitherSide(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	caller := newCaller(t)

	t.Run("caller BYE", func(t *testing.T) {
		c := dialT(t, caller, ts.uri("udp"), DialOptions{})
		hangupT(t, c)
		checkFor(t, 3*time.Second, func() error {
			if ts.rec.causeOf(c.CallID()) != CauseRemoteBye {
				return errors.New("server has not seen the BYE")
			}
			return nil
		})
	})
	t.Run("server BYE when the application ends", func(t *testing.T) {
		rec := newRecorder()
		rec.hold = 300 * time.Millisecond
		ts2 := startServer(t, Config{}, rec)
		c := dialT(t, caller, ts2.uri("udp"), DialOptions{})
		select {
		case <-c.Done():
			assert.Equal(t, CauseRemoteBye, c.EndCause())
		case <-time.After(5 * time.Second):
			t.Fatal("caller never got the server's BYE")
		}
		checkFor(t, 2*time.Second, func() error {
			if got := rec.causeOf(c.CallID()); got != CauseLocalHangup {
				return errors.New("end cause " + got.String())
			}
			return nil
		})
	})
	t.Run("server BYE over TCP", func(t *testing.T) {
		rec := newRecorder()
		rec.hold = 300 * time.Millisecond
		ts2 := startServer(t, Config{}, rec)
		c := dialT(t, caller, ts2.uri("tcp"), DialOptions{})
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("caller never got the server's BYE over TCP")
		}
	})
}

func TestCancelBeforeAnswer(t *testing.T) {
	ts := startServer(t, Config{AnswerDelay: 3 * time.Second}, nil)
	caller := newCaller(t)
	var provisional []int
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := caller.Dial(ctx, ts.uri("udp"), DialOptions{RingTimeout: 500 * time.Millisecond, OnProvisional: func(code int) { provisional = append(provisional, code) }})
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2500*time.Millisecond, "CANCEL ended the attempt before the answer delay")
	assert.Contains(t, provisional, 180)
	checkFor(t, 3*time.Second, func() error {
		if ts.ActiveCalls() != 0 {
			return errors.New("call slot still held")
		}
		return nil
	})
	assert.Equal(t, 0, ts.eng.PortsInUse(), "the cancelled call's RTP ports are freed")
}

func TestHoldAndResume(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	caller := newCaller(t)
	c := dialT(t, caller, ts.uri("udp"), DialOptions{})
	defer hangupT(t, c)
	rx := func() uint64 { return c.Media().Stats().RxPackets }
	checkFor(t, 2*time.Second, func() error {
		if rx() < 10 {
			return errors.New("no RTP from the server yet")
		}
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	require.NoError(t, c.Reoffer(ctx, SendOnly), "hold")
	assert.Equal(t, SendOnly, c.Direction(), "the server answered recvonly, so we only send")
	time.Sleep(100 * time.Millisecond)
	n := rx()
	time.Sleep(400 * time.Millisecond)
	assert.LessOrEqual(t, rx()-n, uint64(1), "a held server sends no RTP")

	require.NoError(t, c.Reoffer(ctx, SendRecv), "resume")
	checkFor(t, 2*time.Second, func() error {
		if rx()-n < 10 {
			return errors.New("RTP did not resume")
		}
		return nil
	})
	assert.Equal(t, SendRecv, c.Direction())
}

func TestRTPTimeoutHangsUp(t *testing.T) {
	ts := startServer(t, Config{RTPTimeout: 1500 * time.Millisecond}, nil)
	caller := newCaller(t)
	c := dialT(t, caller, ts.uri("udp"), DialOptions{})
	c.Media().SetSending(false) // the caller vanishes without BYE
	select {
	case <-c.Done():
	case <-time.After(6 * time.Second):
		t.Fatal("server kept a silent call")
	}
	checkFor(t, 2*time.Second, func() error {
		if got := ts.rec.causeOf(c.CallID()); got != CauseRTPTimeout {
			return errors.New("end cause " + got.String())
		}
		return nil
	})
}

func TestAdmissionAndRateLimit(t *testing.T) {
	caller := newCaller(t)
	t.Run("max calls", func(t *testing.T) {
		ts := startServer(t, Config{MaxCalls: 2, RetryAfter: 7}, nil)
		c1 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		c2 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		_, err := caller.Dial(context.Background(), ts.uri("udp"), DialOptions{})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 503, se.Code)
		res := rawRequest(t, ts.udp, inviteMsg("adm-1", offer("m=audio 4000 RTP/AVP 0")), 5*time.Second)
		assert.True(t, strings.HasPrefix(res, "SIP/2.0 503 "), res)
		assert.Contains(t, res, "Retry-After: 7\r\n")
		hangupT(t, c1)
		checkFor(t, 5*time.Second, func() error {
			if ts.ActiveCalls() != 1 {
				return errors.New("slot not released")
			}
			return nil
		})
		c3 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		hangupT(t, c2)
		hangupT(t, c3)
	})
	t.Run("per-source INVITE rate", func(t *testing.T) {
		ts := startServer(t, Config{InviteRate: 0.5, InviteBurst: 2}, nil)
		c1 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		c2 := dialT(t, caller, ts.uri("udp"), DialOptions{})
		_, err := caller.Dial(context.Background(), ts.uri("udp"), DialOptions{})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 503, se.Code)
		hangupT(t, c1)
		hangupT(t, c2)
		assert.Contains(t, ts.rec.rejections(), 503)
	})
	t.Run("draining", func(t *testing.T) {
		ts := startServer(t, Config{}, nil)
		ts.Drain()
		_, err := caller.Dial(context.Background(), ts.uri("udp"), DialOptions{})
		var se *StatusError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, 503, se.Code)
		res := rawRequest(t, ts.udp, optionsMsg("drain-1"), 2*time.Second)
		assert.True(t, strings.HasPrefix(res, "SIP/2.0 503 "), "OPTIONS tells the balancer we drain: %s", res)
	})
}

func TestNoLeaksAfterCalls(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	caller := newCaller(t)
	// Warm up sipgo's connection pools and timers, then measure.
	hangupT(t, dialT(t, caller, ts.uri("udp"), DialOptions{}))
	time.Sleep(200 * time.Millisecond)
	base := runtime.NumGoroutine()
	for range 10 {
		c := dialT(t, caller, ts.uri("udp"), DialOptions{})
		require.NoError(t, c.Media().SendDigits("5", 40*time.Millisecond))
		waitDigits(t, ts.rec, c.CallID(), "5")
		hangupT(t, c)
	}
	checkFor(t, 3*time.Second, func() error {
		if ts.ActiveCalls() != 0 || ts.eng.PortsInUse() != 0 || ts.eng.Sessions() != 0 {
			return errors.New("calls, ports or sessions remain")
		}
		return nil
	})
	// sipgo keeps finished transactions for Timer J/K; allow a little slack
	// but no per-call goroutine may remain (10 calls x 2 goroutines: the read loop and the handler).
	checkFor(t, 3*time.Second, func() error {
		if n := runtime.NumGoroutine(); n > base+5 {
			return errors.New("goroutines grew: " + strconv.Itoa(base) + " -> " + strconv.Itoa(n))
		}
		return nil
	})
}

func TestDelayedOffer(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	caller := newCaller(t)
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			// The caller sends no SDP; the server offers PCMU and PCMA, the
			// caller answers in the ACK.
			c := dialT(t, caller, ts.uri(transport), DialOptions{DelayedOffer: true})
			defer hangupT(t, c)
			assert.Equal(t, media.PCMU, c.Media().Codec(), "the answerer takes the offer's first codec it supports")
			require.NoError(t, c.Media().SendDigits("73", 50*time.Millisecond))
			waitDigits(t, ts.rec, c.CallID(), "73")
			checkFor(t, 2*time.Second, func() error {
				if c.Media().Stats().RxPackets < 10 {
					return errors.New("no RTP from the server after the ACK's answer")
				}
				return nil
			})
		})
	}
}
