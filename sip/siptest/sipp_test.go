package siptest

import (
	"context"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// --- pure unit tests (no sipp needed) ---------------------------------------

func TestScenariosEmbedded(t *testing.T) {
	want := []string{
		"options", "uac_basic", "uac_cancel", "uac_dtmf_pcap", "uac_dtmf_rfc4733",
		"uac_no_codec", "uac_register", "uac_register_contact", "uac_wait_bye", "uas_answer", "uas_answer_bye",
		"uas_options", "uas_reject_488", "uas_ring_cancel",
	}
	require.Equal(t, want, Scenarios())

	for _, name := range Scenarios() {
		data, err := ScenarioXML(name)
		require.NoError(t, err, name)

		// Well-formed XML (the files declare ISO-8859-1 and are pure ASCII).
		dec := xml.NewDecoder(strings.NewReader(string(data)))
		dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "%s is not well-formed XML", name)
		}

		// Never a literal Call-ID: SIPp matches calls by Call-ID.
		for _, line := range strings.Split(string(data), "\n") {
			l := strings.TrimSpace(line)
			if strings.HasPrefix(l, "Call-ID:") {
				assert.Equal(t, "Call-ID: [call_id]", l, name)
			}
		}
		if (strings.HasPrefix(name, "uac_") || name == "options") && !strings.HasPrefix(name, "uac_register") {
			s := string(data)
			for _, kw := range []string{"[call_id]", "[local_ip]", "[local_port]", "[transport]", "[service]", "[remote_ip]", "[remote_port]"} {
				assert.Contains(t, s, kw, name)
			}
			if name != "options" {
				assert.Contains(t, s, "c=IN IP[media_ip_type] [media_ip]", name)
				assert.Contains(t, s, "m=audio [media_port] RTP/AVP", name)
			}
		}
	}

	_, err := ScenarioXML("nope")
	require.Error(t, err)
	assert.Equal(t, map[string]string{"dtmf": "1234#", "hold_ms": "6000", "caller": "sipp"}, ScenarioDefaults("uac_dtmf_rfc4733.xml"))
	assert.Nil(t, ScenarioDefaults("options"))
}

func TestDTMFPlayDuration(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	assert.Equal(t, int64(1), timeoutSeconds(0))
	assert.Equal(t, int64(2), timeoutSeconds(1500*time.Millisecond))
	assert.Equal(t, int64(30), timeoutSeconds(30*time.Second))

	assert.Equal(t, ms(400+2*200*5+200), DTMFPlayDuration("1234#"))
	assert.Equal(t, ms(400+2*100*3+100), DTMFPlayDuration("12#,100"))
	assert.Equal(t, ms(400+2*200*1+200), DTMFPlayDuration("1,10"), "tone outside 50..2000 falls back to 200")
	assert.Equal(t, ms(400+2*200*2+200), DTMFPlayDuration("1x*"), "unknown characters are skipped")
	assert.Equal(t, time.Duration(0), DTMFPlayDuration(""))
}

