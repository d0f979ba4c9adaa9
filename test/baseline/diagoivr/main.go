// Command diagoivr is a measurement baseline, not part of callgate: a small
// SIP IVR built the idiomatic diago way (one handler goroutine per call that
// plays a prompt in a loop through diago's ticker-paced RTP writer, plus one
// goroutine per call reading the caller's audio for RFC 4733 and in-band
// DTMF). It exists so `callgate load` can compare CPU and RSS per call.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/emiago/diago"
	"github.com/emiago/diago/audio"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"
)

var activeCalls atomic.Int64

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "diagoivr:", err)
		os.Exit(1)
	}
}

func run() error {
	sipAddr := flag.String("sip-addr", "127.0.0.1:25060", "SIP UDP listen address (loopback only)")
	rtpIP := flag.String("rtp-ip", "127.0.0.1", "RTP address (loopback; diago binds media on the SIP transport's IP, so it must match -sip-addr)")
	rtpPorts := flag.String("rtp-ports", "10000-20000", "RTP port range LOW-HIGH (diago's media.RTPPortStart/End)")
	promptPath := flag.String("prompt", "", "prompt WAV (8 kHz mono 16-bit PCM); default: 10 s of a quiet 440 Hz tone")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn, error")
	metricsAddr := flag.String("metrics-addr", "", "optional loopback HTTP address serving go_goroutines etc. at /metrics for `callgate load --metrics-url`")
	flag.Parse()

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))
	slog.SetDefault(log)
	sip.SetDefaultLogger(log)
	media.SetDefaultLogger(log)

	sipAP, err := netip.ParseAddrPort(*sipAddr)
	if err != nil || !sipAP.Addr().IsLoopback() {
		return fmt.Errorf("-sip-addr %q: want a loopback IP:port", *sipAddr)
	}
	mediaIP, err := netip.ParseAddr(*rtpIP)
	if err != nil || !mediaIP.IsLoopback() {
		return fmt.Errorf("-rtp-ip %q: want a loopback IP", *rtpIP)
	}
	if mediaIP != sipAP.Addr() {
		return fmt.Errorf("-rtp-ip %s: diago binds RTP on the SIP transport's IP %s; use the same address", mediaIP, sipAP.Addr())
	}
	lo, hi, ok := strings.Cut(*rtpPorts, "-")
	media.RTPPortStart, _ = strconv.Atoi(lo)
	media.RTPPortEnd, _ = strconv.Atoi(hi)
	if !ok || media.RTPPortStart <= 0 || media.RTPPortEnd <= media.RTPPortStart || media.RTPPortEnd > 65535 {
		return fmt.Errorf("-rtp-ports %q: want LOW-HIGH", *rtpPorts)
	}

	prompt, err := loadPrompt(*promptPath)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if *metricsAddr != "" {
		if err := serveMetrics(ctx, *metricsAddr); err != nil {
			return err
		}
	}

	ua, err := sipgo.NewUA(sipgo.WithUserAgent("diagoivr"))
	if err != nil {
		return err
	}
	defer ua.Close()
	dg := diago.NewDiago(ua,
		diago.WithLogger(log),
		diago.WithTransport(diago.Transport{
			Transport: "udp",
			BindHost:  sipAP.Addr().String(),
			BindPort:  int(sipAP.Port()),
		}),
	)
	log.Info("listening", "sip", sipAP.String(), "rtp-ports", *rtpPorts)
	err = dg.Serve(ctx, func(d *diago.DialogServerSession) {
		activeCalls.Add(1)
		defer activeCalls.Add(-1)
		if err := handleCall(d, prompt, log); err != nil {
			log.Debug("call ended", "id", d.ID, "error", err)
		}
	})
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// handleCall answers, reads the caller's audio in a second goroutine and
// plays the prompt in a loop on this one until the caller hangs up.
func handleCall(d *diago.DialogServerSession, prompt []byte, log *slog.Logger) error {
	ctx := d.Context()
	d.Trying()
	d.Ringing()
	med, err := d.Answer(diago.AnswerOptions{})
	if err != nil {
		return err
	}

	readDone := make(chan error, 1)
	go func() { readDone <- readCaller(med, d.ID, log) }()

	pb, err := med.PlaybackCreate()
	if err == nil {
		for ctx.Err() == nil {
			if _, err = pb.Play(bytes.NewReader(prompt), "audio/wav"); err != nil {
				break
			}
		}
	}
	// Caller hung up (BYE closes the media and the dialog context) or the
	// write failed: make sure the reader's socket is closed, then wait for it.
	med.Close()
	rerr := <-readDone
	if ctx.Err() != nil {
		return nil
	}
	return errors.Join(err, rerr)
}

