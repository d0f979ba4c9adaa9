package sip

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

// Defaults for Config.
const (
	DefaultMaxCalls        = 2000
	DefaultInviteRate      = 50.0
	DefaultInviteBurst     = 100
	DefaultRTPTimeout      = 30 * time.Second
	DefaultMaxCallDuration = 4 * time.Hour
	DefaultRetryAfter      = 5
	DefaultUserAgent       = "callgate"
)

// Config tunes a Server. Zero fields take the Default* values.
type Config struct {
	// MaxCalls is the number of concurrent calls admitted; beyond it INVITEs
	// get 503 with Retry-After.
	MaxCalls int
	// InviteRate is the sustained INVITEs per second allowed from one source
	// IP, InviteBurst the bucket size. A negative rate disables the limit.
	InviteRate  float64
	InviteBurst int
	// RetryAfter, in seconds, is sent with 503.
	RetryAfter int
	// RTPTimeout hangs up a call whose peer has sent no RTP for this long
	// while it is supposed to be sending (not on hold).
	RTPTimeout time.Duration
	// MaxCallDuration hangs up any call that lasts longer.
	MaxCallDuration time.Duration
	// AnswerDelay sends 180 Ringing and waits this long before answering
	// (0: answer at once). A CANCEL during it gets 487.
	AnswerDelay time.Duration
	// UserAgent is the User-Agent and Server header value.
	UserAgent string
	// PublicHost, when set, is put in Contact instead of the listener's IP.
	PublicHost string
	// Realm is the digest realm for REGISTER (default DefaultRealm).
	Realm string
}

func (c *Config) setDefaults() {
	if c.MaxCalls == 0 {
		c.MaxCalls = DefaultMaxCalls
	}
	if c.InviteRate == 0 {
		c.InviteRate = DefaultInviteRate
	}
	if c.InviteBurst == 0 {
		c.InviteBurst = DefaultInviteBurst
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.RTPTimeout == 0 {
		c.RTPTimeout = DefaultRTPTimeout
	}
	if c.MaxCallDuration == 0 {
		c.MaxCallDuration = DefaultMaxCallDuration
	}
	if c.UserAgent == "" {
		c.UserAgent = DefaultUserAgent
	}
}

// Handler runs an answered call. ctx is cancelled when the call ends (the
// peer hangs up, RTP times out, the server shuts down). When ServeCall
// returns, the server hangs the call up if it is still up.
type Handler interface {
	ServeCall(ctx context.Context, c *Call)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, c *Call)

// ServeCall calls f.
func (f HandlerFunc) ServeCall(ctx context.Context, c *Call) { f(ctx, c) }

// Option configures a Server.
type Option func(*Server) error

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(s *Server) error { s.log = l.With("component", "sip"); return nil }
}

// WithHandler sets the call handler. Without one, inbound INVITEs get 480.
func WithHandler(h Handler) Option {
	return func(s *Server) error { s.handler = h; return nil }
}

// WithObserver receives call lifecycle events (metrics, tests).
func WithObserver(o Observer) Option {
	return func(s *Server) error { s.obs = o; return nil }
}

// Observer is told about call events. Methods must not block.
type Observer interface {
	// InviteRejected is called with the status sent to a new INVITE.
	InviteRejected(code int, err error)
	// CallStarted is called when a call is answered and ACKed.
	CallStarted(c *Call)
	// CallEnded is called once per call with its end cause.
	CallEnded(c *Call, cause EndCause)
}

// Server is a SIP user agent that answers calls (and places them: Dial).
type Server struct {
	cfg       Config
	eng       *media.Engine
	handler   Handler
	obs       Observer
	log       *slog.Logger
	registrar Registrar
	correlate []correlation
	auth      *authGuard
	trunks    *trunk.Table // nil: admit every source (no WithTrunks)

	ua     *sipgo.UserAgent
	srv    *sipgo.Server
	client *sipgo.Client
	limit  *rateLimiter

	mu         sync.Mutex
	calls      map[string]*Call // by dialog ID
	admitted   int
	trunkCalls map[string]int // admitted calls by trunk name
	draining   atomic.Bool
	closed     bool
	addrs      map[string]netip.AddrPort // transport -> listener address

	stop     chan struct{} // closed by Shutdown
	stopOnce sync.Once
	wg       sync.WaitGroup // call goroutines
	bg       sync.WaitGroup // server goroutines
	sessSeed atomic.Uint64
}

