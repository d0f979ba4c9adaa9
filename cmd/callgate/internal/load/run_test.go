package load

import (
	"context"
	"errors"
	"math"
	"net/netip"
	"os"
	"testing"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/sip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// promptServer is a callgate-like IVR built in the test: it answers (after
// 180 Ringing and answerDelay), plays a short prompt after each '#' and
// stays up until the caller hangs up.
func promptServer(t *testing.T, answerDelay time.Duration) (target string, srv *sip.Server) {
	t.Helper()
	eng, err := media.NewEngine(media.EngineConfig{IP: netip.MustParseAddr("127.0.0.1"), PacerShards: 1})
	require.NoError(t, err)
	// Like the bundled prompts: 40 ms of digital silence, then sound.
	pcm := make([]int16, 0, 8*240)
	pcm = append(pcm, make([]int16, 8*40)...)
	for i := range 8 * 200 {
		pcm = append(pcm, int16(8000*math.Sin(2*math.Pi*1000*float64(i)/8000)))
	}
	beep := prompt.FromPCM("beep", pcm)
	handler := sip.HandlerFunc(func(ctx context.Context, c *sip.Call) {
		for {
			dg, err := c.Digits().Next(ctx)
			if err != nil {
				return // the caller hung up
			}
			if dg.Key == '#' {
				if err := c.Play(ctx, beep, media.PlayOptions{}); err != nil && !errors.Is(err, media.ErrPromptStopped) {
					return
				}
			}
		}
	})
	srv, err = sip.NewServer(sip.Config{AnswerDelay: answerDelay, InviteRate: -1}, eng, sip.WithHandler(handler))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx, "127.0.0.1:0") }()
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
		<-served
		_ = eng.Close()
	})
	require.Eventually(t, func() bool { return srv.Addr("udp").IsValid() }, 5*time.Second, 5*time.Millisecond)
	return "sip:ivr@" + srv.Addr("udp").String(), srv
}

