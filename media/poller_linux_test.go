//go:build linux

package media

import (
	"math"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// startIdle starts n sessions that send to the discard port.
func startIdle(t *testing.T, e *Engine, n int) []*Session {
	t.Helper()
	var out []*Session
	for range n {
		s, err := e.NewSession(Config{Codec: PCMU, InbandDTMF: true})
		require.NoError(t, err)
		s.SetRemote(netip.MustParseAddrPort("127.0.0.1:9"), netip.AddrPort{})
		s.Start()
		t.Cleanup(func() { _ = s.Close() })
		out = append(out, s)
	}
	return out
}

func TestReadersNoGoroutinePerSession(t *testing.T) {
	e := newTestEngine(t)
	before := runtime.NumGoroutine()
	sessions := startIdle(t, e, 20)
	assert.Equal(t, 20, e.rtcp.count())
	assert.Equal(t, 20, e.rtp.count())
	// The engine's pollers read every session's RTP and RTCP: a started
	// session adds no goroutine (slack for the test's own).
	time.Sleep(50 * time.Millisecond)
	assert.LessOrEqual(t, runtime.NumGoroutine(), before+2, "no goroutine per session")

	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	for i, s := range sessions {
		rr := rtcp.ReceiverReport{SSRC: 0xabc, Reports: []rtcp.ReceptionReport{{SSRC: s.ssrc, FractionLost: uint8(i), TotalLost: uint32(10 * i), Jitter: 7}}}
		pkt, err := rr.Marshal()
		require.NoError(t, err)
		dst := net.UDPAddrFromAddrPort(s.LocalRTCPAddr())
		_, err = peer.WriteToUDP([]byte("not rtcp"), dst)
		require.NoError(t, err)
		_, err = peer.WriteToUDP(pkt, dst)
		require.NoError(t, err)
	}
	for i, s := range sessions {
		waitFor(t, 2*time.Second, func() bool { return s.Stats().RTCPReceived == 1 }, "report received")
		st := s.Stats()
		assert.Equal(t, uint8(i), st.Peer.FractionLost)
		assert.Equal(t, uint32(10*i), st.Peer.TotalLost)
		assert.Equal(t, uint32(7), st.Peer.Jitter)
	}

	for _, s := range sessions {
		require.NoError(t, s.Close())
	}
	assert.Zero(t, e.rtcp.count())
	assert.Zero(t, e.rtp.count())
}

func TestRTCPReaderCloseUnderLoad(t *testing.T) {
	// Sessions close while RTCP floods their sockets: no race, no read of
	// a closed or reused descriptor, and new sessions still get theirs.
	e := newTestEngine(t)
	sessions := startIdle(t, e, 16)
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	pkt, err := (&rtcp.ReceiverReport{SSRC: 1}).Marshal()
	require.NoError(t, err)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			for _, s := range sessions {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = peer.WriteToUDP(pkt, net.UDPAddrFromAddrPort(s.LocalRTCPAddr()))
			}
		}
	})
	time.Sleep(50 * time.Millisecond)
	for _, s := range sessions[:8] {
		require.NoError(t, s.Close())
	}
	fresh := startIdle(t, e, 8)
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	for _, s := range sessions[8:] {
		assert.Positive(t, s.Stats().RTCPReceived)
	}
	assert.Equal(t, 16, e.rtcp.count())
	_, err = peer.WriteToUDP(pkt, net.UDPAddrFromAddrPort(fresh[0].LocalRTCPAddr()))
	require.NoError(t, err)
	waitFor(t, 2*time.Second, func() bool { return fresh[0].Stats().RTCPReceived > 0 }, "a new session receives RTCP")
}

// rtpPacket is one μ-law frame of a 1 kHz tone.
func rtpPacket(t *testing.T, seq uint16) []byte {
	t.Helper()
	pcm := make([]int16, FrameSamples)
	for i := range pcm {
		pcm[i] = int16(4000 * math.Sin(2*math.Pi*1000*float64(i)/SampleRate))
	}
	payload := make([]byte, FrameSamples)
	PCMU.Encode(payload, pcm)
	pkt, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: PCMU.PayloadType(), SequenceNumber: seq, Timestamp: uint32(seq) * FrameSamples, SSRC: 0x55}, Payload: payload}).Marshal()
	require.NoError(t, err)
	return pkt
}

