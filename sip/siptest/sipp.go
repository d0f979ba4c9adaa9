// Package siptest runs SIPp (https://github.com/SIPp/sipp, Debian package
// sip-tester) as a real SIP/RTP peer in Go tests.
//
// Every run happens in a per-test temporary directory, on loopback only
// (127.0.0.1 for SIP, media and the SIPp control socket), on free ports, and
// is bounded in time (SIPp -timeout plus a Go-side kill of the whole process
// group) and in call count (-m).
//
// Typical use against a callgate server listening on 127.0.0.1:5060:
//
//	res := siptest.RunSipp(ctx, t, siptest.SippOptions{
//		Scenario: "uac_dtmf_rfc4733",
//		Target:   "127.0.0.1:5060",
//		Vars:     map[string]string{"dtmf": "12#", "hold_ms": "4000"},
//	})
//	require.Equal(t, 1, res.Successful)
//
// and as a UAS peer for outbound calls:
//
//	uas := siptest.StartSipp(ctx, t, siptest.SippOptions{Scenario: "uas_answer"})
//	dial(uas.Addr())
//	res := uas.Wait()
//
// See README.md for the embedded scenarios and their variables.
package siptest

import (
	"bufio"
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

//go:embed scenarios/*.xml
var scenarioFS embed.FS

const (
	// EnvRequirePeers makes missing peers (sipp, raw-socket privileges) a
	// test failure instead of a skip when set to "1" (CI with peers installed).
	EnvRequirePeers = "CALLGATE_REQUIRE_PEERS"
	// EnvSippPath overrides the sipp binary (default: "sipp" from $PATH).
	EnvSippPath = "CALLGATE_SIPP"
	// EnvPcapDir overrides the directory of SIPp's pcaps used by the
	// embedded scenarios (default DefaultPcapDir).
	EnvPcapDir = "CALLGATE_SIPP_PCAP_DIR"
	// DefaultPcapDir is where Debian's sip-tester installs dtmf_2833_*.pcap
	// and g711a.pcap.
	DefaultPcapDir = "/usr/share/sip-tester"

	sippInstallHint = "install with `apt-get install -y sip-tester`"

	// LoopbackIP is the only address SIPp is allowed to use.
	LoopbackIP = "127.0.0.1"

	defaultTimeout   = 30 * time.Second
	defaultService   = "ivr"
	defaultTransport = "u1"
	defaultCIDPrefix = "sipp"
	buffSize         = "4194304"

	// killGrace is how long after Timeout the Go side hard-kills SIPp if
	// SIPp's own -timeout did not end it.
	killGrace = 10 * time.Second
	// stopGrace is how long Stop/cancellation waits after SIGTERM (which
	// makes SIPp print and dump its final statistics) before SIGKILL.
	stopGrace = 3 * time.Second
	// outputCap bounds Stdout/Stderr/ErrorLog kept in SippResult.
	outputCap = 64 << 10
	// maxBindRetries is how often a run is retried on fresh ports when SIPp
	// could not bind an automatically chosen port (lost race).
	maxBindRetries = 3
)

// SIPp exit codes (include/defines.h in SIPp 3.6.1), as seen by Go
// (negative C exit values wrap to 255/254).
const (
	SippExitOK         = 0   // all calls successful
	SippExitFailed     = 1   // at least one call failed
	SippExitInternal   = 97  // exit on internal command / global timeout without any success
	SippExitNoCalls    = 99  // normal exit without calls processed
	SippExitFatal      = 255 // fatal error (includes -timeout with -timeout_error)
	SippExitBindError  = 254 // could not bind a socket
	SippExitKilledByGo = -1  // killed by a signal (ProcessState.ExitCode)
)

// SippOptions describes one SIPp run.
type SippOptions struct {
	// Scenario is the name of an embedded scenario ("uac_basic" or
	// "uac_basic.xml", see Scenarios) or a path to a SIPp XML file.
	Scenario string
	// Target is the remote host:port (e.g. "127.0.0.1:5060"); empty for UAS mode.
	Target string
	// Service is the -s value (request-URI user). Default "ivr".
	Service string
	// Transport is "u1" (UDP, default), "t1" (TCP, one socket) or "tn" (TCP, one socket per call).
	Transport string
	// Calls is -m. Default 1. A negative value omits -m (UAS that runs until
	// Stop or Timeout).
	Calls int
	// Concurrency is -l (0 = SIPp default).
	Concurrency int
	// Rate is -r in calls per second (0 = SIPp default, 10 cps).
	Rate float64
	// LocalPort is -p; 0 picks a port free for both UDP and TCP.
	LocalPort int
	// MediaPort is -mp; 0 picks a free even port (SIPp binds mp and mp+2).
	MediaPort int
	// Vars are passed as -set name value. The scenario must declare each
	// name in <Global variables="..."/> or SIPp refuses to start. Embedded
	// scenarios get defaults (see ScenarioDefaults) that Vars override.
	Vars map[string]string
	// InfFile is an optional -inf CSV file (fields as [field0], [field1], ...).
	InfFile string
	// CallIDPrefix gives -cid_str "PREFIX-%u@%s". Default "sipp".
	CallIDPrefix string
	// Timeout is SIPp's global -timeout (with -timeout_error; rounded up to
	// whole seconds, SIPp's resolution) and, plus a grace period, the Go-side
	// kill deadline. Default 30s.
	Timeout time.Duration
	// ExtraArgs are appended verbatim to the command line.
	ExtraArgs []string
}

// SippResult is the outcome of a SIPp run.
type SippResult struct {
	// ExitCode is the process exit code (see the SippExit* constants); -1
	// if it was killed by a signal.
	ExitCode int
	// Successful and Failed are SIPp's cumulative SuccessfulCall/FailedCall
	// counters from the final statistics (-1 if no statistics were found,
	// e.g. after SIGKILL or a start-up error).
	Successful, Failed int
	// Stdout and Stderr are the (last 64 KiB of the) process output. Stdout
	// holds SIPp's final scenario/statistics screens.
	Stdout, Stderr string
	// ErrorLog is the -trace_err file (unexpected messages, warnings such as
	// receive timeouts and watchdog trips).
	ErrorLog string
	// Duration is the wall time of the process.
	Duration time.Duration
	// CallIDs are the distinct Call-IDs seen in the run, in order of first
	// appearance (from the -trace_shortmsg log).
	CallIDs []string
	// Killed reports that the Go side had to kill SIPp (context cancelled,
	// Stop, or kill deadline) rather than SIPp exiting by itself.
	Killed bool
	// Dir is the temporary directory holding the scenario and SIPp's logs
	// (messages.log with every SIP message, errors.log, stats.csv,
	// shortmessages.log). It is removed when the test ends.
	Dir string
	// Args is the sipp command line (without the binary).
	Args []string
}

// Scenarios lists the embedded scenario names (without .xml).
func Scenarios() []string {
	entries, err := fs.ReadDir(scenarioFS, "scenarios")
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".xml"))
	}
	sort.Strings(names)
	return names
}

