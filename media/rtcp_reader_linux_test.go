//go:build linux

package media

import (
	"net"
	"net/netip"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

func TestRTCPReaderOneGoroutineForAll(t *testing.T) {
	e := newTestEngine(t)
	before := runtime.NumGoroutine()
	sessions := startIdle(t, e, 20)
	assert.Equal(t, 20, e.rtcp.count())
	// One goroutine per session (its RTP read loop), none for RTCP.
	waitFor(t, 2*time.Second, func() bool { return runtime.NumGoroutine() <= before+20 }, "one goroutine per session")

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
