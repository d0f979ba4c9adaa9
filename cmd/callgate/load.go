package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/callgate/callgate/cmd/callgate/internal/load"
	"github.com/callgate/callgate/media"
)

const loadUsage = `usage: callgate load --target sip:ivr@127.0.0.1:5060 [flags]
       callgate load --ticker-floor 30s

Places many calls against a SIP IVR on loopback and reports setup times,
post-dial delay, last-digit-to-next-prompt latency, RTP per call and, with
--pid, the server's CPU and memory per call. Only loopback targets.
`

// cmdLoad runs `callgate load` until done or interrupted (SIGINT or
// SIGTERM end the run early; the report still prints).
func cmdLoad(args []string, out io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runLoad(ctx, args, out)
}

func runLoad(ctx context.Context, args []string, out io.Writer) error {
	var (
		cfg         load.Config
		script      string
		toneMs      int
		localIP     string
		rtpPorts    string
		jsonOut     bool
		verbose     bool
		quiet       bool
		tickerFloor time.Duration
	)
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), loadUsage)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Target, "target", "", "SIP URI to call (loopback only), e.g. sip:ivr@127.0.0.1:5060")
	fs.IntVar(&cfg.Calls, "calls", load.DefaultCalls, "total calls to place")
	fs.IntVar(&cfg.Concurrency, "concurrency", load.DefaultConcurrency, "most calls up at once")
	fs.Float64Var(&cfg.Rate, "rate", 10, "new calls per second (0: as fast as --concurrency allows)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "each call's length after answer (0: until the script has been sent, plus --hold)")
	fs.DurationVar(&cfg.Hold, "hold", load.DefaultHold, "with --duration 0: how long a call stays up after its script")
	fs.StringVar(&script, "dtmf", "", "DTMF script sent on every call, as for dial: KEYS@OFFSET,... (offset from answer)")
	fs.IntVar(&toneMs, "tone-ms", int(load.DefaultTone/time.Millisecond), "tone length per key in ms (RFC 4733)")
	fs.IntVar(&cfg.PID, "pid", 0, "server PID: sample its CPU and RSS from /proc over the steady window")
	fs.StringVar(&cfg.MetricsURL, "metrics-url", "", "server /metrics URL (loopback) read before and after: goroutines, heap")
	fs.StringVar(&localIP, "local-ip", "127.0.0.1", "generator SIP and RTP address (loopback)")
	fs.StringVar(&rtpPorts, "rtp-ports", load.DefaultRTPPorts.String(), "generator RTP port range LOW-HIGH")
	fs.DurationVar(&cfg.Timeout, "timeout", load.DefaultTimeout, "bound on the whole run; calls still up are hung up")
	fs.DurationVar(&cfg.RingTimeout, "ring-timeout", load.DefaultRingTimeout, "cancel a call not answered within this time")
	fs.DurationVar(&cfg.Settle, "settle", load.DefaultSettle, "wait after the last call before the 'after' readings")
	fs.DurationVar(&tickerFloor, "ticker-floor", 0, "only time an idle 20 ms Go ticker for this long and print its intervals")
	fs.BoolVar(&jsonOut, "json", false, "print the report as JSON")
	fs.BoolVar(&quiet, "q", false, "no progress lines on stderr")
	fs.BoolVar(&verbose, "v", false, "log the generator's SIP and media to stderr")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if cfg.Target == "" && fs.NArg() > 0 {
		cfg.Target = fs.Arg(0)
	}
	if tickerFloor > 0 {
		return printTickerFloor(ctx, out, tickerFloor, jsonOut)
	}
	if cfg.Target == "" {
		fs.Usage()
		return errUsage
	}
	if err := load.CheckTarget(cfg.Target); err != nil {
		return err
	}
	var err error
	if cfg.Script, err = load.ParseScript(script); err != nil {
		return err
	}
	cfg.Tone = time.Duration(toneMs) * time.Millisecond
	if cfg.LocalIP, err = netip.ParseAddr(localIP); err != nil {
		return fmt.Errorf("--local-ip %q: %w", localIP, err)
	}
	if cfg.RTPPorts, err = media.ParsePortRange(rtpPorts); err != nil {
		return fmt.Errorf("--rtp-ports: %w", err)
	}
	if verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if !quiet {
		var last time.Duration
		cfg.Progress = func(p load.Progress) {
			if p.Elapsed-last >= 5*time.Second {
				last = p.Elapsed
				fmt.Fprintf(os.Stderr, "load: %5.0fs launched %d up %d completed %d failed %d\n",
					p.Elapsed.Seconds(), p.Launched, p.Active, p.Completed, p.Failed)
			}
		}
	}
	rep, err := load.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if jsonOut {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	printLoadReport(out, rep)
	return nil
}

func printTickerFloor(ctx context.Context, out io.Writer, d time.Duration, jsonOut bool) error {
	p, outside := load.TickerFloor(ctx, d)
	if jsonOut {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Ticker  load.Percentiles `json:"ticker"`
			Outside float64          `json:"outside_2ms"`
		}{p, outside})
	}
	fmt.Fprintf(out, "idle 20 ms Go ticker over %s: n %d  p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms; outside 20±2 ms %.3f%%\n",
		d, p.N, p.P50, p.P95, p.P99, p.Max, 100*outside)
	return nil
}