func TestRTPReaderNoCallbackAfterClose(t *testing.T) {
	// RTP floods sessions that close one by one: once Close returns, the
	// session's OnAudio never runs again (recording and bridging rely on
	// it), the sessions still open keep receiving, and a new session
	// receives on a reused key.
	e := newTestEngine(t)
	const n = 16
	var (
		frames  [n]atomic.Int64
		closed  [n]atomic.Bool
		late    atomic.Int64
		targets [n]netip.AddrPort
	)
	sessions := make([]*Session, n)
	for i := range n {
		s, err := e.NewSession(Config{Codec: PCMU, InbandDTMF: true, OnAudio: func(pcm []int16, _ time.Time) {
			frames[i].Add(1)
			time.Sleep(100 * time.Microsecond) // widen the window a Close can land in
			if closed[i].Load() {
				late.Add(1)
			}
		}})
		require.NoError(t, err)
		s.SetRemote(netip.MustParseAddrPort("127.0.0.1:9"), netip.AddrPort{})
		s.Start()
		t.Cleanup(func() { _ = s.Close() })
		sessions[i] = s
		targets[i] = s.LocalAddr()
	}
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	pkt := rtpPacket(t, 1)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			for _, a := range targets {
				select {
				case <-stop:
					return
				default:
				}
				_, _ = peer.WriteToUDPAddrPort(pkt, a)
			}
		}
	})
	waitFor(t, 2*time.Second, func() bool { return frames[n-1].Load() > 10 }, "frames arrive")
	for i, s := range sessions[:n/2] {
		require.NoError(t, s.Close())
		closed[i].Store(true)
	}
	fresh := startIdle(t, e, n/2)
	time.Sleep(50 * time.Millisecond)
	before := frames[n-1].Load()
	time.Sleep(50 * time.Millisecond)
	close(stop)
	wg.Wait()
	assert.Zero(t, late.Load(), "OnAudio ran after Close returned")
	assert.Greater(t, frames[n-1].Load(), before, "open sessions keep receiving")
	assert.Equal(t, n, e.rtp.count())
	_, err = peer.WriteToUDPAddrPort(pkt, fresh[0].LocalAddr())
	require.NoError(t, err)
	waitFor(t, 2*time.Second, func() bool { return fresh[0].Stats().RxPackets > 0 }, "a new session receives RTP")
	assert.Equal(t, peer.LocalAddr().(*net.UDPAddr).AddrPort(), fresh[0].Remote(), "latched to the sender")
}

func TestRTPReaderIPv6(t *testing.T) {
	// recvfrom decodes the peer's address itself: an IPv6 peer is latched
	// with its address and port.
	e, err := NewEngine(EngineConfig{IP: netip.IPv6Loopback()})
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	s, err := e.NewSession(Config{Codec: PCMU})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	s.Start()
	peer, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6loopback})
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	_, err = peer.WriteToUDPAddrPort(rtpPacket(t, 7), s.LocalAddr())
	require.NoError(t, err)
	waitFor(t, 2*time.Second, func() bool { return s.Stats().RxPackets == 1 }, "packet received")
	assert.Equal(t, peer.LocalAddr().(*net.UDPAddr).AddrPort(), s.Remote())
}

func TestRecvFromDoesNotAllocate(t *testing.T) {
	a, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	b, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	raw, err := a.SyscallConn()
	require.NoError(t, err)
	var (
		buf [64]byte
		rsa unix.RawSockaddrInet6
		got netip.AddrPort
	)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = b.WriteToUDPAddrPort([]byte("x"), a.LocalAddr().(*net.UDPAddr).AddrPort())
		_ = raw.Read(func(fd uintptr) bool {
			_, got, _ = recvFrom(fd, buf[:], &rsa)
			return true
		})
	})
	assert.Equal(t, b.LocalAddr().(*net.UDPAddr).AddrPort(), got)
	assert.Zero(t, allocs)
}

func TestRTPReaderDoesNotAllocatePerPacket(t *testing.T) {
	// The poller's read of one datagram, header to in-band detector: no
	// allocation (a closure made per ready socket once cost one per packet).
	e := newTestEngine(t)
	s, err := e.NewSession(Config{Codec: PCMU, InbandDTMF: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	s.Start()
	peer, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	// Take the session off its poller so only this test reads the socket.
	reg := s.rtpReg
	reg.remove()
	pkt := rtpPacket(t, 1)
	allocs := testing.AllocsPerRun(100, func() {
		_, _ = peer.WriteToUDPAddrPort(pkt, s.LocalAddr())
		reg.p.ready(s, reg.raw)
	})
	assert.Positive(t, s.Stats().RxPackets)
	assert.Zero(t, allocs)
}
