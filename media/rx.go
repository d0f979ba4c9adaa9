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

// readLoop receives RTP until the socket is closed.
func (s *Session) readLoop() {
	defer s.wg.Done()
	var (
		buf      [1500]byte
		hdr      rtp.Header
		pcm      [4 * FrameSamples]int16
		found    []byte
		rx4733   dtmf.Receiver
		detector *dtmf.Detector
		latched  netip.AddrPort
		lastFrom time.Time
		seen4733 bool
		dtmfSSRC uint32
	)
	if s.cfg.InbandDTMF {
		detector = dtmf.NewDetector()
		found = make([]byte, 0, 4)
	}
	for {
		n, from, err := s.rtp.ReadFromUDPAddrPort(buf[:])
		if err != nil {
			if isClosedErr(err) {
				return
			}
			continue
		}
		now := time.Now()
		hl, err := hdr.Unmarshal(buf[:n])
		if err != nil || hdr.Version != 2 {
			continue
		}
		// Symmetric RTP (RFC 4961): answer to where the peer sends from.
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		if from != latched && (!latched.IsValid() || now.Sub(lastFrom) > relatchAfter) {
			latched = from
			a := from
			s.remote.Store(&a)
			if s.remoteRTCP.Load() == nil || !s.remoteRTCP.Load().IsValid() {
				r := netip.AddrPortFrom(from.Addr(), from.Port()+1)
				s.remoteRTCP.Store(&r)
			}
		}
		if from == latched {
			lastFrom = now
		}
		s.lastRx.Store(now.UnixNano())
		s.rxPackets.Add(1)

		payload := buf[hl:n]
		if hdr.Padding && len(payload) > 0 {
			pad := int(payload[len(payload)-1])
			if pad > len(payload) {
				continue
			}
			payload = payload[:len(payload)-pad]
		}
		switch {
		case s.cfg.DTMFPayloadType != 0 && hdr.PayloadType == s.cfg.DTMFPayloadType:
			// Some senders put events on their own SSRC; a new event
			// stream starts a new receiver, interleaved audio does not.
			if hdr.SSRC != dtmfSSRC {
				dtmfSSRC = hdr.SSRC
				rx4733.Reset()
			}
			s.statsMu.Lock()
			if hdr.SSRC == s.rxSSRC {
				s.rx.UpdateSeq(hdr.SequenceNumber)
			}
			s.statsMu.Unlock()
			key, ok, err := rx4733.Push(hdr.Timestamp, payload)
			if err == nil && ok {
				seen4733 = true
				s.digits.Push(dtmf.Digit{Key: key, Source: dtmf.SourceRFC4733})
			}
		case hdr.PayloadType == PCMU.PayloadType() || hdr.PayloadType == PCMA.PayloadType():
			s.statsMu.Lock()
			if hdr.SSRC != s.rxSSRC {
				s.rxSSRC = hdr.SSRC
				s.rx = RxStats{}
			}
			s.rx.Update(hdr.SequenceNumber, hdr.Timestamp, now.UnixNano()/(int64(time.Second)/SampleRate))
			s.statsMu.Unlock()
			codec := Codec(hdr.PayloadType)
			m := codec.Decode(pcm[:], payload)
			if detector != nil && !seen4733 {
				found = detector.Process(found[:0], pcm[:m])
				for _, k := range found {
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
}
