package media

import (
	"log/slog"
	"net/netip"
)

// Engine owns what all sessions share: the RTP port pool, the pacer and
// the RTP and RTCP readers.
type Engine struct {
	ports *PortAllocator
	pacer *pacer
	rtp   *rtpReader
	rtcp  *rtcpReader
	log   *slog.Logger
}

// EngineConfig configures an Engine.
type EngineConfig struct {
	// IP to bind RTP sockets on (and to advertise in SDP).
	IP netip.Addr
	// Ports is the RTP range; the zero range binds ephemeral ports.
	Ports PortRange
	// PacerShards is the number of pacing goroutines (0: GOMAXPROCS).
	PacerShards int
	// Logger is the base logger.
	Logger *slog.Logger
}

// NewEngine starts the pacer. Close it to stop.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	pa, err := NewPortAllocator(cfg.IP, cfg.Ports)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	log := cfg.Logger.With("component", "media")
	rr, err := newRTCPReader(log)
	if err != nil {
		return nil, err
	}
	pacer := newPacer(cfg.PacerShards)
	rx, err := newRTPReader(len(pacer.shards), log)
	if err != nil {
		pacer.close()
		rr.close()
		return nil, err
	}
	return &Engine{ports: pa, pacer: pacer, rtp: rx, rtcp: rr, log: log}, nil
}

// Sessions is the number of sessions being paced now.
func (e *Engine) Sessions() int { return e.pacer.count() }

// PortsInUse is the number of RTP/RTCP pairs allocated.
func (e *Engine) PortsInUse() int { return e.ports.InUse() }

// LateTicks is how many pacer ticks woke more than a frame late.
func (e *Engine) LateTicks() uint64 {
	var n uint64
	for _, sh := range e.pacer.shards {
		n += sh.late.Load()
	}
	return n
}

// IP is the media address.
func (e *Engine) IP() netip.Addr { return e.ports.IP() }

// Close stops the pacer and the readers. Close every session first.
func (e *Engine) Close() error {
	e.pacer.close()
	e.rtp.close()
	e.rtcp.close()
	return nil
}
