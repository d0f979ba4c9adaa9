package load

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/sip"
)

// generator is one run's shared state: one media engine and one SIP
// endpoint for every call.
type generator struct {
	cfg          Config
	eng          *media.Engine
	srv          *sip.Server
	codecs       []media.Codec
	anchorPrompt *prompt.Prompt
	interArrival *Histogram
	ticker       *Histogram

	seq       atomic.Int64 // From user numbering
	launched  atomic.Int64
	active    atomic.Int64
	peak      atomic.Int64
	completed atomic.Int64
	failed    atomic.Int64

	mu  sync.Mutex
	agg aggregate
}

// aggregate is every call's callResult folded together, under mu.
type aggregate struct {
	attempted, answered, completed int
	failedBy                       map[string]int
	examples                       map[string]string
	setup, pdd, press, release     []time.Duration
	missing, late                  int
	rtpCalls, lossCalls            int
	rx, tx, lost                   uint64
	jitter                         []time.Duration
}

func (g *generator) fromUser() string {
	return "load" + strconv.FormatInt(g.seq.Add(1), 10)
}

func (g *generator) callUp() {
	n := g.active.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (g *generator) callDown() { g.active.Add(-1) }

func (g *generator) collect(r *callResult) {
	if r.reason == "" {
		g.completed.Add(1)
	} else {
		g.failed.Add(1)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	a := &g.agg
	a.attempted++
	if r.answered {
		a.answered++
		a.setup = append(a.setup, r.setup)
		a.pdd = append(a.pdd, r.pdd)
		a.rtpCalls++
		a.rx += r.stats.RxPackets
		a.tx += r.stats.TxPackets
		a.lost += uint64(r.stats.RxLost)
		if r.stats.RxLost > 0 {
			a.lossCalls++
		}
		a.jitter = append(a.jitter, r.stats.RxJitter)
	}
	a.press = append(a.press, r.press...)
	a.release = append(a.release, r.release...)
	a.missing += r.missing
	a.late += r.late
	if r.reason == "" {
		a.completed++
		return
	}
	a.failedBy[r.reason]++
	if _, ok := a.examples[r.reason]; !ok && r.err != nil {
		a.examples[r.reason] = r.err.Error()
	}
}

// Run places cfg.Calls calls and reports on them. It returns an error only
// when the run could not start; failed calls are in the report.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg.setDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	g := &generator{
		cfg:          cfg,
		codecs:       []media.Codec{media.PCMU},
		anchorPrompt: prompt.Silence(frame),
		interArrival: NewHistogram(10*time.Microsecond, 20_000), // to 200 ms
		ticker:       NewHistogram(10*time.Microsecond, 20_000),
		agg:          aggregate{failedBy: map[string]int{}, examples: map[string]string{}},
	}
	eng, err := media.NewEngine(media.EngineConfig{IP: cfg.LocalIP, Ports: cfg.RTPPorts, Logger: cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("load: media: %w", err)
	}
	defer eng.Close()
	g.eng = eng
	// The generator's own endpoint answers nothing (no handler: 480) and
	// limits nothing: the server under test is what is being measured.
	srv, err := sip.NewServer(sip.Config{InviteRate: -1, RTPTimeout: time.Minute}, eng, sip.WithLogger(cfg.Logger))
	if err != nil {
		return nil, fmt.Errorf("load: sip: %w", err)
	}
	g.srv = srv
	// UDP only, on a socket bound here: ListenAndServe would also need the
	// same port free on TCP, which a busy host does not always have.
	var lc net.ListenConfig
	conn, err := lc.ListenPacket(ctx, "udp", netip.AddrPortFrom(cfg.LocalIP, 0).String())
	if err != nil {
		return nil, fmt.Errorf("load: listen: %w", err)
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.ServeUDP(conn)
	}()
	defer func() {
		_ = conn.Close()
		<-served
	}()
	// Dial puts this address in Contact: wait until ServeUDP has noted it.
	for i := 0; !srv.Addr("udp").IsValid(); i++ {
		if i == 1000 {
			return nil, fmt.Errorf("load: SIP endpoint did not start on %s", conn.LocalAddr())
		}
		time.Sleep(time.Millisecond)
	}

	rep := &Report{
		Target: cfg.Target, Calls: cfg.Calls, Concurrency: cfg.Concurrency, Rate: cfg.Rate,
		DurationMs: ms(cfg.Duration), HoldMs: ms(cfg.Hold), Script: FormatScript(cfg.Script),
		ToneMs: ms(cfg.Tone), Started: time.Now(),
	}
	before := g.snapshot(ctx, rep)

	sampler := g.startSampler(rep.Started)
	g.launch(ctx)
	samples, self, drops := sampler.stop()

	hctx, hcancel := context.WithTimeout(context.Background(), 10*time.Second)
	if err := srv.Shutdown(hctx); err != nil {
		rep.Notes = append(rep.Notes, "generator shutdown: "+err.Error())
	}
	hcancel()
	rep.ElapsedS = time.Since(rep.Started).Seconds()

	// Let the server finish its own teardown (BYE transactions, timers)
	// before the "after" readings.
	select {
	case <-time.After(cfg.Settle):
	case <-ctx.Done():
	}
	after := g.snapshot(context.WithoutCancel(ctx), rep)
	g.fill(rep, before, after, samples, self)
	rep.UDP.DropsGenerator, rep.UDP.DropsServer, rep.UDP.DropsOther = drops[ownerGenerator], drops[ownerServer], drops[ownerOther]
	return rep, nil
}

// launch starts calls at cfg.Rate, at most cfg.Concurrency at once, and
// waits for all of them.
func (g *generator) launch(ctx context.Context) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, g.cfg.Concurrency)
	var interval time.Duration
	if g.cfg.Rate > 0 {
		interval = time.Duration(float64(time.Second) / g.cfg.Rate)
	}
	pace := time.NewTimer(time.Hour)
	defer pace.Stop()
	next := time.Now()
