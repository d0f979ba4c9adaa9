package sip

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/sip/siptest"
)

// toneFor returns a prompt of DTMF key's two tones (in-band audio).
func toneFor(t *testing.T, key byte) *prompt.Prompt {
	t.Helper()
	pcm, err := dtmf.AppendTone(nil, key, 250*time.Millisecond, -10)
	require.NoError(t, err)
	pcm = append(pcm, make([]int16, 8000/2)...) // and 500 ms of silence
	return prompt.FromPCM("tone", pcm)
}

// TestBridgeCarriesAudioBothWays: caller → callgate (B2BUA) → agent, all
// real SIP and RTP on loopback. The agent's leg plays a tone that the
// caller hears (detected in-band at the caller), and the caller's tone
// reaches the agent, through the anchored media bridge.
func TestBridgeCarriesAudioBothWays(t *testing.T) {
	fromCaller := make(chan byte, 1)
	agent := startServerWith(t, Config{}, nil, HandlerFunc(func(ctx context.Context, c *Call) {
		go func() {
			d, err := c.Digits().Next(ctx)
			if err == nil {
				fromCaller <- d.Key
			}
		}()
		for ctx.Err() == nil { // until the caller hears it and hangs up
			if err := c.Play(ctx, toneFor(t, '3'), media.PlayOptions{}); err != nil {
				return
			}
		}
	}))
	gate := startServerWith(t, Config{}, nil, HandlerFunc(func(ctx context.Context, c *Call) {
		_ = c.Transfer(ctx, "sip:agent@"+agent.udp.String())
	}))
	caller := newCaller(t)
	c := dialT(t, caller, gate.uri("udp"), DialOptions{InbandDTMF: true})

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := c.Digits().Next(ctx)
	require.NoError(t, err, "the caller hears the agent's audio")
	assert.Equal(t, byte('3'), d.Key)
	assert.Equal(t, dtmf.SourceInband, d.Source, "heard as audio, not as an RFC 4733 event")

	require.NoError(t, c.Play(ctx, toneFor(t, '8'), media.PlayOptions{}))
	select {
	case k := <-fromCaller:
		assert.Equal(t, byte('8'), k, "the agent hears the caller's audio")
	case <-ctx.Done():
		t.Fatal("the caller's tone did not reach the agent")
	}
	hangupT(t, c)
	waitIdle(t, gate)
}

// TestSIPpCallerHangsUpWhileAgentRings: the agent's phone (SIPp) rings and
// never answers; when the caller hangs up, callgate CANCELs the agent leg
// (SIPp's scenario needs the CANCEL to pass).
func TestSIPpCallerHangsUpWhileAgentRings(t *testing.T) {
	requireSippPeers(t)
	phone := siptest.StartSipp(context.Background(), t, siptest.SippOptions{Scenario: "uas_ring_cancel", Timeout: 20 * time.Second})
	connected := make(chan error, 1)
	gate := startServerWith(t, Config{}, nil, HandlerFunc(func(ctx context.Context, c *Call) {
		_, err := c.Connect(ctx, "sip:alice@"+phone.Addr(), 15*time.Second)
		connected <- err
	}))
	caller := newCaller(t)
	c := dialT(t, caller, gate.uri("udp"), DialOptions{})
	time.Sleep(time.Second) // the phone is ringing
	start := time.Now()
	hangupT(t, c)
	select {
	case err := <-connected:
		require.Error(t, err, "no agent leg when the caller left")
		assert.Less(t, time.Since(start), 3*time.Second, "the ringing leg is abandoned at once, not at the ring timeout")
	case <-time.After(10 * time.Second):
		t.Fatal("Connect still waiting after the caller hung up")
	}
	res := phone.Wait()
	require.Equal(t, 1, res.Successful, "the phone got CANCEL: %s", res.ErrorLog)
	waitIdle(t, gate)
}
