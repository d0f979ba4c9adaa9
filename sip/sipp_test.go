package sip

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/callgate/callgate/sip/siptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests put SIPp 3.6.1 (Debian sip-tester) in front of the server as
// an independent caller and callee. With CALLGATE_REQUIRE_PEERS=1 a missing
// sipp fails them; otherwise they skip with the install command.

func requireSippPeers(t *testing.T) {
	t.Helper()
	siptest.RequireSipp(t)
	siptest.RequireRawSockets(t) // play_dtmf and pcap play use raw sockets
}

func waitIdle(t *testing.T, ts *testServer) {
	t.Helper()
	checkFor(t, 5*time.Second, func() error {
		if n := ts.ActiveCalls(); n != 0 {
			return errors.New(strconv.Itoa(n) + " calls still active")
		}
		if n := ts.eng.PortsInUse(); n != 0 {
			return errors.New(strconv.Itoa(n) + " RTP port pairs still allocated")
		}
		return nil
	})
}

func TestSIPpDTMFRFC4733(t *testing.T) {
	requireSippPeers(t)
	ts := startServer(t, Config{}, nil)
	const digits = "10001234#0411*"
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_dtmf_rfc4733",
		Target:   ts.udp.String(),
		Vars: map[string]string{
			"dtmf":    digits + ",80",
			"hold_ms": strconv.Itoa(int(siptest.DTMFPlayDuration(digits+",80")/time.Millisecond) + 600),
		},
	})
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	require.Zero(t, res.Failed)
	require.Len(t, res.CallIDs, 1)
	assert.Equal(t, digits, ts.rec.digitsOf(res.CallIDs[0]), "exactly the digits SIPp sent, repeated ones kept apart")
	waitIdle(t, ts)
	assert.Equal(t, CauseRemoteBye, ts.rec.causeOf(res.CallIDs[0]))
}

func TestSIPpDTMFPcapPT101(t *testing.T) {
	requireSippPeers(t)
	siptest.RequirePcaps(t)
	ts := startServer(t, Config{}, nil)
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{Scenario: "uac_dtmf_pcap", Target: ts.udp.String()})
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	require.Len(t, res.CallIDs, 1)
	assert.Equal(t, "12#", ts.rec.digitsOf(res.CallIDs[0]), "RFC 4733 events at payload type 101 from the shipped pcaps")
	waitIdle(t, ts)
}

func TestSIPp50ConcurrentCallsWithDTMF(t *testing.T) {
	requireSippPeers(t)
	ts := startServer(t, Config{InviteBurst: 100}, nil)
	const n = 50
	spec := "2468#,60"
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_dtmf_rfc4733", Target: ts.udp.String(),
		Calls: n, Concurrency: n, Rate: 200, Timeout: 60 * time.Second,
		Vars: map[string]string{"dtmf": spec, "hold_ms": strconv.Itoa(int(siptest.DTMFPlayDuration(spec)/time.Millisecond) + 2000)},
	})
	require.Equal(t, n, res.Successful, res.ErrorLog)
	require.Zero(t, res.Failed)
	require.Len(t, res.CallIDs, n)
	all := ts.rec.allDigits()
	for _, id := range res.CallIDs {
		assert.Equal(t, "2468#", all[id], "call %s", id)
	}
	waitIdle(t, ts)
	assert.Empty(t, ts.rec.rejections(), "no INVITE was refused")
}

func TestSIPpOverTCP(t *testing.T) {
	requireSippPeers(t)
	ts := startServer(t, Config{}, nil)
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{
		Scenario: "uac_basic", Target: ts.tcp.String(), Transport: "t1",
		Calls: 5, Concurrency: 5, Rate: 50, Vars: map[string]string{"hold_ms": "500"},
	})
	require.Equal(t, 5, res.Successful, res.ErrorLog)
	waitIdle(t, ts)
}