// ScenarioXML returns the content of an embedded scenario (name with or
// without .xml), e.g. to derive a variant in a test.
func ScenarioXML(name string) ([]byte, error) {
	name = strings.TrimSuffix(name, ".xml")
	return scenarioFS.ReadFile("scenarios/" + name + ".xml")
}

// ScenarioDefaults returns the default -set values RunSipp/StartSipp use for
// an embedded scenario (nil for none).
func ScenarioDefaults(name string) map[string]string {
	d := scenarioDefaults[strings.TrimSuffix(filepath.Base(name), ".xml")]
	if d == nil {
		return nil
	}
	out := make(map[string]string, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}

var scenarioDefaults = map[string]map[string]string{
	"uac_basic":            {"hold_ms": "1000", "caller": "sipp"},
	"uac_register":         {"user": "alice", "expires": "300"},
	"uac_register_contact": {"user": "alice", "expires": "300", "contact": "127.0.0.1:5070"},
	"uac_dtmf_rfc4733":     {"dtmf": "1234#", "hold_ms": "6000", "caller": "sipp"},
	"uac_dtmf_pcap":        {"hold_ms": "2000"},
	"uas_answer_bye":       {"hold_ms": "1000"},
}

// LookSipp returns the path of the sipp binary ($CALLGATE_SIPP, else "sipp"
// in $PATH).
func LookSipp() (string, error) {
	if p := os.Getenv(EnvSippPath); p != "" {
		return exec.LookPath(p)
	}
	return exec.LookPath("sipp")
}

// RequireSipp returns the sipp path. If sipp is missing it fails the test
// when CALLGATE_REQUIRE_PEERS=1 and skips it otherwise, both with an install
// hint.
func RequireSipp(t testing.TB) string {
	t.Helper()
	p, err := LookSipp()
	if err != nil {
		if os.Getenv(EnvRequirePeers) == "1" {
			t.Fatalf("sipp not found: %s (%v)", sippInstallHint, err)
			return ""
		}
		t.Skipf("sipp not found: %s (%v)", sippInstallHint, err)
		return ""
	}
	return p
}

// RequireRawSockets skips (or, with CALLGATE_REQUIRE_PEERS=1, fails) the
// test unless this process can open raw sockets (root or CAP_NET_RAW), which
// SIPp needs for play_pcap_audio and play_dtmf.
func RequireRawSockets(t testing.TB) {
	t.Helper()
	if canRawSocket() {
		return
	}
	msg := "SIPp media play (play_pcap_audio/play_dtmf) needs raw sockets: run as root or give sipp CAP_NET_RAW (setcap cap_net_raw+ep /usr/bin/sipp)"
	if os.Getenv(EnvRequirePeers) == "1" {
		t.Fatalf("%s", msg)
		return
	}
	t.Skip(msg)
}

// PcapDir returns the directory holding SIPp's pcaps ($CALLGATE_SIPP_PCAP_DIR
// or DefaultPcapDir).
func PcapDir() string {
	if d := os.Getenv(EnvPcapDir); d != "" {
		return d
	}
	return DefaultPcapDir
}

// RequirePcaps skips (or, with CALLGATE_REQUIRE_PEERS=1, fails) the test
// unless SIPp's DTMF pcaps are present in PcapDir.
func RequirePcaps(t testing.TB) {
	t.Helper()
	for _, f := range []string{"dtmf_2833_1.pcap", "dtmf_2833_2.pcap", "dtmf_2833_pound.pcap"} {
		if !fileExists(filepath.Join(PcapDir(), f)) {
			msg := fmt.Sprintf("SIPp pcap %s not found: %s", filepath.Join(PcapDir(), f), sippInstallHint)
			if os.Getenv(EnvRequirePeers) == "1" {
				t.Fatalf("%s", msg)
				return
			}
			t.Skip(msg)
			return
		}
	}
}

func canRawSocket() bool {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_RAW, syscall.IPPROTO_UDP)
	if err != nil {
		return false
	}
	syscall.Close(fd)
	return true
}

