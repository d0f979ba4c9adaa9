package media

// RxStats follows RFC 3550 Appendix A.1 (sequence tracking) and A.8
// (interarrival jitter) for one received RTP stream. Times are in RTP clock
// units (8 kHz) so the type is pure and table-testable.
type RxStats struct {
	started  bool
	maxSeq   uint16
	cycles   uint32
	baseSeq  uint32
	received uint32
	// transit of the previous packet, and the jitter estimate (scaled by 16 as in A.8).
	transit int64
	jitter  int64
	timed   bool // transit holds a real packet's transit
	// for RTCP fraction lost (A.3)
	expectedPrior, receivedPrior uint32
}

// Update records a packet with sequence number seq, RTP timestamp ts, arriving
// at arrival (in the same 8 kHz clock units).
func (s *RxStats) Update(seq uint16, ts uint32, arrival int64) { s.update(seq, ts, arrival, true) }

// UpdateSeq records a packet for loss accounting only: telephone-event
// packets share the stream's sequence numbers, but their timestamp is the
// event's start, which would corrupt the jitter estimate.
func (s *RxStats) UpdateSeq(seq uint16) { s.update(seq, 0, 0, false) }

func (s *RxStats) update(seq uint16, ts uint32, arrival int64, timing bool) {
	if !s.started {
		s.started = true
		s.maxSeq = seq
		s.baseSeq = uint32(seq)
		s.received = 1
		s.transit = arrival - int64(ts)
		s.timed = timing
		return
	}
	delta := seq - s.maxSeq
	switch {
	case delta == 0:
		return // duplicate
	case delta < 0x8000:
		if seq < s.maxSeq {
			s.cycles += 1 << 16 // wrapped
		}
		s.maxSeq = seq
	default:
		// late or reordered packet: counted, does not move maxSeq
	}
	s.received++
	if !timing {
		return
	}
	if !s.timed {
		s.timed = true
		s.transit = arrival - int64(ts)
		return
	}
	transit := arrival - int64(ts)
	d := transit - s.transit
	s.transit = transit
	if d < 0 {
		d = -d
	}
	s.jitter += d - (s.jitter+8)>>4
}

// Received is the number of packets received.
func (s *RxStats) Received() uint32 { return s.received }

// ExtendedMax is the extended highest sequence number received.
func (s *RxStats) ExtendedMax() uint32 { return s.cycles + uint32(s.maxSeq) }

// Expected is the number of packets expected from the first to the highest.
func (s *RxStats) Expected() uint32 {
	if !s.started {
		return 0
	}
	return s.ExtendedMax() - s.baseSeq + 1
}

// Lost is the cumulative number of packets lost (never negative here).
func (s *RxStats) Lost() uint32 {
	exp := s.Expected()
	if s.received >= exp {
		return 0
	}
	return exp - s.received
}

// Jitter is the interarrival jitter estimate in RTP clock units.
func (s *RxStats) Jitter() uint32 { return uint32(s.jitter >> 4) }

// FractionLost returns the RTCP "fraction lost" since the previous call
// (RFC 3550 A.3) and advances the interval.
func (s *RxStats) FractionLost() uint8 {
	exp := s.Expected()
	expInt := exp - s.expectedPrior
	s.expectedPrior = exp
	recInt := s.received - s.receivedPrior
	s.receivedPrior = s.received
	if expInt == 0 || recInt >= expInt {
		return 0
	}
	return uint8(((expInt - recInt) << 8) / expInt)
}
