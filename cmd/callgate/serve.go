package main

import (
	"context"
	_ "embed"
	"encoding/base64"
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
	"strings"
	"syscall"
	"time"

	"github.com/callgate/callgate/audit"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/ivr/prompts"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/routing/evidence"
	"github.com/callgate/callgate/routing/guard"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/policyadmin"
	"github.com/callgate/callgate/routing/promptstore"
	"github.com/callgate/callgate/routing/registrations"
	"github.com/callgate/callgate/routing/store"
	"github.com/callgate/callgate/routing/tags"
	"github.com/callgate/callgate/sip"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/callgate/callgate/web"
	"github.com/callgate/callgate/web/twiliohook"
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
	ledger    string
	pprofAddr string
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
	fs.StringVar(&o.ledger, "ledger", "", "audit ledger file (default callgate-ledger.jsonl)")
	fs.StringVar(&o.pprofAddr, "pprof-addr", "", "serve Go's /debug/pprof profiles on this loopback HOST:PORT (default off)")
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
	if set["ledger"] {
		cfg.Audit.Ledger = o.ledger
	}
	cfg.PprofAddr = o.pprofAddr
	cfg.Twilio.applyEnv(lookup)
	if err := cfg.Validate(); err != nil {
		return cfg, err
	}
	return cfg, cfg.resolveTrunks(lookup)
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
	if cfg.PprofAddr != "" {
		_, stop, err := servePprof(ctx, cfg.PprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
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
	cfg   Config
	log   *slog.Logger
	eng   *media.Engine
	sip   *sip.Server
	store *store.Store
	rdb   redis.UniversalClient
	flows *flows.Catalog
	// policies is the disclosure policy's administration (versions in the store).
	policies *policyadmin.Catalog
	runner   *ivr.Runner
	ledger   *audit.Ledger
	hub      *web.Hub
	screens  *screenRelay
	// promptStore and promptCache hold the prompts admins upload.
	promptStore *promptstore.Store
	promptCache *promptstore.Cache
	web         *web.Server
	metrics     *metrics
	trunks      *trunk.Table
	monitor     *trunk.Monitor
	roster      *dispatch.RedisRoster
	queue       *dispatch.RedisQueue
	// callbacks is the shared callback list.
	callbacks *dispatch.RedisCallbacks
	// ops are the live counts behind the ops summary (opswire.go).
	ops    *opsStats
	udp    net.PacketConn
	tcp    net.Listener
	http   *http.Server
	httpLn net.Listener

	// twilioHook serves the Twilio webhooks when configured (twiliowire.go).
	twilioHook *twiliohook.Handler
	// liveFlows are the flows live at startup (startup checks, metrics).
	liveFlows []*flows.Flow
}

// build binds every listener and wires the object graph; nothing serves yet.
func build(ctx context.Context, cfg Config, log *slog.Logger) (_ *App, err error) {
	a := &App{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			a.closeAll()
		}
	}()
	key, _ := base64.StdEncoding.DecodeString(cfg.SecretKey) // validated
	sets, err := loadPrompts(cfg.IVR.Prompts)
	if err != nil {
		return nil, err
	}
	flowOpts := flowOptions(sets, cfg.Twilio.unavailableSteps(), a.uploadedExists)
	flowSrcs, err := flowSources(cfg.IVR.Flows)
	if err != nil {
		return nil, err
	}
	if err := checkFlowSources(flowSrcs, flowOpts); err != nil {
		return nil, err
	}
	if a.store, err = store.Open(ctx, store.Config{URL: cfg.Redis.URL}); err != nil {
		return nil, fmt.Errorf("redis.url: %w", err)
	}
	a.rdb = a.store.Client
	var dir members.Directory
	switch cfg.Members.Source {
	case "demo":
		if dir, err = members.LoadDemo(key); err != nil {
			return nil, fmt.Errorf("members: demo: %w", err)
		}
	default:
		r := members.NewRedis(a.rdb, key, members.DefaultArgon2Params())
		if err := r.Err(); err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
		dir = r
	}
	agentDir, err := loadAgents(cfg)
	if err != nil {
		return nil, err
	}
	polSrc, err := loadPolicy(cfg)
	if err != nil {
		return nil, err
	}
	if a.ledger, err = audit.Open(cfg.Audit.Ledger); err != nil {
		return nil, fmt.Errorf("audit.ledger: %w", err)
	}
	a.promptStore = promptstore.New(a.rdb)
	a.promptCache = promptstore.NewCache(a.promptStore, log.With("component", "prompts"))
	if err := a.promptCache.Load(ctx); err != nil {
		return nil, fmt.Errorf("prompts: uploaded: %w", err)
	}
	if a.liveFlows, err = a.openFlows(ctx, a.rdb, flowSrcs, flowOpts); err != nil {
		return nil, err
	}
	if err := a.openPolicy(ctx, a.rdb, polSrc); err != nil {
		return nil, err
	}
	for _, id := range append([]string{cfg.IVR.DefaultFlow}, mapValues(cfg.IVR.Numbers)...) {
		if _, err := a.flows.Live(ctx, id); err != nil {
			return nil, fmt.Errorf("ivr: flow %q is not published (live: %s): %w", id, flowIDs(a.liveFlows), err)
		}
	}
	regs := registrations.New(a.rdb, agentHA1(cfg, agentDir))
	roster := dispatch.NewRedisRoster(a.rdb, agentDir, regs)
	a.roster = roster
	if a.trunks, err = trunk.NewTable(cfg.trunks); err != nil {
		return nil, fmt.Errorf("trunks: %w", err)
	}
	a.hub = web.NewHub()
	a.screens = newScreenRelay(a.hub, a.rdb, log.With("component", "screens"))
	a.queue = dispatch.NewRedisQueue(a.rdb)
	a.callbacks = dispatch.NewRedisCallbacks(a.rdb)
	a.ops = newOpsStats(time.Now)
	webCfg := web.Config{
		Demo: cfg.Demo, IdleTimeout: cfg.Agents.IdleLogoff, ScreenLock: cfg.Agents.ScreenLock,
		Trunks: trunkSource{a}, Ops: opsSource{a},
	}
	if a.web, err = web.New(webCfg, agentDir, a.hub, presence{roster},
		web.WithLogger(log), web.WithAudit(auditHook(a.ledger)), web.WithReveals(revealHook(a.ledger)),
		web.WithAccounting(a.ledger), web.WithCallbacks(a.callbacks),
		// Failed sign-ins are counted in the shared store, usernames
		// hashed under secret_key, so every node enforces one limit.
		web.WithRedisLockout(web.RedisLockout{Client: a.rdb, Key: key}),
		web.WithFlows(a.flows, flowLedger(a.ledger)), web.WithPolicy(a.policies, policyLedger(a.ledger)),
		web.WithPrompts(promptAdmin{store: a.promptStore, cache: a.promptCache, bundled: sets}, promptLedger(a.ledger))); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	a.metrics = newMetrics(a)
	a.runner = &ivr.Runner{
		Flows:    a.flows,
		Prompts:  sets,
		Uploaded: a.promptCache,
		Members:  directory{dir},
		Tags:     tagStore{tags.New(a.rdb, tags.WithTTL(cfg.Tags.TTL), tags.WithMetrics(a.metrics.tagOp))},
		Guard: guard.New(a.rdb, key, guard.Config{
			MaxFailures: cfg.Guard.MaxFailures, Window: cfg.Guard.Window, LockFor: cfg.Guard.LockFor,
			PretextDistinct: cfg.Guard.PretextDistinct, PretextWindow: cfg.Guard.PretextWindow,
		}),
		Evidence:  evidenceStore{evidence.New(a.rdb, 0)},
		Observer:  a.metrics,
		MemberRef: func(id []byte) string { return members.SubjectOf(key, id) },
		Callbacks: ivrCallbacks{a.callbacks},
		Dispatch: ivrDispatcher{d: &dispatch.Dispatcher{
			Roster: roster, Screens: a.screens, Members: memberRecords{dir}, Policies: a.policies,
			Ledger: ledger{a.ledger}, Queue: a.queue,
			RingTimeout: cfg.Agents.RingTimeout, WrapUp: cfg.Agents.WrapUp, Log: log.With("component", "dispatch"),
			Observer: a.metrics,
		}, ops: a.ops},
	}

	sipAP := netip.MustParseAddrPort(cfg.SIP.Addr)
	mediaIP := sipAP.Addr()
	if cfg.Media.IP != "" {
		mediaIP = netip.MustParseAddr(cfg.Media.IP)
	}
	pr, _ := media.ParsePortRange(cfg.Media.RTPPorts) // "0" leaves the zero range: any free port
	if a.eng, err = media.NewEngine(media.EngineConfig{IP: mediaIP, Ports: pr, Logger: log}); err != nil {
		return nil, err
	}
	a.sip, err = sip.NewServer(sip.Config{
		MaxCalls: cfg.SIP.MaxCalls, InviteRate: cfg.SIP.InviteRate, InviteBurst: cfg.SIP.InviteBurst,
		RTPTimeout: cfg.SIP.RTPTimeout, MaxCallDuration: cfg.SIP.MaxCallDuration,
		AnswerDelay: cfg.SIP.AnswerDelay, PublicHost: cfg.SIP.PublicHost,
	}, a.eng,
		sip.WithLogger(log),
		sip.WithObserver(a.metrics),
		sip.WithRegistrar(registrar{regs}),
		sip.WithTrunks(a.trunks), // always: a source no trunk admits gets 403
		// A call from the Twilio front door logs its CallSid, to match the
		// status callback's line.
		sip.WithCorrelationHeader(twiliohook.CallSidHeader, "twilio_call_sid", twiliohook.ValidCallSid),
		sip.WithHandler(sip.HandlerFunc(a.serveCall)))
	if err != nil {
		return nil, err
	}
	if a.monitor, err = trunk.NewMonitor(a.trunks, a.sip, trunk.WithLogger(log), trunk.WithObserver(a.metrics)); err != nil {
		return nil, fmt.Errorf("trunks: %w", err)
	}
	if a.udp, a.tcp, err = sip.Listen(ctx, cfg.SIP.Addr); err != nil {
		return nil, fmt.Errorf("sip.addr: %w", err)
	}
	if err := a.wireTwilio(cfg, dir); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	if cfg.HTTP.Addr != "off" {
		if a.httpLn, err = lc.Listen(ctx, "tcp", cfg.HTTP.Addr); err != nil {
			return nil, fmt.Errorf("http.addr: listen %s: %w", cfg.HTTP.Addr, err)
		}
		a.http = &http.Server{Handler: a.routes(), ReadHeaderTimeout: 5 * time.Second}
	}
	return a, nil
}

// serveCall picks the flow by the Request-URI user and runs it.
func (a *App) serveCall(ctx context.Context, c *sip.Call) {
	id := a.cfg.IVR.DefaultFlow
	if f, ok := a.cfg.IVR.Numbers[c.CalledUser()]; ok {
		id = f
	}
	a.ops.inFlow.Add(1)
	defer a.ops.inFlow.Add(-1)
	if err := a.runner.Run(ctx, c, id); err != nil {
		c.Logger().Warn("flow run failed", "flow", id, "error", err)
	}
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func loadPrompts(dir string) (map[string]*prompt.Set, error) {
	if dir == "" {
		sets, err := prompts.Load()
		if err != nil {
			return nil, fmt.Errorf("ivr.prompts: bundled: %w", err)
		}
		return sets, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("ivr.prompts: %w", err)
	}
	sets := map[string]*prompt.Set{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		set, err := prompt.LoadFS(os.DirFS(dir), e.Name())
		if err != nil {
			return nil, fmt.Errorf("ivr.prompts: %w", err)
		}
		sets[e.Name()] = set
	}
	if sets["en"] == nil {
		return nil, fmt.Errorf("ivr.prompts: %s has no en/ directory", dir)
	}
	return sets, nil
}

// Run serves until a signal: SIGTERM drains (new INVITEs get 503, calls
// finish up to drain_timeout); SIGINT or a second signal stops at once.
func (a *App) Run(ctx context.Context, sigs <-chan os.Signal) error {
	errc := make(chan error, 3)
	webCtx, stopWeb := context.WithCancel(ctx)
	defer stopWeb()
	webDone := make(chan struct{})
	go func() {
		defer close(webDone)
		_ = a.web.Run(webCtx) // idle logoff, and closes event streams at shutdown
	}()
	promptsDone := make(chan struct{})
	go func() {
		defer close(promptsDone)
		a.promptCache.Run(webCtx) // prompts uploaded through any node
	}()
	relayDone := make(chan struct{})
	go func() {
		defer close(relayDone)
		a.screens.Run(webCtx) // screen pops bridged by other nodes
	}()
	go func() { errc <- a.sip.ServeUDP(a.udp) }()
	go func() { errc <- a.sip.ServeTCP(a.tcp) }()
	monCtx, stopMonitor := context.WithCancel(ctx)
	defer stopMonitor()
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		_ = a.monitor.Run(monCtx) // OPTIONS to every trunk address until shutdown
	}()
	if a.http != nil {
		go func() { errc <- a.http.Serve(a.httpLn) }()
	}
	storeKind := a.store.Addr() // "embedded 127.0.0.1:PORT" or where Redis is
	httpAddr := "off"
	if a.httpLn != nil {
		httpAddr = a.httpLn.Addr().String()
	}
	a.log.Info("callgate serving", "version", version, "sip", a.udp.LocalAddr().String(), "transports", "udp,tcp",
		"http", httpAddr, "rtp_ports", a.cfg.Media.RTPPorts, "store", storeKind, "flows", flowIDs(a.liveFlows),
		"trunks", strings.Join(trunkNames(a.trunks), ","), "demo", a.cfg.Demo)
	if a.trunks.Len() == 0 {
		a.log.Warn("no trunks configured: every INVITE except from registered agent phones gets 403")
	}

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
	stopMonitor()
	<-monDone // probes use the SIP user agent that Shutdown closes
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.sip.Shutdown(sctx); err != nil {
		a.log.Warn("shutdown", "error", err)
	}
	stopWeb()
	<-webDone
	<-relayDone
	<-promptsDone
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
	if a.store != nil {
		_ = a.store.Close()
	}
	if a.ledger != nil {
		_ = a.ledger.Close()
	}
}
