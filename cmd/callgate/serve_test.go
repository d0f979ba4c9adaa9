package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startApp runs the demo configuration on free loopback ports.
func startApp(t *testing.T, extraArgs ...string) (*App, chan os.Signal, *syncBuffer, *runResult) {
	t.Helper()
	args := append([]string{"--sip-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rtp-ports", "0",
		"--ledger", filepath.Join(t.TempDir(), "ledger.jsonl")}, extraArgs...)
	cfg, err := loadServeConfig(args, noEnv)
	require.NoError(t, err)
	logs := &syncBuffer{}
	app, err := build(context.Background(), cfg, newLogger(logs, cfg.Log))
	require.NoError(t, err)
	sigs := make(chan os.Signal, 2)
	res := &runResult{done: make(chan struct{})}
	go func() {
		res.err = app.Run(context.Background(), sigs)
		close(res.done)
	}()
	t.Cleanup(func() {
		select {
		case sigs <- os.Interrupt:
		default:
		}
		if !res.wait(15 * time.Second) {
			t.Error("server did not stop")
		}
	})
	return app, sigs, logs, res
}

// runResult is App.Run's outcome.
type runResult struct {
	done chan struct{}
	err  error
}

func (r *runResult) wait(d time.Duration) bool {
	select {
	case <-r.done:
		return true
	case <-time.After(d):
		return false
	}
}

// verifiedPatient is the demo flow for Maria Lopez calling for herself:
// consent 1, role 1, member ID#, DOB, PIN#, purpose 1 (scheduling). Sent at
// once: barge-in and type-ahead carry it through every prompt.
const verifiedPatient = "11" + "10001234#" + "04121980" + "4321#" + "1"

func TestServeAndDialEndToEnd(t *testing.T) {
	app, sigs, logs, done := startApp(t, "--log-level", "debug")
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	var out bytes.Buffer
	err := cmdDial(context.Background(), []string{target, "--dtmf", verifiedPatient + "@1s", "--duration", "9s", "--json"}, &out)
	require.NoError(t, err, out.String())
	rep := parseReport(t, out.String())

	require.NotEmpty(t, rep.Audio, "heard prompts: %s", out.String())
	assert.Less(t, rep.Audio[0].Start, rep.SetupTime+300*time.Millisecond, "the welcome prompt starts right after the answer")
	// The welcome prompt is 4.5 s long; the first key at 1 s cuts it, and
	// each following key cuts the next prompt as it starts.
	assert.Less(t, rep.Audio[0].End-rep.SetupTime, 2*time.Second, "keys barge in on the prompts")
	assert.Equal(t, uint32(0), rep.RxLost)
	assert.Greater(t, rep.RxPackets, uint64(300), "RTP flows the whole call")

	require.Eventually(t, func() bool { return app.sip.ActiveCalls() == 0 }, 5*time.Second, 10*time.Millisecond, "the server saw the BYE")
	// The final state is written as the IVR unwinds, after the dialog ends.
	require.Eventually(t, func() bool {
		return strings.HasPrefix(app.rdb.HGet(context.Background(), "callgate:call:"+rep.CallID, "state").Val(), "abandoned.")
	}, 5*time.Second, 10*time.Millisecond, "the final state is written")
	got := app.rdb.HGetAll(context.Background(), "callgate:call:"+rep.CallID).Val()
	assert.Equal(t, "full", got["verification_level"])
	assert.Equal(t, "self", got["caller_role"])
	assert.Equal(t, "granted", got["recording_consent"])
	assert.Equal(t, "scheduling", got["purpose"])
	assert.Equal(t, "scheduling", got["queue"])
	assert.Equal(t, "abandoned.route_scheduling", got["state"], "the caller hung up in the queue")
	assert.Regexp(t, `^m_[a-z2-7]+$`, got["subject"])

	// PHI hygiene: the debug log of a verified call holds no member data.
	assertNoPHI(t, logs.String())
	assert.Contains(t, logs.String(), "call_id="+rep.CallID)
	assert.Contains(t, logs.String(), `msg="verification attempt"`)

	// Metrics and health.
	base := "http://" + app.httpLn.Addr().String()
	body := httpGet(t, base+"/metrics")
	lines := strings.Split(body, "\n")
	assert.Contains(t, lines, `callgate_sip_calls_total{cause="remote_bye"} 1`)
	assert.Contains(t, lines, `callgate_ivr_verification_attempts_total{result="ok",step="pin"} 1`)
	assert.Contains(t, lines, "callgate_sip_active_calls 0")
	assertNoPHI(t, body)
	assert.Equal(t, "ok\n", httpGet(t, base+"/healthz"))
	assert.Equal(t, "ready\n", httpGet(t, base+"/readyz"))

	// SIGTERM drains and exits.
	sigs <- syscall.SIGTERM
	require.True(t, done.wait(10*time.Second), "SIGTERM did not stop an idle server")
	require.NoError(t, done.err)
	assert.Contains(t, logs.String(), "draining")
}