// DTMFPlayDuration estimates how long SIPp 3.6.1 <exec play_dtmf="digits[,tone_ms]"/>
// keeps sending: 400 ms of PT 97 filler, then digit i (0-based) starts at
// 400 + 2*tone*(i+1) ms and lasts tone ms (default tone 200 ms; values
// outside 50..2000 fall back to 200). Characters other than 0-9 * # A-D are
// ignored. The scenario pause after the exec must be at least this long or
// the rest of the digits is cut off when the call ends.
func DTMFPlayDuration(spec string) time.Duration {
	digits, tone := spec, 200
	if i := strings.IndexByte(spec, ','); i >= 0 {
		digits = spec[:i]
		if v, err := strconv.Atoi(strings.TrimSpace(spec[i+1:])); err == nil && v >= 50 && v <= 2000 {
			tone = v
		}
	}
	n := 0
	for _, c := range digits {
		if (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D') {
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return time.Duration(400+2*tone*n+tone) * time.Millisecond
}

// SippProc is a SIPp process running in the background.
type SippProc struct {
	t     testing.TB
	name  string
	addr  string
	media string
	run   *sippRun

	once   sync.Once
	result SippResult
}

// Addr returns SIPp's SIP address (host:port).
func (p *SippProc) Addr() string { return p.addr }

// MediaAddr returns SIPp's RTP address (host:port, the [media_port]).
func (p *SippProc) MediaAddr() string { return p.media }

// Done is closed when the process has exited.
func (p *SippProc) Done() <-chan struct{} { return p.run.done }

// Wait waits for SIPp to exit (by itself, on its -timeout, or killed by the
// Go deadline / context) and returns its result. It may be called more than
// once.
func (p *SippProc) Wait() SippResult {
	p.t.Helper()
	p.once.Do(func() {
		<-p.run.done
		p.result = p.run.result(p.t)
	})
	return p.result
}

// Stop asks SIPp to terminate (SIGTERM: SIPp prints and dumps its final
// statistics), kills the process group if it has not exited after a few
// seconds, and returns the result. Safe to call more than once and after
// the process has exited.
func (p *SippProc) Stop() SippResult {
	p.t.Helper()
	p.run.terminate()
	return p.Wait()
}

// StartSipp starts SIPp in the background (typically a UAS scenario) and
// returns once its SIP socket is bound. The process is stopped by
// t.Cleanup if still running.
func StartSipp(ctx context.Context, t testing.TB, opts SippOptions) *SippProc {
	t.Helper()
	bin := RequireSipp(t)
	var lastErr error
	for attempt := 0; attempt < maxBindRetries; attempt++ {
		r, err := startSipp(ctx, t, bin, opts)
		if err != nil {
			t.Fatalf("sipp: %v", err)
			return nil
		}
		p := &SippProc{t: t, name: r.name, addr: r.addr, media: r.media, run: r}
		t.Cleanup(func() { p.Stop() })
		err = waitBound(r, opts.Transport)
		if err == nil {
			return p
		}
		res := p.Wait()
		if r.autoPorts && (res.ExitCode == SippExitBindError || strings.Contains(res.Stderr, "Unable to bind")) {
			t.Logf("sipp[%s]: bind failed, retrying on other ports", r.name)
			lastErr = err
			continue
		}
		t.Fatalf("sipp[%s] did not come up: %v (exit %d)\nstderr:\n%s", r.name, err, res.ExitCode, res.Stderr)
		return nil
	}
	t.Fatalf("sipp: giving up after %d bind failures: %v", maxBindRetries, lastErr)
	return nil
}

// RunSipp runs SIPp to completion (typically a UAC scenario against Target)
// and returns the parsed result. It logs the command line, the counters,
// the error log and, on failure, the tail of the SIP message log.
func RunSipp(ctx context.Context, t testing.TB, opts SippOptions) SippResult {
	t.Helper()
	bin := RequireSipp(t)
	var res SippResult
	for attempt := 0; attempt < maxBindRetries; attempt++ {
		r, err := startSipp(ctx, t, bin, opts)
		if err != nil {
			t.Fatalf("sipp: %v", err)
			return SippResult{}
		}
		t.Cleanup(r.terminate)
		<-r.done
		res = r.result(t)
		if r.autoPorts && res.Duration < 5*time.Second &&
			(res.ExitCode == SippExitBindError || strings.Contains(res.Stderr, "Unable to bind")) {
			t.Logf("sipp[%s]: bind failed, retrying on other ports", r.name)
			continue
		}
		break
	}
	return res
}

// sippRun is one started SIPp process.
type sippRun struct {
	name      string
	dir       string
	args      []string
	addr      string
	media     string
	localPort int
	autoPorts bool
	cmd       *exec.Cmd
	start     time.Time
	done      chan struct{}
	stdout    string
	stderr    string
	errLog    string
	stats     string
	short     string
	messages  string

	mu       sync.Mutex
	killed   bool
	termOnce sync.Once
	end      time.Time
}

func startSipp(ctx context.Context, t testing.TB, bin string, opts SippOptions) (*sippRun, error) {
	t.Helper()
	dir := t.TempDir()

	scenarioPath, name, err := materializeScenario(dir, opts.Scenario)
	if err != nil {
		return nil, err
	}

	if opts.Service == "" {
		opts.Service = defaultService
	}
	if opts.Transport == "" {
		opts.Transport = defaultTransport
	}
	switch opts.Transport {
	case "u1", "t1", "tn":
	default:
		return nil, fmt.Errorf("unsupported transport %q (want u1, t1 or tn)", opts.Transport)
	}
	if opts.Calls == 0 {
		opts.Calls = 1
	}
	if opts.CallIDPrefix == "" {
		opts.CallIDPrefix = defaultCIDPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.Target != "" {
		if err := checkLoopbackTarget(opts.Target); err != nil {
			return nil, err
		}
	}

	auto := opts.LocalPort == 0 || opts.MediaPort == 0
	if opts.LocalPort == 0 {
		if opts.LocalPort, err = FreeSIPPort(); err != nil {
			return nil, err
		}
	}
	if opts.MediaPort == 0 {
		if opts.MediaPort, err = FreeMediaPort(); err != nil {
			return nil, err
		}
	}
	ctrlPort, err := FreeUDPPort()
	if err != nil {
		return nil, err
	}

	vars := ScenarioDefaults(name)
	if isPath(opts.Scenario) {
		vars = nil // defaults only apply to embedded scenarios
	}
	if vars == nil {
		vars = map[string]string{}
	}
	for k, v := range opts.Vars {
		vars[k] = v
	}
	if err := checkVarsDeclared(scenarioPath, vars); err != nil {
		return nil, err
	}
	if d, ok := vars["dtmf"]; ok && name == "uac_dtmf_rfc4733" {
		if hold, err := strconv.Atoi(vars["hold_ms"]); err == nil {
			if need := DTMFPlayDuration(d); time.Duration(hold)*time.Millisecond < need {
				t.Logf("sipp[%s]: warning: hold_ms=%d is shorter than play_dtmf(%q) needs (%v); the last digits will be cut off", name, hold, d, need)
			}
		}
	}

	args := []string{}
	if opts.Target != "" {
		args = append(args, opts.Target)
	}
	args = append(args,
		"-sf", scenarioPath,
		"-s", opts.Service,
		"-t", opts.Transport,
		"-i", LoopbackIP,
		"-p", strconv.Itoa(opts.LocalPort),
		"-mi", LoopbackIP,
		"-mp", strconv.Itoa(opts.MediaPort),
		"-ci", LoopbackIP,
		"-cp", strconv.Itoa(ctrlPort),
		"-bind_local",
		"-cid_str", opts.CallIDPrefix+"-%u@%s",
		"-buff_size", buffSize,
		// SIPp implements -timeout with alarm(seconds): sub-second parts are
		// truncated (and < 1s means no timeout), so pass whole seconds,
		// rounded up.
		"-timeout", fmt.Sprintf("%ds", timeoutSeconds(opts.Timeout)),
		"-timeout_error",
		// The overload watchdog trips (warnings in errors.log) when a loaded
		// machine delays SIPp's timer by >500 ms; by default SIPp aborts the
		// whole run after 120 minor / 10 major trips. Keep the warnings,
		// never abort a test run for that.
		"-watchdog_minor_maxtriggers", "-1",
		"-watchdog_major_maxtriggers", "-1",
		"-nostdin",
		"-trace_stat", "-stf", filepath.Join(dir, "stats.csv"),
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
		"-trace_msg", "-message_file", filepath.Join(dir, "messages.log"),
		"-trace_shortmsg", "-shortmessage_file", filepath.Join(dir, "shortmessages.log"),
	)
	if opts.Calls > 0 {
		args = append(args, "-m", strconv.Itoa(opts.Calls))
	}
	if opts.Concurrency > 0 {
		args = append(args, "-l", strconv.Itoa(opts.Concurrency))
	}
	if opts.Rate > 0 {
		args = append(args, "-r", strconv.FormatFloat(opts.Rate, 'f', -1, 64))
	}
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "-set", k, vars[k])
	}
	if opts.Transport == "tn" && !hasArg(opts.ExtraArgs, "-max_socket") {
		// One socket per call: SIPp refuses to start when its default
		// -max_socket (50000) exceeds RLIMIT_NOFILE.
		args = append(args, "-max_socket", strconv.Itoa(maxSockets()))
	}
	if opts.InfFile != "" {
		inf, err := filepath.Abs(opts.InfFile)
		if err != nil {
			return nil, err
		}
		args = append(args, "-inf", inf)
	}
	args = append(args, opts.ExtraArgs...)

	r := &sippRun{
		name:      name,
		dir:       dir,
		args:      args,
		addr:      fmt.Sprintf("%s:%d", LoopbackIP, opts.LocalPort),
		media:     fmt.Sprintf("%s:%d", LoopbackIP, opts.MediaPort),
		localPort: opts.LocalPort,
		autoPorts: auto,
		stdout:    filepath.Join(dir, "stdout.log"),
		stderr:    filepath.Join(dir, "stderr.log"),
		errLog:    filepath.Join(dir, "errors.log"),
		stats:     filepath.Join(dir, "stats.csv"),
		short:     filepath.Join(dir, "shortmessages.log"),
		messages:  filepath.Join(dir, "messages.log"),
		done:      make(chan struct{}),
	}
	outF, err := os.Create(r.stdout)
	if err != nil {
		return nil, err
	}
	errF, err := os.Create(r.stderr)
	if err != nil {
		outF.Close()
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout = outF
	cmd.Stderr = errF
	cmd.SysProcAttr = sysProcAttr()
	t.Logf("sipp[%s]: %s %s", name, bin, shellQuote(args))
	r.start = time.Now()
	if err := cmd.Start(); err != nil {
		outF.Close()
		errF.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	r.cmd = cmd

	go func() {
		_ = cmd.Wait()
		r.mu.Lock()
		r.end = time.Now()
		r.mu.Unlock()
		outF.Close()
		errF.Close()
		close(r.done)
	}()
	go r.watch(ctx, opts.Timeout+killGrace)
	return r, nil
}

// watch kills the process group when ctx ends or the hard deadline passes.
func (r *sippRun) watch(ctx context.Context, deadline time.Duration) {
	timer := time.NewTimer(deadline)
	defer timer.Stop()
	select {
	case <-r.done:
	case <-ctx.Done():
		r.terminate()
	case <-timer.C:
		r.kill()
	}
}

// terminate sends SIGTERM to SIPp, then SIGKILL to its process group if it
// has not exited within stopGrace, and waits for it.
func (r *sippRun) terminate() {
	r.termOnce.Do(func() {
		select {
		case <-r.done:
			return
		default:
		}
		r.mu.Lock()
		r.killed = true
		r.mu.Unlock()
		_ = r.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.done:
		case <-time.After(stopGrace):
			r.kill()
		}
	})
	<-r.done
}

func (r *sippRun) kill() {
	select {
	case <-r.done:
		return
	default:
	}
	r.mu.Lock()
	r.killed = true
	r.mu.Unlock()
	// Negative pid: the whole process group (SIPp and anything it forked).
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	<-r.done
}

// result collects and logs the outcome of a finished run.
func (r *sippRun) result(t testing.TB) SippResult {
	t.Helper()
	r.mu.Lock()
	res := SippResult{
		ExitCode:   r.cmd.ProcessState.ExitCode(),
		Successful: -1,
		Failed:     -1,
		Duration:   r.end.Sub(r.start),
		Killed:     r.killed,
		Dir:        r.dir,
		Args:       r.args,
	}
	r.mu.Unlock()
	res.Stdout = readTail(r.stdout, outputCap)
	res.Stderr = readTail(r.stderr, outputCap)
	res.ErrorLog = strings.TrimSpace(readTail(r.errLog, outputCap))
	if s, f, ok := parseStatCSV(r.stats); ok {
		res.Successful, res.Failed = s, f
	} else if s, f, ok := parseScreen(res.Stdout); ok {
		res.Successful, res.Failed = s, f
	}
	res.CallIDs = parseCallIDs(r.short)

	t.Logf("sipp[%s]: exit=%d successful=%d failed=%d calls=%d duration=%v killed=%v",
		r.name, res.ExitCode, res.Successful, res.Failed, len(res.CallIDs), res.Duration.Round(time.Millisecond), res.Killed)
	if res.ErrorLog != "" {
		t.Logf("sipp[%s] errors.log:\n%s", r.name, truncate(res.ErrorLog, 4<<10))
	}
	if res.ExitCode != SippExitOK || res.Failed != 0 {
		if s := strings.TrimSpace(res.Stderr); s != "" {
			t.Logf("sipp[%s] stderr:\n%s", r.name, truncate(s, 4<<10))
		}
		if m := strings.TrimSpace(readTail(r.messages, 8<<10)); m != "" {
			t.Logf("sipp[%s] messages.log (tail):\n%s", r.name, m)
		}
		if scr := lastScreen(res.Stdout); scr != "" {
			t.Logf("sipp[%s] final screen:\n%s", r.name, scr)
		}
	}
	return res
}

var globalVarsRe = regexp.MustCompile(`<Global\s+variables\s*=\s*"([^"]*)"`)

// checkVarsDeclared fails early (instead of SIPp's "Can not set the global
// variable X, because it does not exist") when a -set name is not declared
// in a <Global variables="..."/> element of the scenario.
func checkVarsDeclared(scenarioPath string, vars map[string]string) error {
	if len(vars) == 0 {
		return nil
	}
	data, err := os.ReadFile(scenarioPath)
	if err != nil {
		return err
	}
	declared := map[string]bool{}
	for _, m := range globalVarsRe.FindAllStringSubmatch(string(data), -1) {
		for _, v := range strings.Split(m[1], ",") {
			declared[strings.TrimSpace(v)] = true
		}
	}
	var missing []string
	for k := range vars {
		if !declared[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("scenario %s does not declare <Global variables=\"...\"/> for -set %s", filepath.Base(scenarioPath), strings.Join(missing, ", "))
	}
	return nil
}

func timeoutSeconds(d time.Duration) int64 {
	sec := int64((d + time.Second - 1) / time.Second)
	if sec < 1 {
		sec = 1
	}
	return sec
}

func hasArg(args []string, name string) bool {
	for _, a := range args {
		if a == name {
			return true
		}
	}
	return false
}

// maxSockets is a -max_socket value SIPp accepts under the current
// RLIMIT_NOFILE hard limit (SIPp raises the soft limit to it at start).
func maxSockets() int {
	n := 1000
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil {
		if hard := int64(rl.Max); hard > 0 && hard < int64(2*n) { // Max is int64 on freebsd
			n = int(hard / 2)
		}
	}
	return n
}

func isPath(s string) bool {
	return strings.ContainsRune(s, filepath.Separator) || strings.HasSuffix(s, ".xml") && fileExists(s)
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// materializeScenario writes an embedded scenario into dir, or resolves a
// path. It returns the file path and the scenario name (basename without .xml).
func materializeScenario(dir, scenario string) (string, string, error) {
	if scenario == "" {
		return "", "", errors.New("SippOptions.Scenario is empty")
	}
	if isPath(scenario) {
		p, err := filepath.Abs(scenario)
		if err != nil {
			return "", "", err
		}
		if !fileExists(p) {
			return "", "", fmt.Errorf("scenario file %s not found", p)
		}
		return p, strings.TrimSuffix(filepath.Base(p), ".xml"), nil
	}
	name := strings.TrimSuffix(scenario, ".xml")
	data, err := ScenarioXML(name)
	if err != nil {
		return "", "", fmt.Errorf("unknown embedded scenario %q (have %s)", scenario, strings.Join(Scenarios(), ", "))
	}
	if d := PcapDir(); d != DefaultPcapDir {
		data = bytes.ReplaceAll(data, []byte(DefaultPcapDir+"/"), []byte(strings.TrimSuffix(d, "/")+"/"))
	}
	p := filepath.Join(dir, name+".xml")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		return "", "", err
	}
	return p, name, nil
}

func checkLoopbackTarget(target string) error {
	host := target
	if i := strings.LastIndexByte(target, ':'); i >= 0 {
		host = target[:i]
	}
	host = strings.Trim(host, "[]")
	if host != LoopbackIP && host != "localhost" {
		return fmt.Errorf("target %q is not on loopback: siptest only runs SIPp against %s", target, LoopbackIP)
	}
	return nil
}

// waitBound waits until SIPp has bound its SIP port (or has exited).
func waitBound(r *sippRun, transport string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-r.done:
			return errors.New("sipp exited during start-up")
		default:
		}
		if portInUse(r.localPort, transport) {
			return nil
		}
		time.Sleep(10 * time.Millisecond)
	}
	return errors.New("timed out waiting for sipp to bind its SIP port")
}

func readTail(path string, max int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if len(data) > max {
		data = data[len(data)-max:]
	}
	return string(data)
}

func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return "...(truncated)...\n" + s[len(s)-max:]
}