func TestParsers(t *testing.T) {
	dir := t.TempDir()
	stats := filepath.Join(dir, "stats.csv")
	require.NoError(t, os.WriteFile(stats, []byte(
		"StartTime;SuccessfulCall(P);SuccessfulCall(C);FailedCall(P);FailedCall(C);\n"+
			"x;0;0;0;0;\n"+
			"x;2;7;1;3;\n"), 0o644))
	s, f, ok := parseStatCSV(stats)
	require.True(t, ok)
	assert.Equal(t, 7, s)
	assert.Equal(t, 3, f)

	s, f, ok = parseScreen("  Successful call        |        0                  |        2                 \n" +
		"  Failed call            |        1                  |        4                 \n")
	require.True(t, ok)
	assert.Equal(t, 2, s)
	assert.Equal(t, 4, f)

	short := filepath.Join(dir, "short.log")
	require.NoError(t, os.WriteFile(short, []byte(
		"2026-01-01\t10:00:00.1\t1.1\tS\tsipp-1@127.0.0.1\tCSeq:1 INVITE\tINVITE sip:ivr@127.0.0.1:5060 SIP/2.0\n"+
			"2026-01-01\t10:00:00.2\t1.2\tR\tsipp-1@127.0.0.1\tCSeq:1 INVITE\tSIP/2.0 200 OK\n"+
			"2026-01-01\t10:00:00.3\t1.3\tS\tsipp-2@127.0.0.1\tCSeq:1 INVITE\tINVITE sip:ivr@127.0.0.1:5060 SIP/2.0\n"), 0o644))
	assert.Equal(t, []string{"sipp-1@127.0.0.1", "sipp-2@127.0.0.1"}, parseCallIDs(short))

	scen := filepath.Join(dir, "s.xml")
	require.NoError(t, os.WriteFile(scen, []byte(`<scenario name="x"><Global variables="a, b" /></scenario>`), 0o644))
	require.NoError(t, checkVarsDeclared(scen, map[string]string{"a": "1", "b": "2"}))
	require.ErrorContains(t, checkVarsDeclared(scen, map[string]string{"a": "1", "c": "2"}), "-set c")

	require.Error(t, checkLoopbackTarget("10.0.0.1:5060"))
	require.NoError(t, checkLoopbackTarget("127.0.0.1:5060"))
}

func TestFreePorts(t *testing.T) {
	p, err := FreeMediaPort()
	require.NoError(t, err)
	assert.Zero(t, p%2)
	q, err := FreeSIPPort()
	require.NoError(t, err)
	assert.NotEqual(t, p, q)
	assert.True(t, udpFree(q) && tcpFree(q))
}

// fakeTB records Fatalf/Skipf instead of stopping the goroutine.
type fakeTB struct {
	testing.TB
	fatal, skip string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Fatalf(format string, a ...any) { f.fatal = fmt.Sprintf(format, a...) }
func (f *fakeTB) Skipf(format string, a ...any)  { f.skip = fmt.Sprintf(format, a...) }

func TestRequireSippMissing(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv(EnvSippPath, "")

	_, err := LookSipp()
	require.Error(t, err)

	t.Setenv(EnvRequirePeers, "")
	ft := &fakeTB{}
	assert.Equal(t, "", RequireSipp(ft))
	assert.Empty(t, ft.fatal)
	assert.Contains(t, ft.skip, "apt-get install -y sip-tester")

	t.Setenv(EnvRequirePeers, "1")
	ft = &fakeTB{}
	assert.Equal(t, "", RequireSipp(ft))
	assert.Empty(t, ft.skip)
	assert.Contains(t, ft.fatal, "sipp not found: install with `apt-get install -y sip-tester`")

	// A real subtest is skipped, and that does not fail this test.
	t.Setenv(EnvRequirePeers, "")
	skipped := false
	t.Run("skips", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		RequireSipp(t)
		t.Error("RequireSipp returned although sipp is missing")
	})
	assert.True(t, skipped)

	// CALLGATE_SIPP overrides the lookup.
	t.Setenv(EnvSippPath, "/nonexistent/sipp")
	_, err = LookSipp()
	require.Error(t, err)
}

// --- SIPp vs SIPp -------------------------------------------------------------

type pair struct {
	name string
	uas  SippOptions
	uac  SippOptions
	// rtpSink: point the UAS's SDP answer at a Go UDP socket and expect these
	// telephone-event digits with this payload type.
	rtpSink    bool
	wantDigits string
	wantPT     uint8
	raw        bool // needs raw sockets (pcap / dtmf play)
	pcaps      bool // needs SIPp's pcaps
}