// assertNoPHI fails if any demo member's data appears in s as a token of
// its own (a PIN inside a port number or a UUID is not a leak).
func assertNoPHI(t *testing.T, s string) {
	t.Helper()
	for _, phi := range []string{
		"10001234", "10005678", "04121980", "07221955", "04/12/1980", "07/22/1955",
		"4321", "8642", "7788", "3344", "Maria", "Lopez", "James", "Carter", "Carlos",
	} {
		re := regexp.MustCompile(`(^|[^0-9A-Za-z])` + regexp.QuoteMeta(phi) + `([^0-9A-Za-z]|$)`)
		if loc := re.FindStringIndex(s); loc != nil {
			t.Errorf("PHI %q in output: ...%s...", phi, s[max(0, loc[0]-80):min(len(s), loc[1]+40)])
		}
	}
}

func TestDrainRefusesNewCallsAndWaits(t *testing.T) {
	app, sigs, _, done := startApp(t)
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	first := make(chan error, 1)
	go func() {
		first <- cmdDial(context.Background(), []string{target, "--duration", "2s"}, io.Discard)
	}()
	require.Eventually(t, func() bool { return app.sip.ActiveCalls() == 1 }, 3*time.Second, 20*time.Millisecond)
	sigs <- syscall.SIGTERM
	require.Eventually(t, app.sip.Draining, 2*time.Second, 10*time.Millisecond)
	err := cmdDial(context.Background(), []string{target, "--duration", "1s"}, io.Discard)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "503")
	assert.Contains(t, httpStatus(t, "http://"+app.httpLn.Addr().String()+"/readyz"), "503")
	require.NoError(t, <-first, "the call in progress finished normally")
	require.True(t, done.wait(10*time.Second), "drain did not end when the last call did")
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

func httpStatus(t *testing.T, url string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	return res.Status
}

func TestDialSendsEachDTMFMode(t *testing.T) {
	app, _, logs, _ := startApp(t, "--log-level", "debug")
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	for _, mode := range []string{"rfc4733", "info", "inband"} {
		t.Run(mode, func(t *testing.T) {
			var out bytes.Buffer
			wav := t.TempDir() + "/heard.wav"
			err := cmdDial(context.Background(), []string{target, "--dtmf", verifiedPatient + "@500ms", "--dtmf-mode", mode, "--duration", "9s", "--json", "--record", wav}, &out)
			require.NoError(t, err, out.String())
			rep := parseReport(t, out.String())
			require.Eventually(t, func() bool { return app.sip.ActiveCalls() == 0 }, 5*time.Second, 10*time.Millisecond)
			got := app.rdb.HGetAll(context.Background(), "callgate:call:"+rep.CallID).Val()
			assert.Equal(t, "full", got["verification_level"], "every key of the script arrived as %s", mode)
			assert.Equal(t, "scheduling", got["purpose"])
			st, err := os.Stat(wav)
			require.NoError(t, err)
			assert.Greater(t, st.Size(), int64(2*8000), "the recording holds the call's audio")
		})
	}
	assertNoPHI(t, logs.String())
}