func TestRunAgainstPromptServer(t *testing.T) {
	if testing.Short() {
		t.Skip("places 20 calls on loopback")
	}
	target, srv := promptServer(t, 30*time.Millisecond)
	script, err := ParseScript("12#@100ms,3#@1s")
	require.NoError(t, err)
	cfg := Config{
		Target:      target,
		Calls:       20,
		Concurrency: 10,
		Rate:        50,
		Script:      script,
		Tone:        60 * time.Millisecond,
		Hold:        700 * time.Millisecond,
		PID:         os.Getpid(), // the server is in this process
		RTPPorts:    media.PortRange{Low: 47000, High: 47999},
		Timeout:     time.Minute,
		Settle:      10 * time.Millisecond,
	}
	var progress int
	cfg.Progress = func(Progress) { progress++ }
	rep, err := Run(context.Background(), cfg)
	require.NoError(t, err)
	t.Logf("setup %+v\npdd %+v\nlast digit %+v missing %d late %d\ninter-arrival %+v\nrtp %+v\nserver %+v",
		rep.Setup, rep.PostDialDelay, rep.LastDigitToPrompt, rep.PromptsMissing, rep.AnchorsLate, rep.InterArrival, rep.RTP, rep.Server)

	// Counts.
	assert.Equal(t, 20, rep.Attempted)
	assert.Equal(t, 20, rep.Answered)
	assert.Equal(t, 20, rep.Completed, "failed: %v %v", rep.FailedBy, rep.FailureExamples)
	assert.Zero(t, rep.Failed)
	assert.Empty(t, rep.FailedBy)
	assert.LessOrEqual(t, rep.PeakActive, 10)
	assert.GreaterOrEqual(t, rep.PeakActive, 5)
	assert.Positive(t, progress, "progress is reported")

	// Setup waits out the answer delay; the 180 comes first.
	sane := func(name string, p Percentiles, n int, lo, hi float64) {
		t.Helper()
		assert.Equal(t, n, p.N, name)
		assert.GreaterOrEqual(t, p.P50, lo, name)
		assert.LessOrEqual(t, p.P50, p.P95, name)
		assert.LessOrEqual(t, p.P95, p.P99, name)
		assert.LessOrEqual(t, p.P99, p.Max, name)
		assert.Less(t, p.Max, hi, name)
	}
	sane("setup", rep.Setup, 20, 30, 2000)
	sane("post-dial delay", rep.PostDialDelay, 20, 0, 2000)
	assert.Less(t, rep.PostDialDelay.P50, rep.Setup.P50, "the 180 precedes the 200")

	// Last digit to the next prompt: measured on (nearly) every step; it
	// includes the prompt's 40 ms of leading silence and at most a frame
	// of the server's pacing, plus scheduling under -race.
	steps := rep.LastDigitToPrompt.N + rep.PromptsMissing + rep.AnchorsLate
	assert.Equal(t, 40, steps, "every step is accounted for")
	assert.GreaterOrEqual(t, rep.LastDigitToPrompt.N, 34, "most steps are measured")
	assert.LessOrEqual(t, rep.PromptsMissing, 2)
	sane("last digit to prompt", rep.LastDigitToPrompt, rep.LastDigitToPrompt.N, 35, 1000)
	assert.InDelta(t, rep.LastDigitToPrompt.P50-60, rep.LastDigitEndToPrompt.P50, 1e-6, "end of tone is 60 ms later")

	// RTP: the server paces 50 packets/s, all calls are heard.
	assert.Equal(t, 20, rep.RTP.Calls)
	assert.Greater(t, rep.RTP.RxPacketsPerCall, 40.0)
	assert.Greater(t, rep.RTP.TxPacketsPerCall, 40.0)
	assert.Zero(t, rep.RTP.Lost)
	assert.Equal(t, 20, rep.RTP.Jitter.N)
	assert.InDelta(t, 20, rep.InterArrival.P50, 5)
	assert.InDelta(t, 20, rep.GeneratorTicker.P50, 5)

	// Server sampling (here: this very process).
	require.NotNil(t, rep.Server)
	assert.Positive(t, rep.Server.RSSBeforeKiB)
	assert.Positive(t, rep.Server.ThreadsBefore)
	assert.Positive(t, rep.Server.FDsBefore)

	assert.Eventually(t, func() bool { return srv.ActiveCalls() == 0 }, 5*time.Second, 10*time.Millisecond, "every call was hung up")
}

func TestRunRefusesRemoteTargets(t *testing.T) {
	_, err := Run(context.Background(), Config{Target: "sip:ivr@192.0.2.10:5060"})
	assert.ErrorIs(t, err, ErrNotLoopback)
}

func TestRunCountsRejectedCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("places calls on loopback")
	}
	// A server without a handler answers every INVITE 480.
	eng, err := media.NewEngine(media.EngineConfig{IP: netip.MustParseAddr("127.0.0.1"), PacerShards: 1})
	require.NoError(t, err)
	defer eng.Close()
	srv, err := sip.NewServer(sip.Config{}, eng)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe(ctx, "127.0.0.1:0") }()
	defer func() { cancel(); <-served }()
	require.Eventually(t, func() bool { return srv.Addr("udp").IsValid() }, 5*time.Second, 5*time.Millisecond)

	rep, err := Run(context.Background(), Config{
		Target: "sip:ivr@" + srv.Addr("udp").String(), Calls: 5, Concurrency: 5,
		RTPPorts: media.PortRange{Low: 48000, High: 48999}, Timeout: 30 * time.Second, Settle: time.Millisecond,
	})
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Attempted)
	assert.Zero(t, rep.Answered)
	assert.Equal(t, 5, rep.Failed)
	assert.Equal(t, map[string]int{"sip_480": 5}, rep.FailedBy)
	assert.Contains(t, rep.FailureExamples["sip_480"], "480")
	assert.Zero(t, rep.Setup.N)
}
