package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/callgate/callgate/cmd/callgate/internal/load"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/sip"
)

// dtmfStep is one item of a --dtmf script: send keys at offset after answer.
type dtmfStep = load.Step

// parseDTMFScript parses "1@2s,1234#@5s" (load.ParseScript): comma-
// separated KEYS@OFFSET, OFFSET from the answer; an item without @ follows
// the previous one by 1 s.
func parseDTMFScript(s string) ([]dtmfStep, error) {
	steps, err := load.ParseScript(s)
	if err != nil {
		return nil, fmt.Errorf("--dtmf: %w", err)
	}
	return steps, nil
}

type dialOptions struct {
	uri       string
	script    string
	mode      string
	toneMs    int
	duration  time.Duration
	record    string
	codec     string
	localAddr string
	jsonOut   bool
	verbose   bool
	timeout   time.Duration
}

// dialReport is what `callgate dial --json` prints.
type dialReport struct {
	CallID         string         `json:"call_id"`
	SetupTime      time.Duration  `json:"setup_ns"`
	Codec          string         `json:"codec"`
	DTMFPT         uint8          `json:"dtmf_pt"`
	Events         []dialEvent    `json:"events"`
	Audio          []audioSegment `json:"audio"`
	RxPackets      uint64         `json:"rx_packets"`
	TxPackets      uint64         `json:"tx_packets"`
	RxLost         uint32         `json:"rx_lost"`
	JitterMs       float64        `json:"jitter_ms"`
	InterArrivalMs percentiles    `json:"inter_arrival_ms"`
	EndedBy        string         `json:"ended_by"`
}

type dialEvent struct {
	At   time.Duration `json:"at_ns"`
	What string        `json:"what"`
}

func cmdDial(ctx context.Context, args []string, out io.Writer) error {
	var o dialOptions
	fs := flag.NewFlagSet("dial", flag.ContinueOnError)
	fs.StringVar(&o.script, "dtmf", "", "DTMF script: KEYS@OFFSET,... e.g. '1@2s,1234#@5s' (offset from answer)")
	fs.StringVar(&o.mode, "dtmf-mode", "rfc4733", "how to send DTMF: rfc4733, info or inband")
	fs.IntVar(&o.toneMs, "tone-ms", 100, "tone length per key in ms (gap is 60 ms)")
	fs.DurationVar(&o.duration, "duration", 0, "hang up this long after answer (default: 5 s after the last DTMF, or 10 s)")
	fs.StringVar(&o.record, "record", "", "write what the call heard to this WAV file (8 kHz 16-bit mono)")
	fs.StringVar(&o.codec, "codec", "pcmu,pcma", "codecs to offer, in order: pcmu, pcma")
	fs.StringVar(&o.localAddr, "local-addr", "127.0.0.1:0", "local SIP address (UDP+TCP); RTP binds on its IP")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as JSON")
	fs.BoolVar(&o.verbose, "v", false, "log SIP and media events to stderr")
	fs.DurationVar(&o.timeout, "ring-timeout", 30*time.Second, "cancel if not answered within this time")
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		o.uri, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if o.uri == "" && fs.NArg() > 0 {
		o.uri = fs.Arg(0)
	}
	if o.uri == "" {
		fmt.Fprintln(os.Stderr, "usage: callgate dial sip:ivr@127.0.0.1:5060 [--dtmf '1@2s,1234#@4s'] [--record out.wav]")
		return errUsage
	}
	steps, err := parseDTMFScript(o.script)
	if err != nil {
		return err
	}
	codecs, err := parseCodecs(o.codec)
	if err != nil {
		return err
	}
	switch o.mode {
	case "rfc4733", "info", "inband":
	default:
		return fmt.Errorf("--dtmf-mode %q: want rfc4733, info or inband", o.mode)
	}
	if o.duration == 0 {
		o.duration = 10 * time.Second
		if len(steps) > 0 {
			last := steps[len(steps)-1]
			o.duration = last.Offset + time.Duration(len(last.Keys))*time.Duration(o.toneMs+100)*time.Millisecond + 5*time.Second
		}
	}
	rep, err := dial(ctx, o, steps, codecs)
	if rep != nil {
		if o.jsonOut {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			_ = enc.Encode(rep)
		} else {
			printReport(out, rep)
		}
	}
	return err
}

func parseCodecs(s string) ([]media.Codec, error) {
	var out []media.Codec
	for _, c := range strings.Split(s, ",") {
		switch strings.ToLower(strings.TrimSpace(c)) {
		case "pcmu", "ulaw":
			out = append(out, media.PCMU)
		case "pcma", "alaw":
			out = append(out, media.PCMA)
		default:
			return nil, fmt.Errorf("--codec %q: want pcmu and/or pcma", c)
		}
	}
	return out, nil
}