// parseStatCSV reads SuccessfulCall(C)/FailedCall(C) from the last line of
// SIPp's -trace_stat file (';'-separated, header on the first line; a final
// line is written when SIPp exits, including on SIGTERM and -timeout).
func parseStatCSV(path string) (successful, failed int, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0, false
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 2 {
		return 0, 0, false
	}
	header := strings.Split(strings.TrimSpace(lines[0]), ";")
	last := strings.Split(strings.TrimSpace(lines[len(lines)-1]), ";")
	col := func(name string) (int, bool) {
		for i, h := range header {
			if h == name && i < len(last) {
				v, err := strconv.Atoi(strings.TrimSpace(last[i]))
				return v, err == nil
			}
		}
		return 0, false
	}
	s, ok1 := col("SuccessfulCall(C)")
	f, ok2 := col("FailedCall(C)")
	return s, f, ok1 && ok2
}

var (
	screenSuccessRe = regexp.MustCompile(`(?m)^\s*Successful call\s*\|\s*\d+\s*\|\s*(\d+)`)
	screenFailedRe  = regexp.MustCompile(`(?m)^\s*Failed call\s*\|\s*\d+\s*\|\s*(\d+)`)
)

// parseScreen is the fallback: the cumulative column of the last
// "Successful call"/"Failed call" lines of the statistics screen on stdout.
func parseScreen(stdout string) (successful, failed int, ok bool) {
	s := screenSuccessRe.FindAllStringSubmatch(stdout, -1)
	f := screenFailedRe.FindAllStringSubmatch(stdout, -1)
	if len(s) == 0 || len(f) == 0 {
		return 0, 0, false
	}
	sv, err1 := strconv.Atoi(s[len(s)-1][1])
	fv, err2 := strconv.Atoi(f[len(f)-1][1])
	return sv, fv, err1 == nil && err2 == nil
}

