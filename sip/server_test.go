package sip

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/stretchr/testify/require"
)

var loopback = netip.MustParseAddr("127.0.0.1") //nolint:gochecknoglobals // test fixture

// recorder is a test Handler that keeps every digit per Call-ID until the
// call ends, and an Observer that records end causes and rejections.
type recorder struct {
	mu           sync.Mutex
	digits       map[string][]byte
	causes       map[string]EndCause
	rejected     []int
	reasons      []string
	started      int
	startedCalls []*Call
	hold         time.Duration // hang up after this long (0: wait for the peer)
	ended        chan string
}

func newRecorder() *recorder {
	return &recorder{digits: map[string][]byte{}, causes: map[string]EndCause{}, ended: make(chan string, 1024)}
}

func (r *recorder) ServeCall(ctx context.Context, c *Call) {
	var timeout <-chan time.Time
	if r.hold > 0 {
		timeout = time.After(r.hold)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-timeout:
			return
		case <-c.Digits().Notify():
			for {
				d, ok := c.Digits().TryNext()
				if !ok {
					break
				}
				r.mu.Lock()
				r.digits[c.CallID()] = append(r.digits[c.CallID()], d.Key)
				r.mu.Unlock()
			}
		}
	}
}

func (r *recorder) InviteRejected(code int, err error) {
	r.mu.Lock()
	r.rejected = append(r.rejected, code)
	r.reasons = append(r.reasons, RejectReason(err))
	r.mu.Unlock()
}

func (r *recorder) rejectReasons() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.reasons...)
}

func (r *recorder) CallStarted(c *Call) {
	r.mu.Lock()
	r.started++
	r.startedCalls = append(r.startedCalls, c)
	r.mu.Unlock()
}

func (r *recorder) lastStarted() *Call {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.startedCalls) == 0 {
		return nil
	}
	return r.startedCalls[len(r.startedCalls)-1]
}

func (r *recorder) CallEnded(c *Call, cause EndCause) {
	r.mu.Lock()
	r.causes[c.CallID()] = cause
	r.mu.Unlock()
	r.ended <- c.CallID()
}

func (r *recorder) digitsOf(callID string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.digits[callID])
}

func (r *recorder) allDigits() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for k, v := range r.digits {
		out[k] = string(v)
	}
	return out
}

func (r *recorder) causeOf(callID string) EndCause {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.causes[callID]
}

func (r *recorder) rejections() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int(nil), r.rejected...)
}

type testServer struct {
	*Server
	eng *media.Engine
	rec *recorder
	udp netip.AddrPort
	tcp netip.AddrPort
}

func testLogger(t *testing.T) *slog.Logger {
	t.Helper()
	if os.Getenv("CALLGATE_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// startServer runs a Server on loopback port 0 (UDP and TCP) with the
// recorder as handler and observer. It is shut down by t.Cleanup.
func startServer(t *testing.T, cfg Config, rec *recorder) *testServer {
	t.Helper()
	return startServerWith(t, cfg, rec, nil)
}

// startServerWith is startServer with another handler (the recorder still observes).
func startServerWith(t *testing.T, cfg Config, rec *recorder, h Handler, opts ...Option) *testServer {
	t.Helper()
	eng, err := media.NewEngine(media.EngineConfig{IP: loopback})
	require.NoError(t, err)
	if rec == nil {
		rec = newRecorder()
	}
	if h == nil {
		h = rec
	}
	srv, err := NewServer(cfg, eng, append([]Option{WithHandler(h), WithObserver(rec), WithLogger(testLogger(t))}, opts...)...)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ListenAndServe(ctx, "127.0.0.1:0") }()
	ts := &testServer{Server: srv, eng: eng, rec: rec}
	checkFor(t, 2*time.Second, func() error {
		ts.udp, ts.tcp = srv.Addr("udp"), srv.Addr("tcp")
		if !ts.udp.IsValid() || !ts.tcp.IsValid() {
			return fmt.Errorf("listeners not up")
		}
		return nil
	})
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		require.NoError(t, srv.Shutdown(sctx))
		cancel()
		<-done
		_ = eng.Close()
	})
	return ts
}

// uri is a request URI for the server on the given transport.
func (ts *testServer) uri(transport string) string {
	if transport == "tcp" {
		return fmt.Sprintf("sip:ivr@%s;transport=tcp", ts.tcp)
	}
	return fmt.Sprintf("sip:ivr@%s", ts.udp)
}

// newCaller is a second Server used only to Dial (the test's phone).
func newCaller(t *testing.T) *Server {
	t.Helper()
	ts := startServer(t, Config{}, nil)
	return ts.Server
}

func checkFor(t *testing.T, total time.Duration, fn func() error) {
	t.Helper()
	deadline := time.Now().Add(total)
	var err error
	for time.Now().Before(deadline) {
		if err = fn(); err == nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("condition not met after %s: %v", total, err)
}

// rawRequest sends one datagram to the server and returns the status line
// and headers of the first response (or "" on timeout).
func rawRequest(t *testing.T, to netip.AddrPort, msg string, wait time.Duration) string {
	t.Helper()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	require.NoError(t, err)
	defer conn.Close()
	local := conn.LocalAddr().(*net.UDPAddr)
	msg = strings.ReplaceAll(msg, "LOCAL", local.String())
	msg = strings.ReplaceAll(msg, "\n", "\r\n")
	_, err = conn.WriteToUDPAddrPort([]byte(msg), to)
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(wait)))
	buf := make([]byte, 65535)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return ""
		}
		res := string(buf[:n])
		if strings.HasPrefix(res, "SIP/2.0 100 ") {
			continue
		}
		return res
	}
}
