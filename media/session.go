package media

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
)

// Config describes one RTP session. The sip package fills it from the SDP
// offer/answer.
type Config struct {
	// Codec is the negotiated audio codec.
	Codec Codec
	// DTMFPayloadType is the negotiated telephone-event payload type; 0 when
	// the peer did not offer RFC 4733.
	DTMFPayloadType uint8
	// Remote is where to send RTP until the peer's RTP arrives (symmetric RTP
	// then takes over). Zero means "wait for the peer".
	Remote netip.AddrPort
	// RemoteRTCP is where to send RTCP; zero means Remote's port + 1.
	RemoteRTCP netip.AddrPort
	// InbandDTMF turns on the Goertzel detector on received audio. It is
	// switched off for the rest of the session as soon as an RFC 4733 event
	// arrives, so a gateway that sends both is not heard twice.
	InbandDTMF bool
	// OnAudio, when set, receives every decoded 20 ms frame and its arrival
	// time, on the goroutine that reads the session's RTP (shared with
	// other sessions). It must not block, keep pcm, or close the session.
	OnAudio func(pcm []int16, at time.Time)
	// Logger for this session (carry call_id in it).
	Logger *slog.Logger
}

// Session is the RTP session of one call leg. Create it with
// Engine.NewSession, hand its LocalAddr to SDP, then Start it once the remote
// address is known.
type Session struct {
	eng    *Engine
	cfg    Config
	log    *slog.Logger
	rtp    *net.UDPConn
	rtcp   *net.UDPConn
	local  netip.AddrPort
	ssrc   uint32
	digits *DigitQueue

	remote     atomic.Pointer[netip.AddrPort]
	remoteRTCP atomic.Pointer[netip.AddrPort]
	sending    atomic.Bool
	lastRx     atomic.Int64 // unix nanoseconds of the last RTP packet
	rxPackets  atomic.Uint64
	txPackets  atomic.Uint64
	txOctets   atomic.Uint64
	rtcpRx     atomic.Uint64

	// tx is owned by the pacer goroutine of the session's shard; the fields
	// under txMu are the hand-off from API callers.
	tx   txState
	txMu sync.Mutex
	play *playback
	dtq  []pendingDigit
	live liveQueue
	sink sinkPtr

	statsMu sync.Mutex
	rx      RxStats
	rxSSRC  uint32
	peerRR  PeerReport

	rxs       rxState
	rtpReg    pollReg // set by rtpReader.add under lifeMu
	rtcpReg   pollReg // set by rtcpReader.add under lifeMu
	shard     *shard  // set by pacer.add under lifeMu
	lifeMu    sync.Mutex
	started   atomic.Bool
	closing   bool // under lifeMu: Start after Close must not join the pacer
	closeOnce sync.Once
	closed    chan struct{}
	wg        sync.WaitGroup
}

// PeerReport is what the far end last told us in RTCP about our stream.
type PeerReport struct {
	At           time.Time
	FractionLost uint8
	TotalLost    uint32
	Jitter       uint32
}

// Stats is a snapshot of a session's counters.
type Stats struct {
	RxPackets, TxPackets uint64
	RxLost               uint32
	RxJitter             time.Duration
	RTCPReceived         uint64
	Peer                 PeerReport
}

type playback struct {
	data []byte
	pos  int
	done chan struct{} // closed when finished or stopped
	stop bool
}

type pendingDigit struct {
	code uint8
	dur  uint16 // in samples
}

// NewSession binds an RTP/RTCP pair. The session sends nothing until Start.
func (e *Engine) NewSession(cfg Config) (*Session, error) {
	rtpConn, rtcpConn, err := e.ports.Allocate()
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = e.log
	}
	s := &Session{
		eng:    e,
		cfg:    cfg,
		log:    cfg.Logger,
		rtp:    rtpConn,
		rtcp:   rtcpConn,
		local:  rtpConn.LocalAddr().(*net.UDPAddr).AddrPort(),
		digits: NewDigitQueue(),
		closed: make(chan struct{}),
	}
	s.ssrc = rand.Uint32()
	s.tx.init(cfg, s.ssrc)
	s.rxs.init(cfg)
	s.lastRx.Store(time.Now().UnixNano())
	s.sending.Store(true)
	s.SetRemote(cfg.Remote, cfg.RemoteRTCP)
	return s, nil
}

