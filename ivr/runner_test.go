package ivr

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/ivr/prompts"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/routing/guard"
	"github.com/callgate/callgate/routing/members"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/callgate/callgate/routing/tags"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptedCall is a fake call: prompts take no time (1 ms), barge-in works
// on queued digits, and the digits a test pushes are the caller's keys.
type scriptedCall struct {
	id     string
	caller string
	digits *media.DigitQueue
	log    *slog.Logger
	mu     sync.Mutex
	played []string
	audio  []*prompt.Prompt
}

func (c *scriptedCall) CallID() string               { return c.id }
func (c *scriptedCall) CallerUser() string           { return c.caller }
func (c *scriptedCall) Logger() *slog.Logger         { return c.log }
func (c *scriptedCall) Digits() *media.DigitQueue    { return c.digits }
func (c *scriptedCall) Hangup(context.Context) error { return nil }

func (c *scriptedCall) Play(ctx context.Context, p *prompt.Prompt, opts media.PlayOptions) error {
	c.mu.Lock()
	c.played = append(c.played, p.Name)
	c.audio = append(c.audio, p)
	c.mu.Unlock()
	if opts.BargeIn && c.digits.Len() > 0 {
		return media.ErrPromptStopped
	}
	select {
	case <-time.After(time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *scriptedCall) keys(s string) {
	for i := range len(s) {
		c.digits.Push(dtmf.Digit{Key: s[i], Source: dtmf.SourceRFC4733})
	}
}

func (c *scriptedCall) heard() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.played...)
}

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

type env struct {
	runner *Runner
	mini   *miniredis.Miniredis
	logs   *syncBuffer
}

var testKey, _ = base64.StdEncoding.DecodeString("Y2FsbGdhdGUtZGVtby1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZSEh") //nolint:gochecknoglobals // test fixture

// newEnv wires a Runner to the demo flows (timeouts shortened), the demo
// members, and tags and guard on an in-process miniredis.
func newEnv(t *testing.T) *env {
	t.Helper()
	sets, err := prompts.Load()
	require.NoError(t, err)
	reg := staticFlows{}
	for _, src := range demo.Sources() {
		f, err := flows.Load(src, flows.ValidateOptions{})
		require.NoError(t, err)
		for _, n := range f.Nodes {
			if n.Timeout > 0 {
				n.Timeout = flows.Duration(150 * time.Millisecond)
			}
			if n.InterDigitTimeout > 0 {
				n.InterDigitTimeout = flows.Duration(100 * time.Millisecond)
			}
		}
		f.Version = 1
		reg[f.ID] = f // shortened timeouts are below what publishing allows
	}
	dir, err := members.LoadDemo(testKey)
	require.NoError(t, err)
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	logs := &syncBuffer{}
	return &env{
		mini: m, logs: logs,
		runner: &Runner{
			Flows: reg, Prompts: sets,
			Members:   testDirectory{dir},
			Tags:      testTags{tags.New(rdb)},
			Guard:     guard.New(rdb, testKey, guard.Config{MaxFailures: 5, PretextDistinct: 3}),
			MemberRef: func(id []byte) string { return members.SubjectOf(testKey, id) },
		},
	}
}

func (e *env) call(id string) *scriptedCall {
	return &scriptedCall{
		id: id, caller: "15551230000", digits: media.NewDigitQueue(),
		log: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})).With("call_id", id),
	}
}

// run runs the flow until the call is queued (or the flow ends), then hangs up.
func (e *env) run(t *testing.T, c *scriptedCall, flowID string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(ctx, c, flowID) }()
	key := "callgate:call:" + c.id
	deadline := time.After(10 * time.Second)
	for {
		select {
		case err := <-done:
			cancel()
			require.NoError(t, err)
			return hgetall(e.mini, key)
		case <-deadline:
			cancel()
			t.Fatalf("flow did not reach a queue; tags %v, heard %v", hgetall(e.mini, key), c.heard())
		case <-time.After(5 * time.Millisecond):
		}
		if e.mini.Exists(key) && e.mini.HGet(key, "state") == "queued" {
			cancel() // the caller hangs up in the queue
			require.NoError(t, <-done)
			return hgetall(e.mini, key)
		}
	}
}

