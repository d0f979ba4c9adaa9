package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/ivr/prompts"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/sip"
	"github.com/redis/go-redis/v9"
)

//go:embed demo/callgate.yaml
var demoConfig []byte //nolint:gochecknoglobals // embedded asset

// serveOptions is what the serve flags say.
type serveOptions struct {
	config    string
	sipAddr   string
	httpAddr  string
	redisURL  string
	rtpPorts  string
	logLevel  string
	logFormat string
}

func serveFlags(o *serveOptions) *flag.FlagSet {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "", "config file (default: the bundled demo config)")
	fs.StringVar(&o.sipAddr, "sip-addr", "", "SIP listen address HOST:PORT, UDP and TCP (default "+DefaultSIPAddr+")")
	fs.StringVar(&o.httpAddr, "http-addr", "", "HTTP listen address HOST:PORT, or off (default "+DefaultHTTPAddr+")")
	fs.StringVar(&o.redisURL, "redis-url", "", "Redis URL; empty runs the embedded store")
	fs.StringVar(&o.rtpPorts, "rtp-ports", "", "RTP port range LOW-HIGH (default "+DefaultRTPPorts+")")
	fs.StringVar(&o.logLevel, "log-level", "", "debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "", "text or json")
	return fs
}

// loadServeConfig resolves file, env and flags into a validated Config.
func loadServeConfig(args []string, lookup func(string) (string, bool)) (Config, error) {
	var o serveOptions
	fs := serveFlags(&o)
	if err := fs.Parse(args); err != nil {
		return Config{}, errUsage
	}
	if err := applyEnv(fs, lookup); err != nil {
		return Config{}, err
	}
	set := track(fs)
	var (
		cfg Config
		err error
	)
	if o.config == "" {
		cfg, err = parseConfig(demoConfig)
	} else {
		cfg, err = loadConfigFile(o.config)
	}
	if err != nil {
		return cfg, err
	}
	if set["sip-addr"] {
		cfg.SIP.Addr = o.sipAddr
	}
	if set["http-addr"] {
		cfg.HTTP.Addr = o.httpAddr
	}
	if set["redis-url"] {
		cfg.Redis.URL = o.redisURL
	}
	if set["rtp-ports"] {
		cfg.Media.RTPPorts = o.rtpPorts
	}
	if set["log-level"] {
		cfg.Log.Level = o.logLevel
	}
	if set["log-format"] {
		cfg.Log.Format = o.logFormat
	}
	return cfg, cfg.Validate()
}

func cmdServe(args []string) error {
	cfg, err := loadServeConfig(args, os.LookupEnv)
	if err != nil {
		return err
	}
	log := newLogger(os.Stderr, cfg.Log)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	app, err := build(ctx, cfg, log)
	if err != nil {
		return err
	}
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sigs)
	return app.Run(ctx, sigs)
}

func newLogger(w io.Writer, c LogConfig) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: lvl}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// App is the wired server.
type App struct {
	cfg     Config
	log     *slog.Logger
	eng     *media.Engine
	sip     *sip.Server
	rdb     *redis.Client
	mini    *miniredis.Miniredis
	metrics *metrics
	udp     net.PacketConn
	tcp     net.Listener
	http    *http.Server
	httpLn  net.Listener
}

// build binds every listener and wires the object graph; nothing serves yet.
func build(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.closeAll()
		}
	}()
	sets, err := loadPrompts(cfg.IVR.Prompts)
	if err != nil {
		return nil, err
	}
	greeter := &ivr.Greeter{Prompts: sets["en"], IdleTimeout: cfg.IVR.IdleTimeout, LogDigits: cfg.IVR.DebugDigits}
	if err := greeter.Validate(); err != nil {
		return nil, fmt.Errorf("prompts: %w", err)
	}

	if err := a.openRedis(ctx); err != nil {
		return nil, err
	}

	sipAP := netip.MustParseAddrPort(cfg.SIP.Addr)
	mediaIP := sipAP.Addr()
	if cfg.Media.IP != "" {
		mediaIP = netip.MustParseAddr(cfg.Media.IP)
	}
	pr, _ := media.ParsePortRange(cfg.Media.RTPPorts)
	if a.eng, err = media.NewEngine(media.EngineConfig{IP: mediaIP, Ports: pr, Logger: log}); err != nil {
		return nil, err
	}
	a.metrics = newMetrics(a)
	a.sip, err = sip.NewServer(sip.Config{
		MaxCalls: cfg.SIP.MaxCalls, InviteRate: cfg.SIP.InviteRate, InviteBurst: cfg.SIP.InviteBurst,
		RTPTimeout: cfg.SIP.RTPTimeout, MaxCallDuration: cfg.SIP.MaxCallDuration,
		AnswerDelay: cfg.SIP.AnswerDelay, PublicHost: cfg.SIP.PublicHost,
	}, a.eng,
		sip.WithLogger(log),
		sip.WithObserver(a.metrics),
		sip.WithHandler(sip.HandlerFunc(func(ctx context.Context, c *sip.Call) {
			if err := greeter.Run(ctx, c); err != nil {
				c.Logger().Debug("call application ended", "error", err)
			}
		})))
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	if a.udp, err = lc.ListenPacket(ctx, "udp", cfg.SIP.Addr); err != nil {
		return nil, fmt.Errorf("sip.addr: listen udp %s: %w", cfg.SIP.Addr, err)
	}
	if a.tcp, err = lc.Listen(ctx, "tcp", a.udp.LocalAddr().String()); err != nil {
		return nil, fmt.Errorf("sip.addr: listen tcp %s: %w", a.udp.LocalAddr(), err)
	}
	if cfg.HTTP.Addr != "off" {
		if a.httpLn, err = lc.Listen(ctx, "tcp", cfg.HTTP.Addr); err != nil {
			return nil, fmt.Errorf("http.addr: listen %s: %w", cfg.HTTP.Addr, err)
		}
		a.http = &http.Server{Handler: a.routes(), ReadHeaderTimeout: 5 * time.Second}
	}
	return a, nil
}

