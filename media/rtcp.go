package media

import (
	"time"

	"github.com/pion/rtcp"
)

// ntpEpochOffset is the number of seconds between 1900 (NTP) and 1970 (Unix).
const ntpEpochOffset = 2_208_988_800

func ntpTime(t time.Time) uint64 {
	secs := uint64(t.Unix()) + ntpEpochOffset
	frac := uint64(t.Nanosecond()) * (1 << 32) / uint64(time.Second)
	return secs<<32 | frac
}

// sendRTCP sends a sender report (RFC 3550 §6.4.1) with a reception report
// block for the peer's stream when we have heard it. It runs on the pacer
// goroutine every rtcpInterval; it allocates, but once per 5 s.
func (s *Session) sendRTCP(now time.Time) {
	dst := s.remoteRTCP.Load()
	if dst == nil || !s.sending.Load() {
		return
	}
	sr := rtcp.SenderReport{
		SSRC:        s.ssrc,
		NTPTime:     ntpTime(now),
		RTPTime:     s.tx.hdr.Timestamp,
		PacketCount: uint32(s.txPackets.Load()),
		OctetCount:  uint32(s.txOctets.Load()),
	}
	s.statsMu.Lock()
	if s.rx.Received() > 0 {
		sr.Reports = []rtcp.ReceptionReport{{
			SSRC:               s.rxSSRC,
			FractionLost:       s.rx.FractionLost(),
			TotalLost:          min(s.rx.Lost(), 1<<23-1),
			LastSequenceNumber: s.rx.ExtendedMax(),
			Jitter:             s.rx.Jitter(),
		}}
	}
	s.statsMu.Unlock()
	pkt, err := sr.Marshal()
	if err != nil {
		return
	}
	_, _ = s.rtcp.WriteToUDPAddrPort(pkt, *dst)
}

// handleRTCP takes one received RTCP compound packet, remembering what
// the peer reports about our stream (RFC 3550 §6.4). It runs on the
// engine's RTCP reader.
func (s *Session) handleRTCP(pkt []byte) {
	pkts, err := rtcp.Unmarshal(pkt)
	if err != nil {
		return
	}
	s.rtcpRx.Add(1)
	for _, p := range pkts {
		var reports []rtcp.ReceptionReport
		switch r := p.(type) {
		case *rtcp.SenderReport:
			reports = r.Reports
		case *rtcp.ReceiverReport:
			reports = r.Reports
		}
		for _, rr := range reports {
			if rr.SSRC != s.ssrc {
				continue
			}
			s.statsMu.Lock()
			s.peerRR = PeerReport{At: time.Now(), FractionLost: rr.FractionLost, TotalLost: rr.TotalLost, Jitter: rr.Jitter}
			s.statsMu.Unlock()
		}
	}
}
