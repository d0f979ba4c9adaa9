package trunk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Pinger sends one SIP OPTIONS and returns the final response's status.
// sip.Server implements it.
type Pinger interface {
	Options(ctx context.Context, addr, transport string) (code int, err error)
}

// PingerFunc adapts a function to Pinger.
type PingerFunc func(ctx context.Context, addr, transport string) (int, error)

// Options calls f.
func (f PingerFunc) Options(ctx context.Context, addr, transport string) (int, error) {
	return f(ctx, addr, transport)
}

var _ Pinger = PingerFunc(nil)

// Observer is told about probes and trunk state changes (metrics). Its
// methods are called without locks held and must not block.
type Observer interface {
	// Probed is called after every probe of one of trunk's addresses.
	Probed(trunk string, r Result)
	// Changed is called when a trunk's aggregate state changes.
	Changed(trunk string, from, to State)
}

// MonitorOption configures a Monitor.
type MonitorOption func(*Monitor) error

// WithLogger sets the logger (default: discard); the monitor logs with
// component=trunk.
func WithLogger(l *slog.Logger) MonitorOption {
	return func(m *Monitor) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidTrunk)
		}
		m.log = l
		return nil
	}
}

// WithObserver sets the observer.
func WithObserver(o Observer) MonitorOption {
	return func(m *Monitor) error { m.obs = o; return nil }
}

// WithClock sets the clock that timestamps and times probes (default time.Now).
func WithClock(now func() time.Time) MonitorOption {
	return func(m *Monitor) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidTrunk)
		}
		m.now = now
		return nil
	}
}

// Monitor probes every address of every trunk.
type Monitor struct {
	table  *Table
	pinger Pinger
	obs    Observer
	log    *slog.Logger
	now    func() time.Time

	mu     sync.Mutex
	health [][]Health // [trunk][address]
}

// AddressStatus is one address's health.
type AddressStatus struct {
	Address string
	Health
}

// Status is one trunk's configuration summary and health.
type Status struct {
	Name      string
	Transport string
	MaxCalls  int
	Interval  time.Duration
	// State aggregates the addresses' states (see Aggregate).
	State     State
	Addresses []AddressStatus
}

// NewMonitor returns a monitor for the table's trunks that probes through p.
func NewMonitor(table *Table, p Pinger, opts ...MonitorOption) (*Monitor, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: nil pinger", ErrInvalidTrunk)
	}
	m := &Monitor{table: table, pinger: p, log: slog.New(slog.DiscardHandler), now: time.Now}
	for _, o := range opts {
		if err := o(m); err != nil {
			return nil, err
		}
	}
	m.log = m.log.With("component", "trunk")
	for _, t := range table.Trunks() {
		m.health = append(m.health, make([]Health, len(t.Addresses)))
	}
	return m, nil
}

// Run probes each address at once and then every interval, until ctx is
// done; it returns when every probe has stopped.
func (m *Monitor) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for ti, t := range m.table.Trunks() {
		for ai := range t.Addresses {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m.loop(ctx, ti, ai)
			}()
		}
	}
	wg.Wait()
	return nil
}

func (m *Monitor) loop(ctx context.Context, ti, ai int) {
	interval := m.table.trunks[ti].Probe.Interval
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		m.ProbeOnce(ctx, ti, ai)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ProbeOnce probes address ai of trunk ti once and records the result.
// Run calls it; tests may too.
func (m *Monitor) ProbeOnce(ctx context.Context, ti, ai int) {
	t := &m.table.trunks[ti]
	addr := t.Addresses[ai]
	pctx, cancel := context.WithTimeout(ctx, t.Probe.Timeout)
	start := m.now()
	code, err := m.pinger.Options(pctx, addr, t.Transport)
	cancel()
	end := m.now()
	if ctx.Err() != nil {
		return // shutting down: not the peer's fault
	}
	r := Result{At: end, Code: code, RTT: end.Sub(start)}
	if err != nil || !r.answered() {
		r.Code, r.RTT = 0, 0
	}

	m.mu.Lock()
	before := m.aggregateLocked(ti)
	old := m.health[ti][ai]
	h := old.Next(r, t.Probe)
	m.health[ti][ai] = h
	after := m.aggregateLocked(ti)
	m.mu.Unlock()

	if h.State != old.State {
		level := slog.LevelInfo
		if h.State == StateDown || h.State == StateDegraded {
			level = slog.LevelWarn
		}
		attrs := []any{"trunk", t.Name, "address", addr, "from", old.State.String(), "to", h.State.String(),
			"code", h.LastCode, "failures", h.Failures}
		if r.Code != 0 {
			attrs = append(attrs, "rtt", r.RTT.Round(time.Microsecond))
		}
		if err != nil {
			attrs = append(attrs, "error", err)
		}
		m.log.Log(ctx, level, "trunk address state changed", attrs...)
	} else if err != nil {
		m.log.Debug("OPTIONS probe failed", "trunk", t.Name, "address", addr, "failures", h.Failures, "error", err)
	}
	if m.obs != nil {
		m.obs.Probed(t.Name, r)
		if after != before {
			m.obs.Changed(t.Name, before, after)
		}
	}
}

func (m *Monitor) aggregateLocked(ti int) State {
	states := make([]State, len(m.health[ti]))
	for i, h := range m.health[ti] {
		states[i] = h.State
	}
	return Aggregate(states)
}

// Snapshot returns every trunk's status, in configuration order.
func (m *Monitor) Snapshot() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.health))
	for ti, t := range m.table.Trunks() {
		st := Status{Name: t.Name, Transport: t.Transport, MaxCalls: t.MaxCalls, Interval: t.Probe.Interval, State: m.aggregateLocked(ti)}
		for ai, a := range t.Addresses {
			st.Addresses = append(st.Addresses, AddressStatus{Address: a, Health: m.health[ti][ai]})
		}
		out = append(out, st)
	}
	return out
}
