package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
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
	args := append([]string{"--sip-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0", "--rtp-ports", "40000-40999"}, extraArgs...)
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

func TestServeAndDialEndToEnd(t *testing.T) {
	app, sigs, logs, done := startApp(t)
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	var out bytes.Buffer
	err := cmdDial(context.Background(), []string{target, "--dtmf", "12@1s,34#@2s", "--duration", "4s", "--json"}, &out)
	require.NoError(t, err, out.String())
	report := out.String()
	rep := parseReport(t, report)

	require.GreaterOrEqual(t, len(rep.Audio), 2, "heard the welcome prompt and the acknowledgement: %s", report)
	assert.Less(t, rep.Audio[0].Start, rep.SetupTime+300*time.Millisecond, "the welcome prompt starts right after the answer")
	assert.InDelta(t, float64(time.Second), float64(rep.Audio[0].End-rep.SetupTime), float64(300*time.Millisecond),
		"the first digit (at 1 s) barges in and stops the welcome prompt")
	assert.Greater(t, rep.Audio[1].Start, rep.SetupTime+2*time.Second, "'#' is acknowledged with a prompt")
	assert.Equal(t, uint32(0), rep.RxLost)
	assert.Greater(t, rep.RxPackets, uint64(150), "RTP flows the whole call")

	// The debug log of this test call shows the digits, in order, tagged with the call.
	var got []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, `msg="digit received"`) && strings.Contains(line, "call_id="+rep.CallID) {
			_, after, _ := strings.Cut(line, "digit=")
			got = append(got, strings.Fields(after)[0])
		}
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "#"}, got)

	// Metrics and health.
	base := "http://" + app.httpLn.Addr().String()
	body := httpGet(t, base+"/metrics")
	assert.Contains(t, body, `callgate_sip_calls_total{cause="remote_bye"} 1`)
	assert.Contains(t, body, "callgate_sip_active_calls 0")
	assert.Equal(t, "ok\n", httpGet(t, base+"/healthz"))
	assert.Equal(t, "ready\n", httpGet(t, base+"/readyz"))

	// SIGTERM drains and exits.
	sigs <- syscall.SIGTERM
	require.True(t, done.wait(10*time.Second), "SIGTERM did not stop an idle server")
	require.NoError(t, done.err)
	assert.Contains(t, logs.String(), "draining")
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
	app, _, logs, _ := startApp(t)
	target := fmt.Sprintf("sip:ivr@%s", app.udp.LocalAddr())
	for _, mode := range []string{"rfc4733", "info", "inband"} {
		t.Run(mode, func(t *testing.T) {
			var out bytes.Buffer
			wav := t.TempDir() + "/heard.wav"
			err := cmdDial(context.Background(), []string{target, "--dtmf", "90*@500ms", "--dtmf-mode", mode, "--duration", "2s", "--json", "--record", wav}, &out)
			require.NoError(t, err, out.String())
			rep := parseReport(t, out.String())
			var got []string
			for _, line := range strings.Split(logs.String(), "\n") {
				if strings.Contains(line, `msg="digit received"`) && strings.Contains(line, "call_id="+rep.CallID) {
					assert.Contains(t, line, "source="+mode)
					_, after, _ := strings.Cut(line, "digit=")
					got = append(got, strings.Fields(after)[0])
				}
			}
			assert.Equal(t, []string{"9", "0", "*"}, got)
			st, err := os.Stat(wav)
			require.NoError(t, err)
			assert.Greater(t, st.Size(), int64(2*8000), "the recording holds the call's audio")
		})
	}
}
