package load

import (
	"fmt"
	"log/slog"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/callgate/callgate/media"
	sipmsg "github.com/emiago/sipgo/sip"
)

// Defaults for Config.
const (
	DefaultCalls       = 100
	DefaultConcurrency = 10
	DefaultTone        = 100 * time.Millisecond
	DefaultHold        = 2 * time.Second
	DefaultRingTimeout = 10 * time.Second
	DefaultTimeout     = 5 * time.Minute
	DefaultSettle      = time.Second
	DefaultSampleEvery = 200 * time.Millisecond
	// DefaultPromptWait bounds the wait for the next prompt after a step's
	// last digit: no onset within it counts the step as missing.
	DefaultPromptWait = 5 * time.Second
	// DefaultAudioFloor is the RMS (16-bit samples) at which a frame is
	// sound, about -50 dBFS, as `callgate dial` uses.
	DefaultAudioFloor = 100
	// DefaultGapFrames of quiet must precede an onset. The bundled prompts
	// open with 20 ms of digital silence (ivr/prompts/render.sh), so a new
	// prompt always shows at least one quiet frame before its first sound,
	// even when it follows a prompt that a digit cut off mid-word.
	DefaultGapFrames = 1
)

// DefaultRTPPorts is the generator's own RTP range: clear of the server's
// default 10000-20000 and of the 30000-39999 the benchmarks give it.
var DefaultRTPPorts = media.PortRange{Low: 40000, High: 59999} //nolint:gochecknoglobals // constant value

// Config describes one load run. Zero fields take the defaults above.
type Config struct {
	// Target is the SIP URI to call, e.g. sip:ivr@127.0.0.1:5060. It must
	// name a loopback address (or localhost).
	Target string
	// Calls is the total number of calls to place.
	Calls int
	// Concurrency is the most calls up at once.
	Concurrency int
	// Rate is new calls per second; 0 starts them as fast as Concurrency
	// allows.
	Rate float64
	// Duration is each call's length after the answer. Zero holds the call
	// until the script has been sent, plus Hold.
	Duration time.Duration
	// Hold is how long a call stays up after its script when Duration is 0.
	Hold time.Duration
	// Script is the DTMF sent on every call (RFC 4733).
	Script []Step
	// Tone is each key's length.
	Tone time.Duration
	// PID of the server, to sample its CPU and memory from /proc (0: none).
	PID int
	// MetricsURL is the server's Prometheus endpoint, read before and
	// after the run for goroutines and heap (empty: none). Loopback only.
	MetricsURL string
	// LocalIP binds the generator's SIP and RTP (default 127.0.0.1).
	LocalIP netip.Addr
	// RTPPorts is the generator's RTP range (default DefaultRTPPorts).
	RTPPorts media.PortRange
	// RingTimeout cancels a call not answered in time.
	RingTimeout time.Duration
	// Timeout bounds the whole run; calls still up are hung up.
	Timeout time.Duration
	// Settle is the wait after the last call before the "after" samples.
	Settle time.Duration
	// SampleEvery is the /proc sampling period.
	SampleEvery time.Duration
	// PromptWait bounds the wait for the next prompt after a step.
	PromptWait time.Duration
	// AudioFloor and GapFrames tune prompt onset detection.
	AudioFloor int
	GapFrames  int
	// Logger for the generator's SIP and media (default: discard).
	Logger *slog.Logger
	// Progress, when set, is called about once a second.
	Progress func(Progress)
	// ProcRoot is where /proc is (tests point it elsewhere).
	ProcRoot string
}

// Progress is a running count, for a progress line.
type Progress struct {
	Elapsed   time.Duration
	Launched  int
	Active    int
	Completed int
	Failed    int
}

func (c *Config) setDefaults() {
	if c.Calls == 0 {
		c.Calls = DefaultCalls
	}
	if c.Concurrency == 0 {
		c.Concurrency = DefaultConcurrency
	}
	if c.Hold == 0 {
		c.Hold = DefaultHold
	}
	if c.Tone == 0 {
		c.Tone = DefaultTone
	}
	if !c.LocalIP.IsValid() {
		c.LocalIP = netip.MustParseAddr("127.0.0.1")
	}
	if c.RTPPorts == (media.PortRange{}) {
		c.RTPPorts = DefaultRTPPorts
	}
	if c.RingTimeout == 0 {
		c.RingTimeout = DefaultRingTimeout
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Settle == 0 {
		c.Settle = DefaultSettle
	}
	if c.SampleEvery == 0 {
		c.SampleEvery = DefaultSampleEvery
	}
	if c.PromptWait == 0 {
		c.PromptWait = DefaultPromptWait
	}
	if c.AudioFloor == 0 {
		c.AudioFloor = DefaultAudioFloor
	}
	if c.GapFrames == 0 {
		c.GapFrames = DefaultGapFrames
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.ProcRoot == "" {
		c.ProcRoot = "/proc"
	}
}

// validate checks a Config after setDefaults.
func (c *Config) validate() error {
	if err := CheckTarget(c.Target); err != nil {
		return err
	}
	if !c.LocalIP.Unmap().IsLoopback() {
		return fmt.Errorf("%w: local IP %s", ErrNotLoopback, c.LocalIP)
	}
	if c.MetricsURL != "" {
		if err := checkURL(c.MetricsURL); err != nil {
			return err
		}
	}
	switch {
	case c.Calls < 0 || c.Concurrency < 0:
		return fmt.Errorf("%w: calls %d and concurrency %d must be positive", ErrBadConfig, c.Calls, c.Concurrency)
	case c.Rate < 0:
		return fmt.Errorf("%w: rate %g must not be negative", ErrBadConfig, c.Rate)
	case c.Tone < 20*time.Millisecond || c.Tone > 5*time.Second:
		return fmt.Errorf("%w: tone %s: want 20ms..5s", ErrBadConfig, c.Tone)
	case c.PID < 0:
		return fmt.Errorf("%w: pid %d", ErrBadConfig, c.PID)
	}
	if err := c.RTPPorts.Validate(); err != nil {
		return err
	}
	if c.Duration > 0 && len(c.Script) > 0 {
		if last := c.Script[len(c.Script)-1]; last.Offset >= c.Duration {
			return fmt.Errorf("%w: the script's last step at %s does not fit in a %s call", ErrBadConfig, last.Offset, c.Duration)
		}
	}
	return nil
}

// CheckTarget accepts a SIP URI whose host is a loopback IP or localhost,
// and refuses anything else: the generator never calls another host.
func CheckTarget(target string) error {
	if target == "" {
		return fmt.Errorf("%w: no target", ErrBadConfig)
	}
	var u sipmsg.Uri
	if err := sipmsg.ParseUri(target, &u); err != nil {
		return fmt.Errorf("%w: target %q: %w", ErrBadConfig, target, err)
	}
	if !loopbackHost(u.Host) {
		return fmt.Errorf("%w: target %q: host %q; callgate load only calls 127.0.0.0/8, ::1 or localhost", ErrNotLoopback, target, u.Host)
	}
	return nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("%w: metrics URL %q: want http://127.0.0.1:PORT/metrics", ErrBadConfig, raw)
	}
	if !loopbackHost(u.Hostname()) {
		return fmt.Errorf("%w: metrics URL %q", ErrNotLoopback, raw)
	}
	return nil
}

func loopbackHost(h string) bool {
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}