func TestSIPpCancelBeforeAnswer(t *testing.T) {
	requireSippPeers(t)
	ts := startServer(t, Config{AnswerDelay: 3 * time.Second}, nil)
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{Scenario: "uac_cancel", Target: ts.udp.String(), Calls: 3, Concurrency: 3, Rate: 50})
	require.Equal(t, 3, res.Successful, "200 to CANCEL, then 487 to INVITE: %s", res.ErrorLog)
	waitIdle(t, ts)
	for _, id := range res.CallIDs {
		assert.Equal(t, CauseCancelled, ts.rec.causeOf(id))
	}
}

func TestSIPpServerHangsUp(t *testing.T) {
	requireSippPeers(t)
	rec := newRecorder()
	rec.hold = 500 * time.Millisecond
	ts := startServer(t, Config{}, rec)
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{Scenario: "uac_wait_bye", Target: ts.udp.String(), Calls: 3, Concurrency: 3, Rate: 50})
	require.Equal(t, 3, res.Successful, res.ErrorLog)
	waitIdle(t, ts)
}

func TestSIPpNoCommonCodecAndOptions(t *testing.T) {
	requireSippPeers(t)
	ts := startServer(t, Config{}, nil)
	res := siptest.RunSipp(context.Background(), t, siptest.SippOptions{Scenario: "uac_no_codec", Target: ts.udp.String()})
	require.Equal(t, 1, res.Successful, "488 for a G.722-only offer: %s", res.ErrorLog)
	res = siptest.RunSipp(context.Background(), t, siptest.SippOptions{Scenario: "options", Target: ts.udp.String()})
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	assert.Contains(t, ts.rec.rejections(), 488)
	waitIdle(t, ts)
}

func TestSIPpAnswersOurCall(t *testing.T) {
	requireSippPeers(t)
	caller := newCaller(t)
	t.Run("we hang up", func(t *testing.T) {
		uas := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer"})
		c := dialT(t, caller, "sip:agent@"+uas.Addr(), DialOptions{})
		assert.Equal(t, uint8(101), c.Media().DTMFPayloadType(), "SIPp answered with telephone-event 101")
		require.NoError(t, c.Media().SendDigits("55", 50*time.Millisecond))
		time.Sleep(500 * time.Millisecond)
		hangupT(t, c)
		res := uas.Wait()
		require.Equal(t, 1, res.Successful, res.ErrorLog)
	})
	t.Run("SIPp hangs up", func(t *testing.T) {
		uas := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer_bye", Vars: map[string]string{"hold_ms": "500"}})
		c := dialT(t, caller, "sip:agent@"+uas.Addr(), DialOptions{})
		select {
		case <-c.Done():
			assert.Equal(t, CauseRemoteBye, c.EndCause())
		case <-time.After(5 * time.Second):
			t.Fatal("SIPp's BYE did not end our call")
		}
		res := uas.Wait()
		require.Equal(t, 1, res.Successful, res.ErrorLog)
	})
}

func TestSIPpTransferBridgesTheCall(t *testing.T) {
	requireSippPeers(t)
	// The "agent" is a SIPp UAS that answers and hangs up after 1.5 s; the
	// caller is one of our own legs. Transfer must bridge, and the agent's
	// BYE must end the caller's call too.
	uas := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_answer_bye", Vars: map[string]string{"hold_ms": "1500"}})
	done := make(chan error, 1)
	ts := startServerWith(t, Config{}, nil, HandlerFunc(func(ctx context.Context, c *Call) {
		done <- c.Transfer(ctx, "sip:agent@"+uas.Addr())
	}))
	caller := newCaller(t)
	c := dialT(t, caller, ts.uri("udp"), DialOptions{})
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("transfer did not end")
	}
	select {
	case <-c.Done():
		assert.Equal(t, CauseRemoteBye, c.EndCause(), "the agent's hang-up ended the caller's leg")
	case <-time.After(5 * time.Second):
		t.Fatal("caller leg still up")
	}
	res := uas.Wait()
	require.Equal(t, 1, res.Successful, res.ErrorLog)
	waitIdle(t, ts)
}