// LocalAddr is the RTP address to put in SDP.
func (s *Session) LocalAddr() netip.AddrPort { return s.local }

// LocalRTCPAddr is the RTCP socket's address.
func (s *Session) LocalRTCPAddr() netip.AddrPort {
	return s.rtcp.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Digits is the call's digit stream.
func (s *Session) Digits() *DigitQueue { return s.digits }

// Codec is the negotiated codec.
func (s *Session) Codec() Codec { return s.cfg.Codec }

// SetRemote changes where media is sent (SDP re-offer). Symmetric RTP may
// override it again once packets arrive from elsewhere.
func (s *Session) SetRemote(rtpAddr, rtcpAddr netip.AddrPort) {
	if rtpAddr.IsValid() && rtpAddr.Port() != 0 && !rtpAddr.Addr().IsUnspecified() {
		a := rtpAddr
		s.remote.Store(&a)
		if !rtcpAddr.IsValid() {
			rtcpAddr = netip.AddrPortFrom(rtpAddr.Addr(), rtpAddr.Port()+1)
		}
	}
	if rtcpAddr.IsValid() && rtcpAddr.Port() != 0 {
		b := rtcpAddr
		s.remoteRTCP.Store(&b)
	}
}

// Remote is the current RTP destination (invalid until known).
func (s *Session) Remote() netip.AddrPort {
	if p := s.remote.Load(); p != nil {
		return *p
	}
	return netip.AddrPort{}
}

// SetSending pauses (false) or resumes (true) outgoing media, for hold
// (RFC 3264 §8.4: a recvonly or inactive stream sends nothing).
func (s *Session) SetSending(on bool) { s.sending.Store(on) }

// Start begins receiving and joins the pacer. It is idempotent, and does
// nothing after Close (a BYE can end a call before its media starts).
func (s *Session) Start() {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closing || !s.started.CompareAndSwap(false, true) {
		return
	}
	s.lastRx.Store(time.Now().UnixNano())
	s.eng.rtp.add(s)
	s.eng.rtcp.add(s)
	s.eng.pacer.add(s)
}

// LastReceived is when the last RTP packet arrived (Start time before any).
func (s *Session) LastReceived() time.Time { return time.Unix(0, s.lastRx.Load()) }

// Done is closed when the session is closed.
func (s *Session) Done() <-chan struct{} { return s.closed }

// Close stops the session, waits for its goroutines and frees its ports.
func (s *Session) Close() error {
	s.closeOnce.Do(func() {
		s.lifeMu.Lock()
		s.closing = true
		if s.started.Load() {
			s.eng.pacer.remove(s)
			s.eng.rtp.remove(s)
			s.eng.rtcp.remove(s)
		}
		s.lifeMu.Unlock()
		close(s.closed)
		_ = s.rtp.Close()
		_ = s.rtcp.Close()
		s.wg.Wait()
		s.eng.ports.Release(s.local.Port())
		s.txMu.Lock()
		if s.play != nil && !s.play.stop {
			s.play.stop = true
			close(s.play.done)
		}
		s.play = nil
		s.txMu.Unlock()
	})
	return nil
}

// PlayOptions tunes Play.
type PlayOptions struct {
	// BargeIn stops the prompt when a digit arrives (or is already waiting).
	// The digit stays in the queue for the next collection (type-ahead).
	BargeIn bool
}

// Play sends p and blocks until it has been sent, a digit interrupts it
// (with BargeIn), ctx is done, or the session closes. Silence frames fill
// the stream before and after: RTP never stops while the call is up.
func (s *Session) Play(ctx context.Context, p *prompt.Prompt, opts PlayOptions) error {
	if opts.BargeIn && s.digits.Len() > 0 {
		return ErrPromptStopped
	}
	data := p.Ulaw
	if s.cfg.Codec == PCMA {
		data = p.Alaw
	}
	pb := &playback{data: data, done: make(chan struct{})}
	s.txMu.Lock()
	select {
	case <-s.closed:
		s.txMu.Unlock()
		return ErrClosed
	default:
	}
	if s.play != nil && !s.play.stop {
		s.play.stop = true
		close(s.play.done)
	}
	s.play = pb
	s.txMu.Unlock()

	var notify <-chan struct{}
	if opts.BargeIn {
		notify = s.digits.Notify()
	}
	for {
		select {
		case <-pb.done:
			s.txMu.Lock()
			stopped := pb.stop && pb.pos < len(pb.data)
			s.txMu.Unlock()
			if stopped {
				return ErrPromptStopped
			}
			return nil
		case <-notify:
			if s.digits.Len() > 0 {
				s.StopPlayback()
				return ErrPromptStopped
			}
		case <-ctx.Done():
			s.StopPlayback()
			return ctx.Err()
		case <-s.closed:
			return ErrClosed
		}
	}
}

// StopPlayback interrupts the current prompt, if any.
func (s *Session) StopPlayback() {
	s.txMu.Lock()
	if s.play != nil && !s.play.stop {
		s.play.stop = true
		close(s.play.done)
	}
	s.play = nil
	s.txMu.Unlock()
}

// SendDigits queues RFC 4733 events (each of dur, then a gap). It fails when
// telephone-event was not negotiated; use PlayTones for in-band.
func (s *Session) SendDigits(keys string, dur time.Duration) error {
	if s.cfg.DTMFPayloadType == 0 {
		return fmt.Errorf("%w: telephone-event not negotiated", ErrUnsupportedCodec)
	}
	samples := uint16(min(dur.Seconds()*SampleRate, 0xFFFF))
	pend := make([]pendingDigit, 0, len(keys))
	for i := range len(keys) {
		code, ok := dtmf.KeyToEvent(keys[i])
		if !ok {
			return fmt.Errorf("%w: position %d", ErrBadDigit, i)
		}
		pend = append(pend, pendingDigit{code: code, dur: samples})
	}
	s.txMu.Lock()
	s.dtq = append(s.dtq, pend...)
	s.txMu.Unlock()
	return nil
}

// DigitsPending reports whether RFC 4733 digits are still being sent.
func (s *Session) DigitsPending() bool {
	s.txMu.Lock()
	defer s.txMu.Unlock()
	return len(s.dtq) > 0 || s.tx.ev.active
}

// Stats returns a snapshot of the counters.
func (s *Session) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	return Stats{
		RxPackets:    s.rxPackets.Load(),
		TxPackets:    s.txPackets.Load(),
		RxLost:       s.rx.Lost(),
		RxJitter:     time.Duration(s.rx.Jitter()) * time.Second / SampleRate,
		RTCPReceived: s.rtcpRx.Load(),
		Peer:         s.peerRR,
	}
}

func isClosedErr(err error) bool { return errors.Is(err, net.ErrClosed) }

// Configure sets the codec and telephone-event payload type when they are
// only known after the session was created (an outbound leg learns them
// from the answer). It must be called before Start.
func (s *Session) Configure(codec Codec, dtmfPT uint8) error {
	if s.started.Load() {
		return fmt.Errorf("media: configure after start: %w", ErrClosed)
	}
	s.cfg.Codec, s.cfg.DTMFPayloadType = codec, dtmfPT
	s.tx.init(s.cfg, s.ssrc)
	return nil
}

// DTMFPayloadType is the negotiated telephone-event payload type (0: none).
func (s *Session) DTMFPayloadType() uint8 { return s.cfg.DTMFPayloadType }