func TestMemberServices(t *testing.T) {
	tests := []struct {
		name  string
		keys  string
		want  map[string]string
		flags string
	}{
		{
			name: "verified patient",
			keys: "1" + "1" + "10001234#" + "04121980" + "4321#" + "1",
			want: map[string]string{"verification_level": "full", "caller_role": "self", "recording_consent": "granted", "purpose": "scheduling", "queue": "scheduling", "restrictions": ""},
		},
		{
			name:  "wrong PIN three times",
			keys:  "1" + "1" + "10001234#" + "04121980" + "0000#" + "1111#" + "2222#" + "2",
			want:  map[string]string{"verification_level": "partial", "caller_role": "self", "purpose": "billing", "queue": "billing"},
			flags: "verification_failed",
		},
		{
			name: "representative with the right code",
			keys: "2" + "2" + "10001234#" + "04121980" + "7788#" + "1",
			want: map[string]string{"verification_level": "full", "caller_role": "representative", "recording_consent": "declined", "purpose": "scheduling"},
		},
		{
			name:  "wrong member ID three times",
			keys:  "1" + "1" + "99999999#04121980" + "88888888#04121980" + "77777777#04121980" + "3",
			want:  map[string]string{"verification_level": "none", "caller_role": "self", "subject": "", "purpose": "pharmacy"},
			flags: "suspected_pretexting,verification_failed",
		},
		{
			name: "member with restrictions",
			keys: "1" + "1" + "10005678#" + "07221955" + "8642#" + "4",
			want: map[string]string{"verification_level": "full", "restrictions": "contact-mobile-only,no-family-disclosure", "purpose": "nurse", "queue": "nurse"},
		},
		{
			name:  "wrong date of birth is no different from a wrong member ID",
			keys:  "1" + "1" + "10001234#01011990" + "10001234#01011991" + "10001234#01011992" + "1",
			want:  map[string]string{"verification_level": "none", "subject": ""},
			flags: "verification_failed",
		},
		{
			name: "typing ahead through every prompt",
			keys: "1110001234#041219804321#1",
			want: map[string]string{"verification_level": "full", "purpose": "scheduling"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.call("call-" + strings.ReplaceAll(tc.name, " ", "-"))
			c.keys(tc.keys)
			got := e.run(t, c, "member-services")
			for k, v := range tc.want {
				assert.Equal(t, v, got[k], "tag %s", k)
			}
			assert.Equal(t, tc.flags, got["flags"])
			assert.Equal(t, "member-services", got["flow"])
			assert.Equal(t, "1", got["flow_version"])
			if got["verification_level"] != "none" {
				assert.Regexp(t, `^m_[a-z2-7]+$`, got["subject"], "an opaque subject, never the member ID")
			}
			assertNoPHI(t, e.logs.String())
			assertNoPHI(t, strings.Join(mapValues(got), " "))
		})
	}
}

func TestConsentAnswers(t *testing.T) {
	for _, tc := range []struct{ keys, want string }{
		{"1", "granted"}, {"2", "declined"}, {"", "unanswered"}, {"9", "unanswered"}, {"92", "declined"},
	} {
		t.Run(tc.want+"/"+tc.keys, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.call("consent-" + tc.keys)
			c.keys(tc.keys)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- e.runner.Run(ctx, c, "member-services") }()
			key := "callgate:call:" + c.id
			require.Eventually(t, func() bool { return contains(c.heard(), "role") }, 5*time.Second, 5*time.Millisecond, "reached the role menu")
			cancel()
			require.NoError(t, <-done)
			assert.Equal(t, tc.want, e.mini.HGet(key, "recording_consent"))
			assert.Equal(t, "abandoned.role", e.mini.HGet(key, "state"), "the caller hung up at the role menu")
		})
	}
}

func TestHangupMidFlowLeavesState(t *testing.T) {
	e := newEnv(t)
	c := e.call("hangup-mid")
	c.keys("11" + "10001234#")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(ctx, c, "member-services") }()
	require.Eventually(t, func() bool { return contains(c.heard(), "enter_dob") }, 5*time.Second, 2*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	key := "callgate:call:" + c.id
	assert.Equal(t, "abandoned.self_dob", e.mini.HGet(key, "state"))
	assert.Equal(t, "none", e.mini.HGet(key, "verification_level"))
	assert.Positive(t, e.mini.TTL(key), "kept for the after-hang-up TTL")
}

