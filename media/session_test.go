package media

import (
	"context"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var loopback = netip.MustParseAddr("127.0.0.1") //nolint:gochecknoglobals // test fixture

func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := NewEngine(EngineConfig{IP: loopback})
	require.NoError(t, err)
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// pair returns two started sessions sending to each other.
func pair(t *testing.T, e *Engine, codec Codec, dtmfPT uint8, inband bool, onAudioB func([]int16, time.Time)) (a, b *Session) {
	t.Helper()
	var err error
	a, err = e.NewSession(Config{Codec: codec, DTMFPayloadType: dtmfPT})
	require.NoError(t, err)
	b, err = e.NewSession(Config{Codec: codec, DTMFPayloadType: dtmfPT, InbandDTMF: inband, OnAudio: onAudioB})
	require.NoError(t, err)
	a.SetRemote(b.LocalAddr(), b.LocalRTCPAddr())
	b.SetRemote(a.LocalAddr(), a.LocalRTCPAddr())
	a.Start()
	b.Start()
	t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
	return a, b
}

func waitFor(t *testing.T, total time.Duration, cond func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(total)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out after %s: %s", total, msg)
}

func tonePrompt(t *testing.T, key byte, d time.Duration) *prompt.Prompt {
	t.Helper()
	pcm, err := dtmf.AppendTone(nil, key, d, -10)
	require.NoError(t, err)
	return prompt.FromPCM("tone", pcm)
}

func collect(t *testing.T, q *DigitQueue, n int, within time.Duration) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	var out []byte
	for len(out) < n {
		d, err := q.Next(ctx)
		if err != nil {
			break
		}
		out = append(out, d.Key)
	}
	return string(out)
}

func TestRFC4733EndToEnd(t *testing.T) {
	e := newTestEngine(t)
	for _, codec := range []Codec{PCMU, PCMA} {
		t.Run(codec.String(), func(t *testing.T) {
			a, b := pair(t, e, codec, 101, true, nil)
			require.NoError(t, a.SendDigits("1122#*09", 60*time.Millisecond))
			got := collect(t, b.Digits(), 8, 5*time.Second)
			assert.Equal(t, "1122#*09", got, "repeated keys stay distinct, none doubled by in-band")
			time.Sleep(200 * time.Millisecond)
			assert.Equal(t, 0, b.Digits().Len(), "no extra digits")
			for _, d := range []dtmf.Digit{} {
				_ = d
			}
		})
	}
}

func TestInbandEndToEnd(t *testing.T) {
	e := newTestEngine(t)
	a, b := pair(t, e, PCMU, 0, true, nil)
	var pcm []int16
	for _, k := range []byte("1593#") {
		var err error
		pcm, err = dtmf.AppendTone(pcm, k, 80*time.Millisecond, -12)
		require.NoError(t, err)
		pcm = append(pcm, make([]int16, 480)...) // 60 ms gap
	}
	require.NoError(t, a.Play(context.Background(), prompt.FromPCM("digits", pcm), PlayOptions{}))
	assert.Equal(t, "1593#", collect(t, b.Digits(), 5, 3*time.Second))
	d, ok := b.Digits().TryNext()
	assert.False(t, ok, "unexpected digit %q", d.Key)
}

func TestPlayBargeInAndTypeAhead(t *testing.T) {
	e := newTestEngine(t)
	a, b := pair(t, e, PCMU, 101, false, nil)
	long := prompt.Silence(5 * time.Second)

	done := make(chan error, 1)
	go func() { done <- b.Play(context.Background(), long, PlayOptions{BargeIn: true}) }()
	time.Sleep(100 * time.Millisecond)
	require.NoError(t, a.SendDigits("7", 60*time.Millisecond))
	select {
	case err := <-done:
		require.ErrorIs(t, err, ErrPromptStopped, "a digit stops the prompt")
	case <-time.After(3 * time.Second):
		t.Fatal("barge-in did not stop the prompt")
	}
	// The digit that barged in is kept for the next collection, and so are
	// digits typed ahead before the next prompt: a barge-in prompt then
	// returns at once.
	require.NoError(t, a.SendDigits("8", 60*time.Millisecond))
	waitFor(t, 2*time.Second, func() bool { return b.Digits().Len() == 2 }, "two digits queued")
	start := time.Now()
	err := b.Play(context.Background(), long, PlayOptions{BargeIn: true})
	require.ErrorIs(t, err, ErrPromptStopped)
	assert.Less(t, time.Since(start), 100*time.Millisecond)
	assert.Equal(t, "78", collect(t, b.Digits(), 2, time.Second))

	// Without barge-in the prompt plays to its end.
	short := prompt.Silence(200 * time.Millisecond)
	start = time.Now()
	require.NoError(t, a.SendDigits("9", 40*time.Millisecond))
	require.NoError(t, b.Play(context.Background(), short, PlayOptions{}))
	assert.GreaterOrEqual(t, time.Since(start), 180*time.Millisecond)
}