// readCaller decodes every received audio packet and runs the in-band
// detector on it; RFC 4733 events are picked out by diago's DTMF reader.
func readCaller(med *diago.DialogMedia, id string, log *slog.Logger) error {
	var props diago.MediaProps
	ar, err := med.AudioReader(diago.WithAudioReaderMediaProps(&props))
	if err != nil {
		return err
	}
	if dtmfReader, err := med.AudioReaderDTMF(); err == nil {
		dtmfReader.OnDTMF(func(r rune) error {
			log.Debug("dtmf", "id", id, "key", string(r), "via", "rfc4733")
			return nil
		})
		ar = dtmfReader
	}
	dec, err := audio.NewPCMDecoderReader(props.Codec.PayloadType, ar)
	if err != nil {
		return err
	}
	det := newDTMFDetector(float64(props.Codec.SampleRate), func(k byte) {
		log.Debug("dtmf", "id", id, "key", string(k), "via", "inband")
	})
	lpcm := make([]byte, 2*media.RTPBufSize)
	for {
		n, err := dec.Read(lpcm)
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		// Telephone-event packets come through the same reader; only audio
		// goes to the in-band detector.
		if med.RTPPacketReader.PacketHeader.PayloadType == props.Codec.PayloadType {
			det.Frame(lpcm[:n])
		}
	}
}

// loadPrompt returns a WAV file's bytes after checking diago can play it to
// an 8 kHz G.711 call, or 10 s of a quiet 440 Hz tone as WAV.
func loadPrompt(path string) ([]byte, error) {
	if path == "" {
		const rate, secs, amp = 8000, 10, 0.05 * math.MaxInt16 // about -26 dBFS
		lpcm := make([]byte, 2*rate*secs)
		for i := range rate * secs {
			v := int16(amp * math.Sin(2*math.Pi*440*float64(i)/rate))
			lpcm[2*i], lpcm[2*i+1] = byte(v), byte(uint16(v)>>8)
		}
		var buf bytes.Buffer
		if _, err := audio.WavWriteVoipPCM(&buf, lpcm); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-prompt: %w", err)
	}
	r := audio.NewWavReader(bytes.NewReader(b))
	if err := r.ReadHeaders(); err != nil {
		return nil, fmt.Errorf("-prompt %s: %w", path, err)
	}
	if r.SampleRate != 8000 || r.NumChannels != 1 || r.BitsPerSample != 16 || r.DataSize == 0 {
		return nil, fmt.Errorf("-prompt %s: want 8 kHz mono 16-bit PCM with audio, got %d Hz %d ch %d bit %d bytes",
			path, r.SampleRate, r.NumChannels, r.BitsPerSample, r.DataSize)
	}
	return b, nil
}

// serveMetrics serves the few Prometheus-style series `callgate load`
// reads, without pulling in a metrics library.
func serveMetrics(ctx context.Context, addr string) error {
	ap, err := netip.ParseAddrPort(addr)
	if err != nil || !ap.Addr().IsLoopback() {
		return fmt.Errorf("-metrics-addr %q: want a loopback IP:port", addr)
	}
	ln, err := net.Listen("tcp", ap.String())
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fds, _ := os.ReadDir("/proc/self/fd")
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "go_goroutines %d\ngo_memstats_heap_inuse_bytes %d\ngo_memstats_stack_inuse_bytes %d\nprocess_open_fds %d\ndiagoivr_active_calls %d\n",
			runtime.NumGoroutine(), ms.HeapInuse, ms.StackInuse, len(fds), activeCalls.Load())
	})}
	go srv.Serve(ln)
	go func() { <-ctx.Done(); srv.Close() }()
	return nil
}
