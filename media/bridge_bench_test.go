package media

import (
	"net"
	"slices"
	"syscall"
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

// BenchmarkBridgedCallCPU measures the process CPU of bridged calls in a
// steady 2 s window: per call, a caller peer (PCMU) and callgate's leg A,
// callgate's leg B (PCMA) and an agent peer, all sending continuous RTP
// at 50 packets/s on loopback, with A and B bridged (transcoding). The
// same sessions unbridged give the baseline. Reported per call-second:
// cpu-us (all four sessions), bridge-us (what bridging adds), and
// gate-us, callgate's own share: half of the unbridged four (its two legs)
// plus what bridging adds. The benchmark's own sockets and peers run in
// the same process, so it is an estimate, not a server measurement.
func BenchmarkBridgedCallCPU(b *testing.B) {
	const calls = 100
	const window = 2 * time.Second
	e := newTestEngine(b)
	type call struct{ a, legA, legB, z *Session }
	cs := make([]call, calls)
	for i := range cs {
		caller, legA := pairTB(b, e, PCMU)
		legB, agent := pairTB(b, e, PCMA)
		cs[i] = call{caller, legA, legB, agent}
	}
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	measure := func() float64 {
		time.Sleep(300 * time.Millisecond) // settle
		c0, t0 := cpu(), time.Now()
		time.Sleep(window)
		used, wall := cpu()-c0, time.Since(t0)
		return float64(used.Microseconds()) / (calls * wall.Seconds())
	}
	var bridged, plain float64
	for b.Loop() {
		plain = measure()
		for _, c := range cs {
			Bridge(c.legA, c.legB)
		}
		bridged = measure()
		for _, c := range cs {
			Unbridge(c.legA, c.legB)
		}
	}
	b.ReportMetric(bridged, "cpu-us/call-s")
	b.ReportMetric(bridged-plain, "bridge-us/call-s")
	b.ReportMetric(plain/2+(bridged-plain), "gate-us/call-s")
}
