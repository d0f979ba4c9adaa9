package media

import (
	"math"
	"testing"
	"time"

	"github.com/callgate/callgate/media/dtmf"
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

// BenchmarkReceiveFrame is the per-packet work of Session.readLoop after
// the read syscall for a server leg (in-band DTMF detection on, as every
// inbound call has until an RFC 4733 event arrives): RTP header parse,
// loss and jitter, μ-law decode and the Goertzel detector on the 20 ms
// frame. It mirrors readLoop's steps; the syscall itself is in
// BenchmarkTickSend's order of magnitude.
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
	var (
		hdr   rtp.Header
		rx    RxStats
		out   [4 * FrameSamples]int16
		found = make([]byte, 0, 4)
	)
	det := dtmf.NewDetector()
	i := 0
	b.ReportAllocs()
	b.SetBytes(FrameSamples)
	for b.Loop() {
		buf := pkts[i%frames]
		hl, err := hdr.Unmarshal(buf)
		if err != nil {
			b.Fatal(err)
		}
		rx.Update(hdr.SequenceNumber+uint16(i/frames*frames), hdr.Timestamp, time.Duration(i*20).Microseconds())
		m := Codec(hdr.PayloadType).Decode(out[:], buf[hl:])
		found = det.Process(found[:0], out[:m])
		i++
	}
}
