package media

import (
	"net"
	"slices"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/media/g711"
)

// BenchmarkBridgeLatency measures the delay the bridge adds: one RTP
// packet of a loud frame from a raw UDP "caller" into leg A (PCMU) until
// the "agent" session behind leg B (PCMA) decodes it. It includes leg A's
// receive and decode, the wait for leg B's next 20 ms pacer tick (0-20 ms,
// the dominant part), transcoding, the send and the agent's receive; it
// reports p50 and p99 (ns/op is not the latency: it includes the 25 ms
// spacing between frames).
func BenchmarkBridgeLatency(b *testing.B) {
	e := newTestEngine(b)
	legA, err := e.NewSession(Config{Codec: PCMU})
	require.NoError(b, err)
	arrived := make(chan time.Time, 64)
	legB, agent := pairTB(b, e, PCMA)
	agent.SetAudioSink(func(pcm []int16) {
		if slices.ContainsFunc(pcm, func(v int16) bool { return v > 8000 || v < -8000 }) {
			select {
			case arrived <- time.Now():
			default:
			}
		}
	})
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(b, err)
	b.Cleanup(func() { _ = conn.Close() })
	caller := conn.LocalAddr().(*net.UDPAddr).AddrPort()
	legA.SetRemote(caller, caller)
	legA.Start()
	b.Cleanup(func() { _ = legA.Close() })
	Bridge(legA, legB)
	b.Cleanup(func() { Unbridge(legA, legB) })

	pcm := make([]int16, 160)
	for i := range pcm {
		pcm[i] = 16000
		if i%2 == 1 {
			pcm[i] = -16000
		}
	}
	loud := make([]byte, 160)
	g711.EncodeUlaw(loud, pcm)
	dst := net.UDPAddrFromAddrPort(legA.LocalAddr())
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SSRC: 0x1234}, Payload: loud}
	var lat []time.Duration
	seq := uint16(1)
	for b.Loop() {
		pkt.SequenceNumber, pkt.Timestamp = seq, uint32(seq)*160
		seq++
		raw, _ := pkt.Marshal()
		sent := time.Now()
		if _, err := conn.WriteToUDP(raw, dst); err != nil {
			b.Fatal(err)
		}
		select {
		case got := <-arrived:
			lat = append(lat, got.Sub(sent))
		case <-time.After(time.Second):
			b.Fatal("the frame did not cross the bridge")
		}
		time.Sleep(25 * time.Millisecond) // let the next frame be the only loud one
		for len(arrived) > 0 {
			<-arrived
		}
	}
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		b.ReportMetric(float64(lat[n/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
	}
}

// pairTB is pair for benchmarks: a session of codec and its peer.
func pairTB(b *testing.B, e *Engine, codec Codec) (a, peer *Session) {
	b.Helper()
	a, err := e.NewSession(Config{Codec: codec})
	require.NoError(b, err)
	peer, err = e.NewSession(Config{Codec: codec})
	require.NoError(b, err)
	a.SetRemote(peer.LocalAddr(), peer.LocalRTCPAddr())
	peer.SetRemote(a.LocalAddr(), a.LocalRTCPAddr())
	a.Start()
	peer.Start()
	b.Cleanup(func() { _ = a.Close(); _ = peer.Close() })
	return a, peer
}

// BenchmarkBridgeFrame is the work bridging adds per 20 ms frame and
// direction, beyond what each leg costs on its own: decode the received
// μ-law frame, encode it to A-law into the other leg's live queue (Feed),
// and take it out at the other leg's pacer tick (popLive). A bridged call
// does this 100 times a second (50 frames each way).
func BenchmarkBridgeFrame(b *testing.B) {
	e := newTestEngine(b)
	legB, err := e.NewSession(Config{Codec: PCMA})
	require.NoError(b, err)
	b.Cleanup(func() { _ = legB.Close() })
	in := make([]byte, FrameSamples)
	for i := range in {
		in[i] = byte(i)
	}
	pcm := make([]int16, FrameSamples)
	out := make([]byte, FrameSamples)
	b.ReportAllocs()
	for b.Loop() {
		PCMU.Decode(pcm, in)
		legB.Feed(pcm)
		legB.txMu.Lock()
		legB.popLive(out)
		legB.txMu.Unlock()
	}
}
