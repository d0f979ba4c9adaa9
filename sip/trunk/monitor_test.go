package trunk

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptPinger answers each address from a script of codes (0: error).
type scriptPinger struct {
	mu     sync.Mutex
	script map[string][]int
	calls  map[string]int
}

func (p *scriptPinger) Options(_ context.Context, addr, transport string) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if transport != UDP {
		return 0, errors.New("unexpected transport")
	}
	s := p.script[addr]
	i := p.calls[addr]
	p.calls[addr]++
	if i >= len(s) {
		i = len(s) - 1
	}
	if s[i] == 0 {
		return 0, errors.New("timeout")
	}
	return s[i], nil
}

type change struct {
	trunk    string
	from, to State
}

type obsRecorder struct {
	mu      sync.Mutex
	probes  map[string]int
	changes []change
}

func (o *obsRecorder) Probed(trunk string, _ Result) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.probes[trunk]++
}

func (o *obsRecorder) Changed(trunk string, from, to State) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.changes = append(o.changes, change{trunk, from, to})
}

// stepClock advances by step each time it is read.
type stepClock struct {
	mu   sync.Mutex
	now  time.Time
	step time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(c.step)
	return c.now
}

func TestMonitorProbeOnce(t *testing.T) {
	tab, err := NewTable([]Trunk{{
		Name: "carrier", Addresses: []string{"a:5060", "b:5060"}, Allow: prefixes("192.0.2.0/24"),
		Probe: Probe{DownAfter: 2, DegradedRTT: 50 * time.Millisecond},
	}})
	require.NoError(t, err)
	p := &scriptPinger{script: map[string][]int{"a:5060": {200, 200, 200}, "b:5060": {200, 0, 0}}, calls: map[string]int{}}
	obs := &obsRecorder{probes: map[string]int{}}
	clock := &stepClock{now: t0, step: 10 * time.Millisecond}
	m, err := NewMonitor(tab, p, WithObserver(obs), WithClock(clock.Now))
	require.NoError(t, err)

	assert.Equal(t, StateUnknown, m.Snapshot()[0].State)
	for range 3 {
		m.ProbeOnce(context.Background(), 0, 0)
		m.ProbeOnce(context.Background(), 0, 1)
	}
	st := m.Snapshot()
	require.Len(t, st, 1)
	assert.Equal(t, "carrier", st[0].Name)
	assert.Equal(t, StateDegraded, st[0].State, "one address down of two")
	assert.Equal(t, StateUp, st[0].Addresses[0].State)
	assert.Equal(t, 10*time.Millisecond, st[0].Addresses[0].LastRTT, "RTT from the injected clock")
	assert.Len(t, st[0].Addresses[0].RTTHistory(), 3)
	assert.Equal(t, StateDown, st[0].Addresses[1].State)
	assert.Equal(t, 2, st[0].Addresses[1].Failures)
	assert.Equal(t, 0, st[0].Addresses[1].LastCode)

	assert.Equal(t, 6, obs.probes["carrier"])
	assert.Equal(t, []change{{"carrier", StateUnknown, StateUp}, {"carrier", StateUp, StateDegraded}}, obs.changes)
}

func TestMonitorRunStopsWithContext(t *testing.T) {
	tab, err := NewTable([]Trunk{
		{Name: "a", Addresses: []string{"a:5060"}, Allow: prefixes("192.0.2.0/24"), Probe: Probe{Interval: 20 * time.Millisecond}},
		{Name: "b", Addresses: []string{"b:5060"}, Allow: prefixes("192.0.2.0/24"), Probe: Probe{Interval: 20 * time.Millisecond}},
	})
	require.NoError(t, err)
	p := &scriptPinger{script: map[string][]int{"a:5060": {200}, "b:5060": {0}}, calls: map[string]int{}}
	m, err := NewMonitor(tab, p)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	require.Eventually(t, func() bool {
		st := m.Snapshot()
		return st[0].State == StateUp && st[1].State == StateDown
	}, 5*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	p.mu.Lock()
	n := p.calls["a:5060"]
	p.mu.Unlock()
	time.Sleep(60 * time.Millisecond)
	p.mu.Lock()
	defer p.mu.Unlock()
	assert.Equal(t, n, p.calls["a:5060"], "no probe after Run returned")
}

func TestMonitorTimesOutEachProbe(t *testing.T) {
	tab, err := NewTable([]Trunk{{Name: "slow", Addresses: []string{"a:5060"}, Allow: prefixes("192.0.2.0/24"),
		Probe: Probe{Interval: time.Second, Timeout: 30 * time.Millisecond, DownAfter: 1}}})
	require.NoError(t, err)
	hang := PingerFunc(func(ctx context.Context, _, _ string) (int, error) {
		<-ctx.Done()
		return 0, ctx.Err()
	})
	m, err := NewMonitor(tab, hang)
	require.NoError(t, err)
	start := time.Now()
	m.ProbeOnce(context.Background(), 0, 0)
	assert.Less(t, time.Since(start), time.Second, "the probe's own timeout ended it")
	assert.Equal(t, StateDown, m.Snapshot()[0].State)
}

func TestNewMonitorRejects(t *testing.T) {
	tab, err := NewTable(nil)
	require.NoError(t, err)
	_, err = NewMonitor(tab, nil)
	require.ErrorIs(t, err, ErrInvalidTrunk)
	_, err = NewMonitor(tab, PingerFunc(nil), WithLogger(nil))
	require.ErrorIs(t, err, ErrInvalidTrunk)
	_, err = NewMonitor(tab, PingerFunc(nil), WithClock(nil))
	require.ErrorIs(t, err, ErrInvalidTrunk)
}