func TestPromptAudioArrives(t *testing.T) {
	e := newTestEngine(t)
	var mu sync.Mutex
	var heard []int16
	a, _ := pair(t, e, PCMA, 0, false, func(pcm []int16, _ time.Time) {
		mu.Lock()
		heard = append(heard, pcm...)
		mu.Unlock()
	})
	p := tonePrompt(t, '5', 400*time.Millisecond)
	require.NoError(t, a.Play(context.Background(), p, PlayOptions{}))
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	det := dtmf.NewDetector()
	found := det.Process(nil, heard)
	assert.Equal(t, "5", string(found), "the prompt's tone is heard through A-law both ways")
}

func TestContinuousRTPAndSymmetricLatch(t *testing.T) {
	e := newTestEngine(t)
	s, err := e.NewSession(Config{Codec: PCMU})
	require.NoError(t, err)
	defer s.Close()
	// The peer's SDP said a port nobody listens on; its RTP really comes
	// from peer. After the first packet, media must go to peer.
	dead := netip.MustParseAddrPort("127.0.0.1:9")
	s.SetRemote(dead, netip.AddrPort{})
	s.Start()
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer peer.Close()
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: 1, Timestamp: 160, SSRC: 99}, Payload: make([]byte, 160)}
	raw, _ := pkt.Marshal()
	_, err = peer.WriteToUDPAddrPort(raw, s.LocalAddr())
	require.NoError(t, err)

	buf := make([]byte, 1500)
	var hdrs []rtp.Header
	var times []time.Time
	require.NoError(t, peer.SetReadDeadline(time.Now().Add(3*time.Second)))
	for len(hdrs) < 60 {
		n, err := peer.Read(buf)
		require.NoError(t, err, "RTP must flow to the latched source even with no prompt playing")
		var h rtp.Header
		_, err = h.Unmarshal(buf[:n])
		require.NoError(t, err)
		assert.Equal(t, 12+160, n)
		hdrs = append(hdrs, h)
		times = append(times, time.Now())
	}
	for i := 1; i < len(hdrs); i++ {
		assert.Equal(t, hdrs[0].SSRC, hdrs[i].SSRC)
		assert.Equal(t, hdrs[i-1].SequenceNumber+1, hdrs[i].SequenceNumber, "sequence numbers are consecutive")
		d := hdrs[i].Timestamp - hdrs[i-1].Timestamp
		assert.True(t, d >= 160 && d%160 == 0, "timestamps advance by whole 20 ms frames, got %d", d)
		assert.Equal(t, uint8(0), hdrs[i].PayloadType)
	}
	// The media clock follows the wall clock: even if a loaded machine made
	// the pacer skip frames, timestamps say how much time passed.
	span := times[len(times)-1].Sub(times[0])
	clock := time.Duration(hdrs[len(hdrs)-1].Timestamp-hdrs[0].Timestamp) * time.Second / 8000
	assert.InDelta(t, float64(span), float64(clock), float64(150*time.Millisecond), "RTP clock vs wall clock")
	assert.Equal(t, peer.LocalAddr().(*net.UDPAddr).AddrPort(), s.Remote())
}

func TestRTCPReports(t *testing.T) {
	e := newTestEngine(t)
	a, b := pair(t, e, PCMU, 0, false, nil)
	waitFor(t, 10*time.Second, func() bool {
		return a.Stats().RTCPReceived > 0 && b.Stats().RTCPReceived > 0 && !a.Stats().Peer.At.IsZero()
	}, "both sides receive sender reports carrying a reception report")
	st := a.Stats()
	assert.Equal(t, uint32(0), st.Peer.TotalLost)
	assert.Greater(t, st.RxPackets, uint64(40))
}

func TestCloseReleasesEverything(t *testing.T) {
	e := newTestEngine(t)
	before := runtime.NumGoroutine()
	var sessions []*Session
	for range 20 {
		a, err := e.NewSession(Config{Codec: PCMU, DTMFPayloadType: 101, InbandDTMF: true})
		require.NoError(t, err)
		a.SetRemote(netip.MustParseAddrPort("127.0.0.1:9"), netip.AddrPort{})
		a.Start()
		sessions = append(sessions, a)
	}
	assert.Equal(t, 20, e.Sessions())
	assert.Equal(t, 20, e.PortsInUse())
	for _, s := range sessions {
		require.NoError(t, s.Close())
		require.NoError(t, s.Close(), "Close is idempotent")
	}
	assert.Equal(t, 0, e.Sessions())
	assert.Equal(t, 0, e.PortsInUse())
	waitFor(t, 2*time.Second, func() bool { return runtime.NumGoroutine() <= before }, "session goroutines exit")
	err := sessions[0].Play(context.Background(), prompt.Silence(time.Second), PlayOptions{})
	assert.ErrorIs(t, err, ErrClosed)
}