func loadPrompts(dir string) (map[string]*prompt.Set, error) {
	if dir == "" {
		sets, err := prompts.Load()
		if err != nil {
			return nil, fmt.Errorf("ivr.prompts: bundled: %w", err)
		}
		return sets, nil
	}
	set, err := prompt.LoadFS(os.DirFS(dir), "en")
	if err != nil {
		return nil, fmt.Errorf("ivr.prompts: %w", err)
	}
	return map[string]*prompt.Set{"en": set}, nil
}

func (a *App) openRedis(ctx context.Context) error {
	url := a.cfg.Redis.URL
	if url == "" {
		m := miniredis.NewMiniRedis()
		if err := m.StartAddr("127.0.0.1:0"); err != nil {
			return fmt.Errorf("redis: embedded store: %w", err)
		}
		a.mini = m
		url = "redis://" + m.Addr()
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return fmt.Errorf("redis.url: %w", err)
	}
	a.rdb = redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := a.rdb.Ping(pctx).Err(); err != nil {
		return fmt.Errorf("redis.url: %s does not answer: %w", opt.Addr, err)
	}
	return nil
}

// Run serves until a signal: SIGTERM drains (new INVITEs get 503, calls
// finish up to drain_timeout); SIGINT or a second signal stops at once.
func (a *App) Run(ctx context.Context, sigs <-chan os.Signal) error {
	errc := make(chan error, 3)
	go func() { errc <- a.sip.ServeUDP(a.udp) }()
	go func() { errc <- a.sip.ServeTCP(a.tcp) }()
	if a.http != nil {
		go func() { errc <- a.http.Serve(a.httpLn) }()
	}
	store := "embedded"
	if a.mini == nil {
		store = "redis"
	}
	httpAddr := "off"
	if a.httpLn != nil {
		httpAddr = a.httpLn.Addr().String()
	}
	a.log.Info("callgate serving", "version", version, "sip", a.udp.LocalAddr().String(), "transports", "udp,tcp",
		"http", httpAddr, "rtp_ports", a.cfg.Media.RTPPorts, "store", store, "demo", a.cfg.Demo)

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, http.ErrServerClosed) {
			runErr = err
		}
	case sig := <-sigs:
		if sig == syscall.SIGTERM {
			a.drain(sigs)
		}
	}
	a.log.Info("callgate stopping", "active_calls", a.sip.ActiveCalls())
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.sip.Shutdown(sctx); err != nil {
		a.log.Warn("shutdown", "error", err)
	}
	if a.http != nil {
		_ = a.http.Shutdown(sctx)
	}
	a.closeAll()
	a.log.Info("callgate stopped")
	return runErr
}

// drain stops admitting calls and waits for the active ones, logging
// progress, until they end, drain_timeout passes or another signal comes.
func (a *App) drain(sigs <-chan os.Signal) {
	a.sip.Drain()
	a.log.Info("draining: new calls get 503", "active_calls", a.sip.ActiveCalls(), "timeout", a.cfg.DrainTimeout)
	deadline := time.NewTimer(a.cfg.DrainTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for a.sip.ActiveCalls() > 0 {
		select {
		case <-deadline.C:
			a.log.Warn("drain timeout: hanging up remaining calls", "active_calls", a.sip.ActiveCalls())
			return
		case <-sigs:
			a.log.Warn("second signal: stopping now", "active_calls", a.sip.ActiveCalls())
			return
		case <-tick.C:
			a.log.Info("draining", "active_calls", a.sip.ActiveCalls())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (a *App) closeAll() {
	if a.udp != nil {
		_ = a.udp.Close()
	}
	if a.tcp != nil {
		_ = a.tcp.Close()
	}
	if a.httpLn != nil {
		_ = a.httpLn.Close()
	}
	if a.eng != nil {
		_ = a.eng.Close()
	}
	if a.rdb != nil {
		_ = a.rdb.Close()
	}
	if a.mini != nil {
		a.mini.Close()
	}
}