func TestSippPairs(t *testing.T) {
	RequireSipp(t)
	t.Parallel()
	pairs := []pair{
		{
			name: "basic",
			uas:  SippOptions{Scenario: "uas_answer"},
			uac:  SippOptions{Scenario: "uac_basic", Vars: map[string]string{"hold_ms": "200"}},
		},
		{
			name: "basic_tcp",
			uas:  SippOptions{Scenario: "uas_answer", Transport: "t1"},
			uac:  SippOptions{Scenario: "uac_basic", Transport: "t1", Vars: map[string]string{"hold_ms": "200"}},
		},
		{
			name:       "dtmf_rfc4733",
			uas:        SippOptions{Scenario: "uas_answer"},
			uac:        SippOptions{Scenario: "uac_dtmf_rfc4733", Vars: map[string]string{"dtmf": "1234#", "hold_ms": "3000"}},
			rtpSink:    true,
			wantDigits: "1234#",
			wantPT:     96,
			raw:        true,
		},
		{
			name:       "dtmf_pcap",
			uas:        SippOptions{Scenario: "uas_answer"},
			uac:        SippOptions{Scenario: "uac_dtmf_pcap", Vars: map[string]string{"hold_ms": "300"}},
			rtpSink:    true,
			wantDigits: "12#",
			wantPT:     101,
			raw:        true,
			pcaps:      true,
		},
		{
			name: "cancel",
			uas:  SippOptions{Scenario: "uas_ring_cancel"},
			uac:  SippOptions{Scenario: "uac_cancel"},
		},
		{
			name: "no_codec",
			uas:  SippOptions{Scenario: "uas_reject_488"},
			uac:  SippOptions{Scenario: "uac_no_codec"},
		},
		{
			name: "wait_bye",
			uas:  SippOptions{Scenario: "uas_answer_bye", Vars: map[string]string{"hold_ms": "300"}},
			uac:  SippOptions{Scenario: "uac_wait_bye"},
		},
		{
			name: "options",
			uas:  SippOptions{Scenario: "uas_options"},
			uac:  SippOptions{Scenario: "options"},
		},
		{
			name: "concurrency_20",
			uas:  SippOptions{Scenario: "uas_answer"},
			uac: SippOptions{Scenario: "uac_basic", Calls: 20, Concurrency: 20, Rate: 200,
				Vars: map[string]string{"hold_ms": "1000"}},
		},
	}
	for _, pc := range pairs {
		t.Run(pc.name, func(t *testing.T) {
			t.Parallel()
			if pc.raw {
				RequireRawSockets(t)
			}
			if pc.pcaps {
				RequirePcaps(t)
			}
			runPair(t, pc)
		})
	}
}

