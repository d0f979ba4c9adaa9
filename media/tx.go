package media

import (
	"time"

	"github.com/callgate/callgate/media/dtmf"
	"github.com/pion/rtp"
)

const (
	rtpHeaderLen = 12
	// frame is the pacing interval.
	frame = 20 * time.Millisecond
	// sendAhead lets a tick send a frame that is due within half a frame, so
	// a ticker that fires a little early still sends one frame per tick.
	sendAhead = frame / 2
	// maxCatchUp bounds the burst after a late tick; beyond it the stream
	// skips ahead (timestamps stay true to the clock).
	maxCatchUp = 3
	// dtmfEndRepeats is how many times the end packet of an event is sent
	// (RFC 4733 §2.5.1.4).
	dtmfEndRepeats = 3
	// dtmfGapFrames of audio separate consecutive events (60 ms >= Q.24's 50 ms).
	dtmfGapFrames = 3
	// rtcpInterval is the RTCP report interval (RFC 3550 §6.2: 5 s minimum);
	// the first report goes out after rtcpFirst plus a per-session spread.
	rtcpInterval = 5 * time.Second
	rtcpFirst    = time.Second
)

// txState is owned by the pacer goroutine of the session's shard.
type txState struct {
	hdr      rtp.Header
	audioPT  uint8
	dtmfPT   uint8
	silence  byte
	next     time.Time
	buf      [rtpHeaderLen + 4*FrameSamples]byte
	ev       eventTx
	gap      int
	nextRTCP time.Time
	spread   time.Duration
}

type eventTx struct {
	active  bool
	code    uint8
	startTS uint32
	target  uint16
	elapsed uint16
	ends    int
	endSeq  uint16
}

func (t *txState) init(cfg Config, ssrc uint32) {
	t.hdr = rtp.Header{Version: 2, SSRC: ssrc, SequenceNumber: uint16(ssrc >> 7), Timestamp: ssrc * 3}
	t.audioPT = cfg.Codec.PayloadType()
	t.dtmfPT = cfg.DTMFPayloadType
	t.silence = cfg.Codec.Silence()
	t.spread = time.Duration(ssrc%1500) * time.Millisecond // spread RTCP of many sessions
}

// tick sends the frames that are due at now. It runs on a pacer goroutine and
// must not allocate: it is the per-packet hot path.
func (s *Session) tick(now time.Time) {
	t := &s.tx
	if t.next.IsZero() {
		t.next = now
		t.nextRTCP = now.Add(rtcpFirst + t.spread)
	}
	if behind := now.Sub(t.next); behind > maxCatchUp*frame {
		skip := int64(behind / frame)
		t.next = t.next.Add(time.Duration(skip) * frame)
		t.hdr.Timestamp += uint32(skip * FrameSamples)
	}
	deadline := now.Add(sendAhead)
	for !t.next.After(deadline) {
		n := s.buildFrame()
		t.next = t.next.Add(frame)
		t.hdr.Timestamp += FrameSamples
		if n == 0 || !s.sending.Load() {
			continue
		}
		dst := s.remote.Load()
		if dst == nil {
			continue
		}
		if _, err := s.rtp.WriteToUDPAddrPort(t.buf[:n], *dst); err == nil {
			s.txPackets.Add(1)
			s.txOctets.Add(uint64(n - rtpHeaderLen))
		}
	}
	if !now.Before(t.nextRTCP) {
		t.nextRTCP = now.Add(rtcpInterval)
		s.sendRTCP(now)
	}
}

// buildFrame writes the next packet (audio or telephone-event) into t.buf
// and returns its length.
func (s *Session) buildFrame() int {
	t := &s.tx
	s.txMu.Lock()
	defer s.txMu.Unlock()
	if !t.ev.active && t.gap == 0 && len(s.dtq) > 0 {
		d := s.dtq[0]
		s.dtq = s.dtq[1:]
		t.ev = eventTx{active: true, code: d.code, startTS: t.hdr.Timestamp, target: d.dur}
	}
	if t.ev.active {
		return s.buildEvent()
	}
	if t.gap > 0 {
		t.gap--
	}
	t.hdr.Marker = false
	t.hdr.PayloadType = t.audioPT
	t.hdr.SequenceNumber++
	n, _ := t.hdr.MarshalTo(t.buf[:])
	payload := t.buf[n : n+FrameSamples]
	copied := 0
	if p := s.play; p != nil && !p.stop {
		copied = copy(payload, p.data[p.pos:])
		p.pos += copied
		if p.pos >= len(p.data) {
			p.stop = true
			close(p.done)
			s.play = nil
		}
	}
	if copied == 0 && s.popLive(payload) {
		copied = len(payload)
	}
	for i := copied; i < len(payload); i++ {
		payload[i] = t.silence
	}
	return n + FrameSamples
}

// buildEvent writes one RFC 4733 packet of the current event.
func (s *Session) buildEvent() int {
	t := &s.tx
	ev := &t.ev
	t.hdr.PayloadType = t.dtmfPT
	t.hdr.Marker = ev.elapsed == 0 && ev.ends == 0
	saved := t.hdr.Timestamp
	t.hdr.Timestamp = ev.startTS
	defer func() { t.hdr.Timestamp = saved }()
	if ev.elapsed < ev.target {
		ev.elapsed = min(ev.target, ev.elapsed+FrameSamples)
	}
	end := ev.elapsed >= ev.target
	if end && ev.ends == 0 {
		t.hdr.SequenceNumber++
		ev.endSeq = t.hdr.SequenceNumber
	} else if !end {
		t.hdr.SequenceNumber++
	}
	if end {
		// Retransmitted end packets keep the sequence number (RFC 4733 §2.5.1.4).
		t.hdr.SequenceNumber = ev.endSeq
	}
	n, _ := t.hdr.MarshalTo(t.buf[:])
	e := dtmf.Event{Code: ev.code, End: end, Volume: 10, Duration: ev.elapsed}
	m, _ := e.MarshalTo(t.buf[n:])
	if end {
		ev.ends++
		if ev.ends >= dtmfEndRepeats {
			ev.active = false
			t.gap = dtmfGapFrames
		}
	}
	return n + m
}