// NewServer builds a server on the media engine eng.
func NewServer(cfg Config, eng *media.Engine, opts ...Option) (*Server, error) {
	cfg.setDefaults()
	s := &Server{
		cfg:        cfg,
		eng:        eng,
		log:        slog.New(slog.DiscardHandler),
		calls:      make(map[string]*Call),
		trunkCalls: make(map[string]int),
		addrs:      make(map[string]netip.AddrPort),
		limit:      newRateLimiter(cfg.InviteRate, cfg.InviteBurst),
		auth:       newAuthGuard(),
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	lib := LibraryLogger(s.log)
	ua, err := sipgo.NewUA(sipgo.WithUserAgent(cfg.UserAgent),
		sipgo.WithUserAgentTransportLayerOptions(sip.WithTransportLayerLogger(lib)),
		sipgo.WithUserAgentTransactionLayerOptions(sip.WithTransactionLayerLogger(lib)))
	if err != nil {
		return nil, fmt.Errorf("sip: user agent: %w", err)
	}
	s.ua = ua
	if s.srv, err = sipgo.NewServer(ua, sipgo.WithServerLogger(lib)); err != nil {
		return nil, fmt.Errorf("sip: server: %w", err)
	}
	if s.client, err = sipgo.NewClient(ua, sipgo.WithClientLogger(lib)); err != nil {
		return nil, fmt.Errorf("sip: client: %w", err)
	}
	s.stop = make(chan struct{})
	s.sessSeed.Store(uint64(time.Now().Unix()))
	s.srv.OnInvite(s.onInvite)
	s.srv.OnAck(s.onAck)
	s.srv.OnBye(s.onBye)
	s.srv.OnCancel(s.onCancel)
	s.srv.OnOptions(s.onOptions)
	s.srv.OnInfo(s.onInfo)
	s.srv.OnRegister(s.onRegister)
	s.srv.OnNoRoute(s.onNoRoute)
	s.bg.Add(1)
	go s.watchdog()
	return s, nil
}

// ServeUDP serves SIP on an already bound UDP socket until it is closed.
func (s *Server) ServeUDP(conn net.PacketConn) error {
	s.setAddr("udp", conn.LocalAddr())
	return s.srv.ServeUDP(conn)
}

// ServeTCP serves SIP on an already bound TCP listener until it is closed.
func (s *Server) ServeTCP(l net.Listener) error {
	s.setAddr("tcp", l.Addr())
	return s.srv.ServeTCP(l)
}

// ListenAndServe binds UDP and TCP on addr and serves until ctx is done.
// With port 0 both transports get the same free port: when the TCP port of
// the UDP socket's number is taken, it tries another.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	udp, tcp, err := Listen(ctx, addr)
	if err != nil {
		return err
	}
	errc := make(chan error, 2)
	go func() { errc <- s.ServeUDP(udp) }()
	go func() { errc <- s.ServeTCP(tcp) }()
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	_ = udp.Close()
	_ = tcp.Close()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

func (s *Server) setAddr(transport string, a net.Addr) {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return
	}
	s.mu.Lock()
	s.addrs[transport] = ap
	s.mu.Unlock()
}

// Addr returns the listener address for "udp" or "tcp" (invalid if none yet).
func (s *Server) Addr(transport string) netip.AddrPort {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addrs[transport]
}

// ActiveCalls is the number of admitted calls (ringing or answered).
func (s *Server) ActiveCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.admitted
}

// Drain stops admitting new calls (503) and lets current ones finish.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }

// Shutdown hangs up every call, waits for their goroutines (up to ctx) and
// closes the user agent.
func (s *Server) Shutdown(ctx context.Context) error {
	s.Drain()
	s.mu.Lock()
	s.closed = true
	calls := make([]*Call, 0, len(s.calls))
	for _, c := range s.calls {
		calls = append(calls, c)
	}
	s.mu.Unlock()
	// BYE every call at once, each bounded, so one unresponsive peer cannot
	// hold the others (or the whole shutdown) hostage; the call ends locally
	// whatever the peer does.
	var hw sync.WaitGroup
	for _, c := range calls {
		hw.Add(1)
		go func() {
			defer hw.Done()
			hctx, cancel := context.WithTimeout(ctx, hangupTimeout/2)
			defer cancel()
			if err := c.hangup(hctx, CauseShutdown); err != nil {
				c.log.Debug("shutdown BYE", "error", err)
			}
		}()
	}
	hw.Wait()
	s.stopOnce.Do(func() { close(s.stop) })
	done := make(chan struct{})
	go func() { s.wg.Wait(); s.bg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("sip: shutdown: %d calls still ending: %w", s.ActiveCalls(), ctx.Err())
	}
	_ = s.ua.Close()
	return err
}

// WaitIdle blocks until no call is active or ctx is done.
func (s *Server) WaitIdle(ctx context.Context) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for s.ActiveCalls() > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}

// contact is our Contact header for a transport.
func (s *Server) contact(transport string) sip.ContactHeader {
	ap := s.Addr(transport)
	if !ap.IsValid() {
		ap = s.Addr("udp")
	}
	host := ap.Addr().Unmap().String()
	if s.cfg.PublicHost != "" {
		host = s.cfg.PublicHost
	}
	uri := sip.Uri{Scheme: "sip", User: "callgate", Host: host, Port: int(ap.Port())}
	if transport == "tcp" {
		uri.UriParams = sip.NewParams()
		uri.UriParams.Add("transport", "tcp")
	}
	return sip.ContactHeader{Address: uri}
}

// localAddr is the address requests we originate are sent from: the
// listener's IP (with any free port), so that on a multi-homed host the
// peer sees the address it expects (a trunk's allowlist, an agent phone's
// registration). Zero (the system's choice) when the listener's IP is
// unspecified or not known yet.
func (s *Server) localAddr(transport string) sip.Addr {
	ap := s.Addr(transport)
	if !ap.IsValid() || ap.Addr().IsUnspecified() {
		return sip.Addr{}
	}
	return sip.Addr{IP: net.IP(ap.Addr().Unmap().AsSlice())}
}

func (s *Server) nextSessionID() uint64 { return s.sessSeed.Add(1) }

// watchdog ends calls whose RTP stopped or that ran too long.
func (s *Server) watchdog() {
	defer s.bg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case now := <-t.C:
			s.mu.Lock()
			var stale []*Call
			var causes []EndCause
			for _, c := range s.calls {
				if cause, ok := c.expired(now, s.cfg.RTPTimeout, s.cfg.MaxCallDuration); ok {
					stale = append(stale, c)
					causes = append(causes, cause)
				}
			}
			s.mu.Unlock()
			for i, c := range stale {
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), hangupTimeout)
					defer cancel()
					c.hangup(ctx, causes[i])
				}()
			}
		}
	}
}

func retryAfterHeader(secs int) sip.Header {
	return sip.NewHeader("Retry-After", strconv.Itoa(secs))
}

// Listen binds UDP and then TCP on the same port (SIP's convention). With
// port 0 it retries until both are free on one port number.
func Listen(ctx context.Context, addr string) (net.PacketConn, net.Listener, error) {
	var lc net.ListenConfig
	anyPort := strings.HasSuffix(addr, ":0")
	var lastErr error
	for range 20 {
		udp, err := lc.ListenPacket(ctx, "udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("sip: listen udp %s: %w", addr, err)
		}
		tcp, err := lc.Listen(ctx, "tcp", udp.LocalAddr().String())
		if err == nil {
			return udp, tcp, nil
		}
		_ = udp.Close()
		lastErr = fmt.Errorf("sip: listen tcp %s: %w", udp.LocalAddr(), err)
		if !anyPort {
			break
		}
	}
	return nil, nil, lastErr
}