func runPair(t *testing.T, pc pair) {
	ctx := t.Context()
	uas, uac := pc.uas, pc.uac
	if uac.Calls == 0 {
		uac.Calls = 1
	}
	uas.Calls = uac.Calls
	uas.Timeout = 25 * time.Second
	uac.Timeout = 20 * time.Second
	uac.CallIDPrefix = "selftest-" + pc.name

	var sink *rtpSink
	if pc.rtpSink {
		sink = newRTPSink(t)
		uas.Scenario = mediaSinkScenario(t, uas.Scenario)
		uas.Vars = map[string]string{"rtp_port": strconv.Itoa(sink.port)}
	}

	srv := StartSipp(ctx, t, uas)
	uac.Target = srv.Addr()
	start := time.Now()
	cres := RunSipp(ctx, t, uac)
	sres := waitOrStop(srv)
	t.Logf("%s: uac %v, pair %v", pc.name, cres.Duration.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	assert.Equal(t, SippExitOK, cres.ExitCode, "uac exit code")
	assert.Equal(t, uac.Calls, cres.Successful, "uac successful calls")
	assert.Equal(t, 0, cres.Failed, "uac failed calls")
	assert.False(t, cres.Killed)
	assert.Len(t, cres.CallIDs, uac.Calls)
	for _, id := range cres.CallIDs {
		assert.True(t, strings.HasPrefix(id, uac.CallIDPrefix+"-"), id)
		assert.True(t, strings.HasSuffix(id, "@127.0.0.1"), id)
	}

	assert.Equal(t, SippExitOK, sres.ExitCode, "uas exit code")
	assert.Equal(t, uas.Calls, sres.Successful, "uas successful calls")
	assert.Equal(t, 0, sres.Failed, "uas failed calls")
	assert.ElementsMatch(t, cres.CallIDs, sres.CallIDs)

	if sink != nil {
		events := sink.close()
		var digits strings.Builder
		for _, e := range events {
			assert.Equal(t, pc.wantPT, e.pt, "telephone-event payload type")
			digits.WriteString(e.digit)
		}
		assert.Equal(t, pc.wantDigits, digits.String())
		if len(events) > 1 {
			t.Logf("%s: %d events, first end at %v, last end at %v after the first RTP packet",
				pc.name, len(events), events[0].end.Round(time.Millisecond), events[len(events)-1].end.Round(time.Millisecond))
		}
	}
}

// TestInfFileDTMF feeds play_dtmf from an -inf CSV ([field0]) instead of a
// -set variable, using a scenario file path instead of an embedded name.
func TestInfFileDTMF(t *testing.T) {
	RequireSipp(t)
	t.Parallel()
	RequireRawSockets(t)
	dir := t.TempDir()

	data, err := ScenarioXML("uac_dtmf_rfc4733")
	require.NoError(t, err)
	s := strings.Replace(string(data), `<Global variables="dtmf,hold_ms,caller" />`, `<Global variables="hold_ms,caller" />`, 1)
	require.Contains(t, s, `<exec play_dtmf="[$dtmf]" />`)
	s = strings.Replace(s, `<exec play_dtmf="[$dtmf]" />`, `<exec play_dtmf="[field0],[field1]" />`, 1)
	scen := filepath.Join(dir, "uac_dtmf_inf.xml")
	require.NoError(t, os.WriteFile(scen, []byte(s), 0o644))
	inf := filepath.Join(dir, "digits.csv")
	require.NoError(t, os.WriteFile(inf, []byte("SEQUENTIAL\n9*0;80;\n"), 0o644))

	sink := newRTPSink(t)
	srv := StartSipp(t.Context(), t, SippOptions{
		Scenario: mediaSinkScenario(t, "uas_answer"),
		Vars:     map[string]string{"rtp_port": strconv.Itoa(sink.port)},
		Timeout:  20 * time.Second,
	})
	res := RunSipp(t.Context(), t, SippOptions{
		Scenario: scen,
		Target:   srv.Addr(),
		InfFile:  inf,
		Vars:     map[string]string{"hold_ms": "1500"},
		Timeout:  15 * time.Second,
	})
	assert.Equal(t, 1, res.Successful)
	assert.Equal(t, 0, res.Failed)
	assert.Equal(t, 1, waitOrStop(srv).Successful)

	var digits strings.Builder
	for _, e := range sink.close() {
		assert.Equal(t, uint8(96), e.pt)
		digits.WriteString(e.digit)
	}
	assert.Equal(t, "9*0", digits.String())
}

// TestTimeoutBounded: a UAC against a port where nobody answers ends at
// SIPp's -timeout with an error exit code.
func TestTimeoutBounded(t *testing.T) {
	RequireSipp(t)
	t.Parallel()
	port, err := FreeSIPPort()
	require.NoError(t, err)
	res := RunSipp(t.Context(), t, SippOptions{
		Scenario: "options",
		Target:   fmt.Sprintf("127.0.0.1:%d", port),
		Timeout:  2 * time.Second,
	})
	assert.NotEqual(t, SippExitOK, res.ExitCode)
	assert.Equal(t, 0, res.Successful)
	assert.False(t, res.Killed)
	assert.Less(t, res.Duration, 8*time.Second)
	assert.Contains(t, res.ErrorLog, "timed out")
}

// TestStopAndCancel: a UAS without -m runs until stopped; Stop (SIGTERM)
// and context cancellation both end it quickly and SIPp still reports.
func TestStopAndCancel(t *testing.T) {
	RequireSipp(t)
	t.Parallel()

	srv := StartSipp(t.Context(), t, SippOptions{Scenario: "uas_answer", Calls: -1, Timeout: 60 * time.Second})
	require.NotEmpty(t, srv.Addr())
	start := time.Now()
	res := srv.Stop()
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.True(t, res.Killed)
	assert.Equal(t, 0, res.Successful, "statistics are dumped on SIGTERM")
	assert.Equal(t, 0, res.Failed)
	res2 := srv.Stop() // idempotent
	assert.Equal(t, res.ExitCode, res2.ExitCode)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	srv = StartSipp(ctx, t, SippOptions{Scenario: "uas_answer", Calls: -1, Timeout: 60 * time.Second})
	start = time.Now()
	cancel()
	select {
	case <-srv.Done():
	case <-time.After(6 * time.Second):
		t.Fatal("sipp still running 6s after context cancellation")
	}
	assert.Less(t, time.Since(start), 6*time.Second)
	assert.True(t, srv.Wait().Killed)
}

// --- helpers --------------------------------------------------------------------

// waitOrStop waits for a UAS whose UAC has finished; if it does not end by
// itself shortly (e.g. the UAC failed before sending anything) it is stopped
// so a failing test does not sit until the UAS -timeout.
func waitOrStop(p *SippProc) SippResult {
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
	}
	return p.Stop()
}