func printLoadReport(w io.Writer, r *load.Report) {
	length := fmt.Sprintf("%.0f ms after answer", r.DurationMs)
	if r.DurationMs == 0 {
		length = fmt.Sprintf("script + %.0f ms hold", r.HoldMs)
	}
	script := r.Script
	if script == "" {
		script = "none"
	}
	fmt.Fprintf(w, "target %s: %d calls, concurrency %d, rate %g/s, %s, DTMF %s (tone %.0f ms)\n",
		r.Target, r.Calls, r.Concurrency, r.Rate, length, script, r.ToneMs)
	fmt.Fprintf(w, "calls: attempted %d, answered %d, completed %d, failed %d; peak concurrent %d; elapsed %.1f s\n",
		r.Attempted, r.Answered, r.Completed, r.Failed, r.PeakActive, r.ElapsedS)
	if len(r.FailedBy) > 0 {
		reasons := make([]string, 0, len(r.FailedBy))
		for k := range r.FailedBy {
			reasons = append(reasons, k)
		}
		sort.Strings(reasons)
		parts := make([]string, len(reasons))
		for i, k := range reasons {
			parts[i] = fmt.Sprintf("%s %d", k, r.FailedBy[k])
		}
		fmt.Fprintf(w, "failed by reason: %s\n", strings.Join(parts, ", "))
		for _, k := range reasons {
			if ex, ok := r.FailureExamples[k]; ok {
				fmt.Fprintf(w, "  e.g. %s: %s\n", k, ex)
			}
		}
	}
	fmt.Fprintf(w, "%-28s %7s %9s %9s %9s %9s %9s\n", "(ms)", "n", "mean", "p50", "p95", "p99", "max")
	row := func(name string, p load.Percentiles, note string) {
		fmt.Fprintf(w, "%-28s %7d %9.2f %9.2f %9.2f %9.2f %9.2f  %s\n", name, p.N, p.Mean, p.P50, p.P95, p.P99, p.Max, note)
	}
	row("setup INVITE→200", r.Setup, "")
	row("post-dial delay", r.PostDialDelay, "INVITE→first 18x or 200")
	if r.Script != "" {
		row("last digit → next prompt", r.LastDigitToPrompt,
			fmt.Sprintf("from the key's first packet; missing %d, late %d", r.PromptsMissing, r.AnchorsLate))
		row("  from end of its tone", r.LastDigitEndToPrompt, "")
	}
	row("RTP inter-arrival", r.InterArrival, fmt.Sprintf("outside 20±2 ms: %.3f%%", 100*r.InterArrivalOutside2ms))
	row("generator 20 ms ticker", r.GeneratorTicker, "floor under this load")
	row("RTP jitter per call", r.RTP.Jitter, "RFC 3550, at call end")
	fmt.Fprintf(w, "RTP per call: rx %.1f packets, tx %.1f; lost %d of %d (%.4f%%, %d calls)\n",
		r.RTP.RxPacketsPerCall, r.RTP.TxPacketsPerCall, r.RTP.Lost, r.RTP.RxPackets+r.RTP.Lost, 100*r.RTP.LossRate, r.RTP.CallsWithLoss)
	if s := r.Server; s != nil {
		fmt.Fprintf(w, "server pid %d: steady window %.1f s from +%.1f s, mean %.1f calls up\n", s.PID, s.WindowS, s.WindowFromS, s.MeanConcurrent)
		fmt.Fprintf(w, "  CPU %.2f s = %.1f%% of a core = %.0f µs per call-second; whole run %.2f s = %.2f ms per call\n",
			s.CPUSeconds, s.CPUPercent, s.CPUPerCallSecondUs, s.RunCPUSeconds, s.RunCPUPerCallMs)
		fmt.Fprintf(w, "  RSS %.1f MiB before, %.1f MiB in the window (peak %.1f, after %.1f) = %.1f KiB per call",
			mib(s.RSSBeforeKiB), mib(s.RSSSteadyKiB), mib(s.RSSPeakKiB), mib(s.RSSAfterKiB), s.RSSPerCallKiB)
		if s.MetricsSteady != nil {
			fmt.Fprintf(w, "; Go heap in use %.1f KiB, stacks %.1f KiB, %.1f goroutines per call",
				s.HeapPerCallKiB, s.StackPerCallKiB, s.GoroutinesPerCall)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  threads %d → %d, fds %d → %d", s.ThreadsBefore, s.ThreadsAfter, s.FDsBefore, s.FDsAfter)
		if s.MetricsBefore != nil && s.MetricsAfter != nil {
			fmt.Fprintf(w, ", goroutines %.0f → %.0f, heap in use %.1f → %.1f MiB, pacer late ticks +%.0f",
				s.MetricsBefore.Goroutines, s.MetricsAfter.Goroutines, s.MetricsBefore.HeapInuse/(1<<20), s.MetricsAfter.HeapInuse/(1<<20),
				s.MetricsAfter.LateTicks-s.MetricsBefore.LateTicks)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  host CPU in the window %.0f%% (100 = one core of %d): server %.0f, generator %.0f, other processes %.0f, steal %.1f\n",
			s.HostCPUPercent, runtime.NumCPU(), s.CPUPercent, s.GeneratorCPUPercent, s.OtherCPUPercent, s.StealPercent)
		if s.SteadyWindowNote != "" {
			fmt.Fprintf(w, "  note: %s\n", s.SteadyWindowNote)
		}
	}
	fmt.Fprintf(w, "UDP (host-wide) RcvbufErrors +%d, InErrors +%d, SndbufErrors +%d; socket drops seen: generator %d, server %d, other processes %d\n",
		r.UDP.RcvbufErrors, r.UDP.InErrors, r.UDP.SndbufErrors, r.UDP.DropsGenerator, r.UDP.DropsServer, r.UDP.DropsOther)
	fmt.Fprintf(w, "generator: CPU %.2f s (%.1f%% of a core), peak RSS %.1f MiB, peak goroutines %d\n",
		r.Generator.CPUSeconds, r.Generator.CPUPercent, mib(r.Generator.PeakRSSKiB), r.Generator.Goroutines)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func mib(kib uint64) float64 { return float64(kib) / 1024 }