loop:
	for range g.cfg.Calls {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			break loop
		}
		if d := time.Until(next); d > 0 {
			pace.Reset(d)
			select {
			case <-pace.C:
			case <-ctx.Done():
				<-slots
				break loop
			}
		}
		// Behind schedule (slots were full): do not burst to catch up.
		next = later(next, time.Now()).Add(interval)
		g.launched.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			c := &callRun{g: g}
			c.run(ctx)
			g.collect(&c.res)
		}()
	}
	wg.Wait()
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// snapshot is the readings taken before and after the run.
type snapshot struct {
	udp     UDPCounters
	udpOK   bool
	proc    procSample
	procOK  bool
	fds     int
	metrics *ServerMetrics
}

func (g *generator) snapshot(ctx context.Context, rep *Report) snapshot {
	var s snapshot
	var err error
	if s.udp, err = readUDPCounters(g.cfg.ProcRoot); err == nil {
		s.udpOK = true
	} else {
		rep.Notes = append(rep.Notes, "udp counters: "+err.Error())
	}
	if g.cfg.PID > 0 {
		if s.proc, err = sampleProc(g.cfg.ProcRoot, g.cfg.PID); err == nil {
			s.procOK = true
		} else {
			rep.Notes = append(rep.Notes, fmt.Sprintf("server pid %d: %v", g.cfg.PID, err))
		}
		if s.fds, err = countFDs(g.cfg.ProcRoot, g.cfg.PID); err != nil {
			s.fds = -1
		}
	}
	if g.cfg.MetricsURL != "" {
		if m, err := scrapeMetrics(ctx, g.cfg.MetricsURL); err == nil {
			s.metrics = &m
		} else {
			rep.Notes = append(rep.Notes, "metrics: "+err.Error())
		}
	}
	return s
}

// fill completes the report from the aggregate and the samples.
func (g *generator) fill(rep *Report, before, after snapshot, samples []runSample, self GeneratorReport) {
	g.mu.Lock()
	a := g.agg
	g.mu.Unlock()
	rep.Attempted, rep.Answered, rep.Completed = a.attempted, a.answered, a.completed
	rep.Failed = a.attempted - a.completed
	rep.FailedBy = a.failedBy
	if len(a.examples) > 0 {
		rep.FailureExamples = a.examples
	}
	rep.PeakActive = int(g.peak.Load())
	rep.Setup = PercentilesOf(a.setup)
	rep.PostDialDelay = PercentilesOf(a.pdd)
	rep.LastDigitToPrompt = PercentilesOf(a.press)
	rep.LastDigitEndToPrompt = PercentilesOf(a.release)
	rep.PromptsMissing, rep.AnchorsLate = a.missing, a.late
	rep.RTP = RTPReport{Calls: a.rtpCalls, RxPackets: a.rx, Lost: a.lost, CallsWithLoss: a.lossCalls, Jitter: PercentilesOf(a.jitter)}
	if a.rtpCalls > 0 {
		rep.RTP.RxPacketsPerCall = float64(a.rx) / float64(a.rtpCalls)
		rep.RTP.TxPacketsPerCall = float64(a.tx) / float64(a.rtpCalls)
	}
	if a.rx+a.lost > 0 {
		rep.RTP.LossRate = float64(a.lost) / float64(a.rx+a.lost)
	}
	rep.InterArrival = g.interArrival.Percentiles()
	rep.InterArrivalOutside2ms = g.interArrival.Spread(frame, 2*time.Millisecond)
	rep.GeneratorTicker = g.ticker.Percentiles()
	rep.Generator = self
	if before.udpOK && after.udpOK {
		rep.UDP = after.udp.Sub(before.udp)
	}
	if g.cfg.PID > 0 {
		rep.Server = serverReport(g.cfg.PID, rep.Started, before, after, samples, a.attempted)
	}
}

