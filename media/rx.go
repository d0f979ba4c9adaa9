package media

import (
	"net/netip"
	"time"

	"github.com/callgate/callgate/media/dtmf"
	"github.com/pion/rtp"
)

// relatchAfter is how long the latched source must be silent before RTP from
// a new source address takes over (NAT rebinding), so a stray or hostile
// packet cannot steal the stream.
const relatchAfter = 500 * time.Millisecond

// maxRTPPacket is the largest RTP datagram read; a larger one is truncated
// and its payload is cut short (G.711 never comes near it).
const maxRTPPacket = 1500

// rxState is a session's receive state, owned by the one goroutine that
// reads the session's RTP socket: the engine's RTP poller, or the
// session's own read loop where epoll is missing. Close waits for a packet
// in flight either way (closing a socket waits for a RawConn.Read callback
// that is running; the read loop is waited for), so no callback runs after
// Close returns.
type rxState struct {
	hdr      rtp.Header
	rx4733   dtmf.Receiver
	detector *dtmf.Detector
	found    []byte
	latched  netip.AddrPort
	lastFrom int64 // unix nanoseconds of the last packet from latched
	seen4733 bool
	dtmfSSRC uint32
}

// rxScratch is the per-reader memory for handling packets: one per reading
// goroutine, shared by every session that goroutine serves.
type rxScratch struct {
	buf [maxRTPPacket]byte
	pcm [4 * FrameSamples]int16
}

func (r *rxState) init(cfg Config) {
	if cfg.InbandDTMF {
		r.detector = dtmf.NewDetector()
		r.found = make([]byte, 0, 4)
	}
}

// handleRTP handles one received datagram pkt from `from`, arrived at now.
// pcm is scratch for the decoded frame.
func (s *Session) handleRTP(pkt []byte, from netip.AddrPort, now time.Time, pcm *[4 * FrameSamples]int16) {
	r := &s.rxs
	hl, err := r.hdr.Unmarshal(pkt)
	if err != nil || r.hdr.Version != 2 {
		return
	}
	hdr := &r.hdr
	nowNs := now.UnixNano()
	// Symmetric RTP (RFC 4961): answer to where the peer sends from.
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	if from != r.latched && (!r.latched.IsValid() || nowNs-r.lastFrom > int64(relatchAfter)) {
		r.latched = from
		a := from
		s.remote.Store(&a)
		if s.remoteRTCP.Load() == nil || !s.remoteRTCP.Load().IsValid() {
			b := netip.AddrPortFrom(from.Addr(), from.Port()+1)
			s.remoteRTCP.Store(&b)
		}
	}
	if from == r.latched {
		r.lastFrom = nowNs
	}
	s.lastRx.Store(nowNs)
	s.rxPackets.Add(1)

	payload := pkt[hl:]
	if hdr.Padding && len(payload) > 0 {
		pad := int(payload[len(payload)-1])
		if pad > len(payload) {
			return
		}
		payload = payload[:len(payload)-pad]
	}
	switch {
	case s.cfg.DTMFPayloadType != 0 && hdr.PayloadType == s.cfg.DTMFPayloadType:
		// Some senders put events on their own SSRC; a new event
		// stream starts a new receiver, interleaved audio does not.
		if hdr.SSRC != r.dtmfSSRC {
			r.dtmfSSRC = hdr.SSRC
			r.rx4733.Reset()
		}
		s.statsMu.Lock()
		if hdr.SSRC == s.rxSSRC {
			s.rx.UpdateSeq(hdr.SequenceNumber)
		}
		s.statsMu.Unlock()
		key, ok, err := r.rx4733.Push(hdr.Timestamp, payload)
		if err == nil && ok {
			r.seen4733 = true
			s.digits.Push(dtmf.Digit{Key: key, Source: dtmf.SourceRFC4733})
		}
	case hdr.PayloadType == PCMU.PayloadType() || hdr.PayloadType == PCMA.PayloadType():
		s.statsMu.Lock()
		if hdr.SSRC != s.rxSSRC {
			s.rxSSRC = hdr.SSRC
			s.rx = RxStats{}
		}
		s.rx.Update(hdr.SequenceNumber, hdr.Timestamp, nowNs/(int64(time.Second)/SampleRate))
		s.statsMu.Unlock()
		codec := Codec(hdr.PayloadType)
		m := codec.Decode(pcm[:], payload)
		if r.detector != nil && !r.seen4733 {
			r.found = r.detector.Process(r.found[:0], pcm[:m])
			for _, k := range r.found {
				s.digits.Push(dtmf.Digit{Key: k, Source: dtmf.SourceInband})
			}
		}
		if s.cfg.OnAudio != nil {
			s.cfg.OnAudio(pcm[:m], now)
		}
		if fn := s.sink.Load(); fn != nil {
			(*fn)(pcm[:m])
		}
	}
}
