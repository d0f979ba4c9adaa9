package media

import (
	"encoding/binary"
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"
)

// BenchmarkRxStatsUpdate is the RFC 3550 A.1/A.8 bookkeeping done for
// every received audio packet.
func BenchmarkRxStatsUpdate(b *testing.B) {
	var s RxStats
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		s.Update(uint16(i), uint32(i*FrameSamples), int64(i*FrameSamples+i%7))
		i++
	}
}

// BenchmarkReceiveFrame is the per-packet work after the read syscall
// (Session.handleRTP) for a server leg with in-band DTMF detection on, as
// every inbound call has until an RFC 4733 event arrives: RTP header
// parse, symmetric-RTP latch, loss and jitter, μ-law decode and the
// Goertzel detector on the 20 ms frame of a tone (the energy gate lets it
// through). The syscall is in BenchmarkTickSend's order of magnitude.
func BenchmarkReceiveFrame(b *testing.B) {
	const frames = 50
	pkts := make([][]byte, frames)
	pcm := make([]int16, FrameSamples)
	for f := range frames {
		for i := range pcm {
			pcm[i] = int16(3000 * math.Sin(2*math.Pi*440*float64(f*FrameSamples+i)/SampleRate))
		}
		payload := make([]byte, FrameSamples)
		PCMU.Encode(payload, pcm)
		h := rtp.Header{Version: 2, PayloadType: PCMU.PayloadType(), SequenceNumber: uint16(f), Timestamp: uint32(f * FrameSamples), SSRC: 0x1234}
		p, err := (&rtp.Packet{Header: h, Payload: payload}).Marshal()
		if err != nil {
			b.Fatal(err)
		}
		pkts[f] = p
	}
	e, err := NewEngine(EngineConfig{IP: loopback})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	s, err := e.NewSession(Config{Codec: PCMU, DTMFPayloadType: 101, InbandDTMF: true})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	from := netip.MustParseAddrPort("127.0.0.1:40000")
	sc := new(rxScratch)
	now := time.Now()
	i := 0
	b.ReportAllocs()
	b.SetBytes(FrameSamples)
	for b.Loop() {
		pkt := pkts[i%frames]
		binary.BigEndian.PutUint16(pkt[2:], uint16(i))
		binary.BigEndian.PutUint32(pkt[4:], uint32(i*FrameSamples))
		now = now.Add(frame)
		s.handleRTP(pkt, from, now, &sc.pcm)
		i++
	}
	if got := s.Stats().RxPackets; got != uint64(i) {
		b.Fatalf("handled %d of %d packets", got, i)
	}
}