// mediaSinkScenario writes a variant of an embedded UAS scenario whose SDP
// answer advertises [$rtp_port] (a Go socket) instead of SIPp's own media port.
func mediaSinkScenario(t *testing.T, name string) string {
	t.Helper()
	data, err := ScenarioXML(name)
	require.NoError(t, err)
	s := string(data)
	require.Contains(t, s, "m=audio [media_port] ")
	s = strings.Replace(s, "m=audio [media_port] ", "m=audio [$rtp_port] ", 1)
	i := strings.Index(s, "<scenario ")
	j := i + strings.Index(s[i:], ">") + 1
	s = s[:j] + "\n  <Global variables=\"rtp_port\" />\n" + s[j:]
	p := filepath.Join(t.TempDir(), name+"_rtpsink.xml")
	require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
	return p
}

type dtmfEvent struct {
	digit string
	pt    uint8
	end   time.Duration // time of the first end packet since the first RTP packet
}

// rtpSink collects RFC 4733 telephone events (one per distinct SSRC+RTP
// timestamp, reported at its first end-of-event packet).
type rtpSink struct {
	conn net.PacketConn
	port int
	wg   sync.WaitGroup

	mu     sync.Mutex
	first  time.Time
	seen   map[[2]uint32]bool
	events []dtmfEvent
}

func newRTPSink(t *testing.T) *rtpSink {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	s := &rtpSink{conn: c, port: c.LocalAddr().(*net.UDPAddr).Port, seen: map[[2]uint32]bool{}}
	s.wg.Add(1)
	go s.loop()
	t.Cleanup(func() { s.close() })
	return s
}

func (s *rtpSink) loop() {
	defer s.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, _, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		s.handle(buf[:n])
	}
}

func (s *rtpSink) handle(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.first.IsZero() {
		s.first = now
	}
	if len(p) < 12 || p[0]>>6 != 2 {
		return
	}
	pt := p[1] & 0x7f
	hdr := 12 + 4*int(p[0]&0x0f)
	if p[0]&0x10 != 0 && len(p) >= hdr+4 {
		hdr += 4 + 4*int(binary.BigEndian.Uint16(p[hdr+2:]))
	}
	if pt != 96 && pt != 101 || len(p) < hdr+4 {
		return
	}
	ev, endBit := p[hdr], p[hdr+1]&0x80 != 0
	key := [2]uint32{binary.BigEndian.Uint32(p[8:]), binary.BigEndian.Uint32(p[4:])}
	if !endBit || s.seen[key] || ev > 15 {
		return
	}
	s.seen[key] = true
	s.events = append(s.events, dtmfEvent{digit: string("0123456789*#ABCD"[ev]), pt: pt, end: now.Sub(s.first)})
}

func (s *rtpSink) close() []dtmfEvent {
	s.conn.Close()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]dtmfEvent(nil), s.events...)
}