func dial(ctx context.Context, o dialOptions, steps []dtmfStep, codecs []media.Codec) (*dialReport, error) {
	local, err := netip.ParseAddrPort(o.localAddr)
	if err != nil {
		return nil, fmt.Errorf("--local-addr %q: %w", o.localAddr, err)
	}
	log := slog.New(slog.DiscardHandler)
	if o.verbose {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	eng, err := media.NewEngine(media.EngineConfig{IP: local.Addr(), Logger: log, PacerShards: 1})
	if err != nil {
		return nil, err
	}
	defer eng.Close()
	ep, err := sip.NewServer(sip.Config{}, eng, sip.WithLogger(log))
	if err != nil {
		return nil, err
	}
	sctx, stopServe := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- ep.ListenAndServe(sctx, o.localAddr) }()
	defer func() {
		stopServe()
		<-served
	}()
	for !ep.Addr("udp").IsValid() {
		select {
		case err := <-served:
			return nil, err
		case <-time.After(5 * time.Millisecond):
		}
	}

	start := time.Now()
	rec := newListener(start, o.record != "")
	rep := &dialReport{}
	ev := func(what string) { rep.Events = append(rep.Events, dialEvent{At: time.Since(start), What: what}) }
	ev("INVITE " + o.uri)
	call, err := ep.Dial(ctx, o.uri, sip.DialOptions{
		FromUser: "dial", Codecs: codecs, OnAudio: rec.onAudio, RingTimeout: o.timeout,
		OnProvisional: func(code int) { ev(fmt.Sprintf("%d provisional", code)) },
	})
	if err != nil {
		ev("failed: " + err.Error())
		return rep, err
	}
	answered := time.Now()
	rep.CallID = call.CallID()
	rep.SetupTime = answered.Sub(start)
	rep.Codec = call.Media().Codec().String()
	ev("answered (200 OK)")

	hangupAt := time.NewTimer(o.duration)
	defer hangupAt.Stop()
	sendErr := make(chan error, 1)
	go func() { sendErr <- sendScript(ctx, call, steps, o, answered, ev) }()

	rep.EndedBy = "local hangup"
	scriptDone := false
wait:
	for {
		select {
		case <-call.Done():
			rep.EndedBy = "remote " + call.EndCause().String()
			break wait
		case err := <-sendErr:
			scriptDone = true
			if err != nil {
				ev("DTMF failed: " + err.Error())
			}
			sendErr = nil
		case <-hangupAt.C:
			break wait
		case <-ctx.Done():
			rep.EndedBy = "interrupted"
			break wait
		}
	}
	_ = scriptDone
	hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = call.Hangup(hctx)
	ev("ended: " + rep.EndedBy)
	st := call.Media().Stats()
	rep.RxPackets, rep.TxPackets, rep.RxLost = st.RxPackets, st.TxPackets, st.RxLost
	rep.JitterMs = float64(st.RxJitter) / float64(time.Millisecond)
	rep.Audio = rec.segments()
	rep.InterArrivalMs = rec.interArrival()
	if o.record != "" {
		if err := writeWAV(o.record, rec.pcm); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sendScript sends each step's keys at its offset from the answer.
func sendScript(ctx context.Context, c *sip.Call, steps []dtmfStep, o dialOptions, answered time.Time, ev func(string)) error {
	tone := time.Duration(o.toneMs) * time.Millisecond
	for _, st := range steps {
		t := time.NewTimer(time.Until(answered.Add(st.Offset)))
		select {
		case <-t.C:
		case <-c.Done():
			t.Stop()
			return sip.ErrHungUp
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		ev(fmt.Sprintf("sending DTMF %q (%s)", st.Keys, o.mode))
		switch o.mode {
		case "rfc4733":
			if err := c.Media().SendDigits(st.Keys, tone); err != nil {
				return err
			}
			for c.Media().DigitsPending() {
				select {
				case <-c.Done():
					return sip.ErrHungUp
				case <-time.After(10 * time.Millisecond):
				}
			}
		case "info":
			for i := range len(st.Keys) {
				if err := c.SendInfoDigit(ctx, st.Keys[i], tone); err != nil {
					return err
				}
				time.Sleep(tone + 60*time.Millisecond)
			}
		case "inband":
			var pcm []int16
			for i := range len(st.Keys) {
				var err error
				if pcm, err = dtmf.AppendTone(pcm, st.Keys[i], tone, -10); err != nil {
					return err
				}
				pcm = append(pcm, make([]int16, media.SampleRate*60/1000)...)
			}
			p := prompt.FromPCM("dtmf", pcm)
			if err := c.Play(ctx, p, media.PlayOptions{}); err != nil {
				return err
			}
		}
		ev(fmt.Sprintf("sent DTMF %q", st.Keys))
	}
	return nil
}

func printReport(w io.Writer, r *dialReport) {
	fmt.Fprintf(w, "call-id %s\n", r.CallID)
	for _, e := range r.Events {
		fmt.Fprintf(w, "%+9.3fs  %s\n", e.At.Seconds(), e.What)
	}
	for i, a := range r.Audio {
		fmt.Fprintf(w, "audio %d: heard from %+.3fs to %+.3fs (%.2f s)\n", i+1, a.Start.Seconds(), a.End.Seconds(), (a.End - a.Start).Seconds())
	}
	fmt.Fprintf(w, "setup %.1f ms, codec %s, RTP rx %d tx %d lost %d jitter %.2f ms\n",
		float64(r.SetupTime)/float64(time.Millisecond), r.Codec, r.RxPackets, r.TxPackets, r.RxLost, r.JitterMs)
	p := r.InterArrivalMs
	fmt.Fprintf(w, "RTP inter-arrival ms: p50 %.2f p95 %.2f p99 %.2f max %.2f (n=%d)\n", p.P50, p.P95, p.P99, p.Max, p.N)
}

func writeWAV(path string, pcm []int16) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--record: %w", err)
	}
	if err := prompt.Encode(f, pcm); err != nil {
		_ = f.Close()
		return fmt.Errorf("--record: %w", err)
	}
	return errors.Join(f.Close())
}