func TestLockoutAfterRepeatedFailures(t *testing.T) {
	e := newEnv(t)
	// Two calls with three wrong PINs each: the fifth failure locks Maria;
	// a third call with the right details is then refused three times,
	// flagged locked_out, and hears exactly what a wrong entry gets.
	for i, keys := range []string{"1110001234#041219800000#0000#0000#1", "1110001234#041219800000#0000#0000#1"} {
		c := e.call("lock-" + string(rune('a'+i)))
		c.keys(keys)
		e.run(t, c, "member-services")
	}
	c := e.call("lock-c")
	c.keys("11" + "10001234#04121980" + "10001234#04121980" + "10001234#04121980" + "1")
	got := e.run(t, c, "member-services")
	assert.Equal(t, "none", got["verification_level"], "a locked member cannot be verified by phone")
	assert.Contains(t, got["flags"], "locked_out")
	assert.Contains(t, got["flags"], "verification_failed")
}

func TestStoreDownFailsSafe(t *testing.T) {
	e := newEnv(t)
	e.mini.SetError("LOADING Redis is loading the dataset in memory")
	c := e.call("store-down")
	c.keys("1110001234#041219804321#1")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(ctx, c, "member-services") }()
	require.Eventually(t, func() bool { return contains(c.heard(), "connecting") }, 10*time.Second, 5*time.Millisecond,
		"the call goes on to a queue while the store is down")
	e.mini.SetError("")
	time.Sleep(50 * time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	got := hgetall(e.mini, "callgate:call:"+c.id)
	assert.Equal(t, "abandoned.route_scheduling", got["state"], "the hash is complete once the store is back")
	assert.Equal(t, "full", got["verification_level"])
	assert.Contains(t, e.logs.String(), "store unavailable")
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
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

// testTags and testDirectory adapt the routing packages as cmd does.
type testTags struct{ t *tags.Tags }

func (s testTags) Begin(ctx context.Context, callID string, initial map[string]string) (Tagger, error) {
	m := map[tags.Field]string{}
	for k, v := range initial {
		m[tags.Field(k)] = v
	}
	w, err := s.t.Begin(ctx, callID, m)
	if w == nil {
		return nil, err
	}
	return testWriter{w}, err
}

type testWriter struct{ w *tags.Writer }

func (w testWriter) Set(ctx context.Context, kv map[string]string) error {
	m := map[tags.Field]string{}
	for k, v := range kv {
		m[tags.Field(k)] = v
	}
	return w.w.Set(ctx, m)
}
func (w testWriter) End(ctx context.Context, s string, kv map[string]string) error {
	m := map[tags.Field]string{}
	for k, v := range kv {
		m[tags.Field(k)] = v
	}
	return w.w.EndWith(ctx, s, m)
}

type testDirectory struct{ d members.Directory }

func (d testDirectory) Identify(ctx context.Context, id, dob []byte) (string, bool, error) {
	return d.d.Identify(ctx, id, dob)
}
func (d testDirectory) CheckPIN(ctx context.Context, s string, pin []byte) (bool, error) {
	return d.d.CheckPIN(ctx, s, pin)
}
func (d testDirectory) CheckRepCode(ctx context.Context, s string, code []byte) (Representative, bool, error) {
	r, ok, err := d.d.CheckRepCode(ctx, s, code)
	if r == nil || !ok {
		return Representative{}, false, err
	}
	return Representative{ID: r.ID, Scope: r.Scope}, true, nil
}
func (d testDirectory) Restrictions(ctx context.Context, s string) ([]string, error) {
	return d.d.Restrictions(ctx, s)
}

func hgetall(m *miniredis.Miniredis, key string) map[string]string {
	out := map[string]string{}
	if !m.Exists(key) {
		return out
	}
	fields, _ := m.HKeys(key)
	for _, f := range fields {
		out[f] = m.HGet(key, f)
	}
	return out
}

// staticFlows is a FlowSource of flows used as they are.
type staticFlows map[string]*flows.Flow

func (s staticFlows) Live(_ context.Context, id string) (*flows.Flow, error) {
	if f, ok := s[id]; ok {
		return f, nil
	}
	return nil, fmt.Errorf("flow %q: %w", id, flows.ErrUnknownFlow)
}

func TestPharmacyRefillHoursAndLanguage(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	sets, err := prompts.Load()
	require.NoError(t, err)
	esWelcome, _ := sets["es"].Get("welcome")
	enWelcome, _ := sets["en"].Get("welcome")

	t.Run("open, in Spanish", func(t *testing.T) {
		e := newEnv(t)
		e.runner.Now = func() time.Time { return time.Date(2026, 12, 2, 10, 0, 0, 0, ny) } // a Wednesday
		c := e.call("rx-es")
		c.keys("2" + "1" + "10001234#04121980" + "12345678#")
		got := e.run(t, c, "pharmacy-refill")
		assert.Equal(t, "partial", got["verification_level"])
		assert.Equal(t, "pharmacy", got["purpose"])
		assert.Equal(t, "pharmacy", got["queue"])
		c.mu.Lock()
		defer c.mu.Unlock()
		assert.Contains(t, c.audio, esWelcome, "the Spanish welcome after choosing 2")
		assert.NotContains(t, c.audio, enWelcome)
		assert.Contains(t, c.played, "refill_confirm", "prompts missing in Spanish fall back to English")
	})
	for _, closed := range []time.Time{
		time.Date(2026, 12, 25, 10, 0, 0, 0, ny), // holiday
		time.Date(2026, 12, 6, 10, 0, 0, 0, ny),  // Sunday
		time.Date(2026, 12, 2, 20, 0, 0, 0, ny),  // closing time
	} {
		t.Run("closed "+closed.Format("Mon Jan 2 15:04"), func(t *testing.T) {
			e := newEnv(t)
			e.runner.Now = func() time.Time { return closed }
			c := e.call("rx-closed")
			c.keys("1")
			got := e.run(t, c, "pharmacy-refill")
			assert.Equal(t, []string{"language", "after_hours", "goodbye"}, c.heard())
			assert.Equal(t, "ended.goodbye", got["state"])
		})
	}
}

func TestCallKeepsItsFlowVersion(t *testing.T) {
	e := newEnv(t)
	ctx0 := context.Background()
	cat, err := flows.NewCatalog(flows.CatalogConfig{Store: flows.NewMemStore()})
	require.NoError(t, err)
	src := demo.Sources()["member-services"]
	_, err = cat.Seed(ctx0, src, "ada", "v1", time.Now())
	require.NoError(t, err)
	e.runner.Flows = cat

	// Call A starts on version 1 and waits at the consent notice.
	a := e.call("version-a")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.runner.Run(ctx, a, "member-services") }()
	require.Eventually(t, func() bool { return contains(a.heard(), "consent") }, 5*time.Second, 2*time.Millisecond)

	// Version 2 is published: the welcome notice is dropped.
	_, err = cat.SaveDraft(ctx0, "member-services", []byte(strings.Replace(string(src), "prompts: [welcome, consent]", "prompts: [consent]", 1)), "ada", time.Now())
	require.NoError(t, err)
	v, err := cat.Publish(ctx0, flows.PublishRequest{ID: "member-services", Author: "ada", Comment: "shorter notice", Now: time.Now()})
	require.NoError(t, err)
	require.Equal(t, 2, v.Version)

	// A new call gets version 2 at once; call A finishes on version 1.
	b := e.call("version-b")
	b.keys("1")
	bctx, bcancel := context.WithCancel(context.Background())
	bdone := make(chan error, 1)
	go func() { bdone <- e.runner.Run(bctx, b, "member-services") }()
	require.Eventually(t, func() bool { return contains(b.heard(), "role") }, 5*time.Second, 2*time.Millisecond)
	bcancel()
	require.NoError(t, <-bdone)
	assert.Equal(t, []string{"consent", "role"}, b.heard()[:2])
	assert.Equal(t, "2", e.mini.HGet("callgate:call:version-b", "flow_version"))

	a.keys("1")
	require.Eventually(t, func() bool { return contains(a.heard(), "role") }, 5*time.Second, 2*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, []string{"welcome", "consent", "role"}, a.heard()[:3])
	assert.Equal(t, "1", e.mini.HGet("callgate:call:version-a", "flow_version"))
}

// TestTagRoundTrips counts the store round trips of a verified call that
// reaches a queue and hangs up there: Begin, the flush when routed, End.
func TestTagRoundTrips(t *testing.T) {
	e := newEnv(t)
	rdb := redis.NewClient(&redis.Options{Addr: e.mini.Addr()})
	defer rdb.Close()
	rt := &storetest.RoundTrips{}
	rdb.AddHook(rt)
	e.runner.Tags = testTags{tags.New(rdb)}
	c := e.call("round-trips")
	c.keys(verifiedKeys)
	got := e.run(t, c, "member-services")
	require.Equal(t, "full", got["verification_level"])
	assert.Len(t, rt.Take(), 3, "tagging a verified, routed call costs three round trips")
}

const verifiedKeys = "11" + "10001234#" + "04121980" + "4321#" + "1"