func TestPortRange(t *testing.T) {
	t.Run("parse", func(t *testing.T) {
		r, err := ParsePortRange("10000-20000")
		require.NoError(t, err)
		assert.Equal(t, PortRange{10000, 20000}, r)
		for _, bad := range []string{"", "10000", "a-b", "20000-10000", "0-10", "5-5", "1-70000"} {
			_, err := ParsePortRange(bad)
			assert.ErrorIs(t, err, ErrInvalidPortRange, bad)
		}
	})
	t.Run("allocate within range, even RTP, exhaust, reuse", func(t *testing.T) {
		// Find a free block of 6 ports.
		probe, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		require.NoError(t, err)
		base := uint16(probe.LocalAddr().(*net.UDPAddr).Port)
		probe.Close()
		base = (base/2)*2 + 2
		pa, err := NewPortAllocator(loopback, PortRange{base, base + 3})
		require.NoError(t, err)
		r1, c1, err := pa.Allocate()
		require.NoError(t, err)
		r2, c2, err := pa.Allocate()
		require.NoError(t, err)
		p1 := uint16(r1.LocalAddr().(*net.UDPAddr).Port)
		p2 := uint16(r2.LocalAddr().(*net.UDPAddr).Port)
		assert.Equal(t, uint16(0), p1%2)
		assert.Equal(t, p1+1, uint16(c1.LocalAddr().(*net.UDPAddr).Port))
		assert.ElementsMatch(t, []uint16{base, base + 2}, []uint16{p1, p2})
		_, _, err = pa.Allocate()
		assert.ErrorIs(t, err, ErrNoPorts)
		r1.Close()
		c1.Close()
		pa.Release(p1)
		r3, c3, err := pa.Allocate()
		require.NoError(t, err)
		assert.Equal(t, p1, uint16(r3.LocalAddr().(*net.UDPAddr).Port))
		for _, c := range []*net.UDPConn{r2, c2, r3, c3} {
			c.Close()
		}
	})
}

func TestStartAfterCloseDoesNothing(t *testing.T) {
	e := newTestEngine(t)
	s, err := e.NewSession(Config{Codec: PCMU})
	require.NoError(t, err)
	require.NoError(t, s.Close())
	s.Start()
	assert.Equal(t, 0, e.Sessions(), "a session closed before it started is never paced")
	assert.Equal(t, 0, e.PortsInUse())
}

func TestBridgeRelaysAndTranscodes(t *testing.T) {
	e := newTestEngine(t)
	// caller (PCMU) <-> [legA PCMU | legB PCMA] <-> agent (PCMA)
	var mu sync.Mutex
	var atAgent, atCaller []int16
	record := func(dst *[]int16) func([]int16) {
		return func(pcm []int16) { mu.Lock(); *dst = append(*dst, pcm...); mu.Unlock() }
	}
	caller, legA := pair(t, e, PCMU, 0, false, nil)
	legB, agent := pair(t, e, PCMA, 0, false, nil)
	caller.SetAudioSink(record(&atCaller))
	agent.SetAudioSink(record(&atAgent))
	Bridge(legA, legB)

	require.NoError(t, caller.Play(context.Background(), tonePrompt(t, '8', 300*time.Millisecond), PlayOptions{}))
	require.NoError(t, agent.Play(context.Background(), tonePrompt(t, '3', 300*time.Millisecond), PlayOptions{}))
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	toAgent := string(dtmf.NewDetector().Process(nil, atAgent))
	toCaller := string(dtmf.NewDetector().Process(nil, atCaller))
	mu.Unlock()
	assert.Equal(t, "8", toAgent, "the caller's audio reaches the agent, PCMU to PCMA")
	assert.Equal(t, "3", toCaller, "the agent's audio reaches the caller, PCMA to PCMU")

	Unbridge(legA, legB)
	mu.Lock()
	atAgent = atAgent[:0]
	mu.Unlock()
	require.NoError(t, caller.Play(context.Background(), tonePrompt(t, '9', 200*time.Millisecond), PlayOptions{}))
	time.Sleep(150 * time.Millisecond)
	mu.Lock()
	assert.Empty(t, string(dtmf.NewDetector().Process(nil, atAgent)), "nothing relayed after Unbridge")
	mu.Unlock()
}