// serverReport computes the server's cost over the steady window.
func serverReport(pid int, t0 time.Time, before, after snapshot, samples []runSample, calls int) *ServerReport {
	sr := &ServerReport{PID: pid, ThreadsBefore: before.proc.Threads, ThreadsAfter: after.proc.Threads,
		FDsBefore: before.fds, FDsAfter: after.fds, RSSBeforeKiB: before.proc.RSSKiB, RSSAfterKiB: after.proc.RSSKiB,
		MetricsBefore: before.metrics, MetricsAfter: after.metrics}
	var ok []runSample
	for _, s := range samples {
		if s.ok {
			ok = append(ok, s)
			sr.RSSPeakKiB = max(sr.RSSPeakKiB, s.server.RSSKiB)
		}
	}
	if before.procOK && after.procOK {
		sr.RunCPUSeconds = float64(after.proc.CPUTicks-before.proc.CPUTicks) / userHZ
		if calls > 0 {
			sr.RunCPUPerCallMs = 1000 * sr.RunCPUSeconds / float64(calls)
		}
	}
	i0, i1, callSec, found := steadyWindow(ok)
	if !found {
		sr.SteadyWindowNote = "no steady window: too few samples at the peak"
		return sr
	}
	w := ok[i1].at.Sub(ok[i0].at).Seconds()
	sr.WindowS, sr.WindowFromS, sr.CallSeconds = w, ok[i0].at.Sub(t0).Seconds(), callSec
	sr.MeanConcurrent = callSec / w
	sr.CPUSeconds = float64(ok[i1].server.CPUTicks-ok[i0].server.CPUTicks) / userHZ
	sr.CPUPercent = 100 * sr.CPUSeconds / w
	if callSec > 0 {
		sr.CPUPerCallSecondUs = 1e6 * sr.CPUSeconds / callSec
	}
	if h0, h1 := ok[i0].host, ok[i1].host; h1.total > h0.total {
		ncpu := float64(runtime.NumCPU())
		span := float64(h1.total-h0.total) / ncpu // ticks per CPU
		sr.HostCPUPercent = 100 * ncpu * float64(h1.busy-h0.busy) / float64(h1.total-h0.total)
		sr.StealPercent = 100 * float64(h1.steal-h0.steal) / span
		sr.GeneratorCPUPercent = 100 * float64(ok[i1].self-ok[i0].self) / span
		sr.OtherCPUPercent = max(0, sr.HostCPUPercent-sr.CPUPercent-sr.GeneratorCPUPercent)
	}
	sr.RSSSteadyKiB = ok[i1].server.RSSKiB
	if sr.MeanConcurrent > 0 && before.procOK {
		sr.RSSPerCallKiB = (float64(sr.RSSSteadyKiB) - float64(sr.RSSBeforeKiB)) / sr.MeanConcurrent
	}
	if before.metrics != nil && sr.MeanConcurrent > 0 {
		for k := i1; k >= i0; k-- {
			if m := ok[k].metrics; m != nil {
				b := before.metrics
				sr.HeapPerCallKiB = (m.HeapInuse - b.HeapInuse) / 1024 / sr.MeanConcurrent
				sr.StackPerCallKiB = (m.StackInuse - b.StackInuse) / 1024 / sr.MeanConcurrent
				sr.GoroutinesPerCall = (m.Goroutines - b.Goroutines) / sr.MeanConcurrent
				sr.MetricsSteady = m
				break
			}
		}
	}
	if w < 5 {
		sr.SteadyWindowNote = fmt.Sprintf("steady window only %.1f s: CPU has 10 ms resolution; hold calls longer", w)
	}
	return sr
}