// lastScreen returns the last "Scenario Screen" block of stdout.
func lastScreen(stdout string) string {
	i := strings.LastIndex(stdout, "Scenario Screen")
	if i < 0 {
		return ""
	}
	j := strings.LastIndex(stdout[:i], "\n")
	s := stdout[j+1:]
	if k := strings.Index(s, "Statistics Screen"); k > 0 {
		if nl := strings.LastIndex(s[:k], "\n"); nl > 0 {
			s = s[:nl]
		}
	}
	return truncate(strings.TrimRight(s, "\n"), 4<<10)
}

// parseCallIDs returns the distinct Call-IDs of a -trace_shortmsg log
// (tab-separated: date, time, epoch, S|R, Call-ID, CSeq, first line).
func parseCallIDs(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 6 || (f[3] != "S" && f[3] != "R") {
			continue
		}
		id := f[4]
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids
}

func shellQuote(args []string) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteByte(' ')
		}
		if a != "" && strings.IndexFunc(a, func(r rune) bool {
			return !(r == '-' || r == '_' || r == '.' || r == '/' || r == ':' || r == ',' || r == '=' || r == '@' ||
				(r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z'))
		}) < 0 {
			b.WriteString(a)
			continue
		}
		b.WriteString("'" + strings.ReplaceAll(a, "'", `'\''`) + "'")
	}
	return b.String()
}
