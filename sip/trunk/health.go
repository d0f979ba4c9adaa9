package trunk

import "time"

// Result is one probe's outcome.
type Result struct {
	// At is when the probe completed.
	At time.Time
	// Code is the final response's status; 0 when none came (timeout or
	// transport error).
	Code int
	// RTT is the time from sending the OPTIONS to its final response
	// (meaningless when Code is 0).
	RTT time.Duration
}

// answered reports whether r is a final response from the peer.
func (r Result) answered() bool { return r.Code >= 200 && r.Code <= 699 }

// Health is one address's probe history. The zero value is an address not
// probed yet.
type Health struct {
	// State is the address's current state.
	State State
	// LastCode is the last probe's status (0: no response).
	LastCode int
	// LastRTT is the last answer's round-trip time.
	LastRTT time.Duration
	// Failures counts consecutive probes without an answer.
	Failures int
	// Probes counts every probe.
	Probes uint64
	// LastProbe is when the last probe completed; LastChange when State
	// last changed (zero while unknown).
	LastProbe, LastChange time.Time

	rtt  [HistorySize]time.Duration // ring buffer of answers' RTTs
	rttN int                        // how many are valid
	next int                        // where the next goes
}

// Next returns the health after r under p (defaulted). It is pure: the
// receiver is not modified.
func (h Health) Next(r Result, p Probe) Health {
	p = p.WithDefaults()
	h.Probes++
	h.LastProbe = r.At
	h.LastCode = r.Code
	to := h.State
	if r.answered() {
		h.Failures = 0
		h.LastRTT = r.RTT
		h.rtt[h.next] = r.RTT
		h.next = (h.next + 1) % HistorySize
		h.rttN = min(h.rttN+1, HistorySize)
		to = StateUp
		if r.Code == 503 || r.RTT > p.DegradedRTT {
			to = StateDegraded
		}
	} else {
		h.Failures++
		if h.Failures >= p.DownAfter {
			to = StateDown
		}
	}
	if to != h.State {
		h.State = to
		h.LastChange = r.At
	}
	return h
}

// RTTHistory returns the last HistorySize answers' round-trip times,
// oldest first.
func (h Health) RTTHistory() []time.Duration {
	out := make([]time.Duration, 0, h.rttN)
	start := (h.next - h.rttN + HistorySize) % HistorySize
	for i := range h.rttN {
		out = append(out, h.rtt[(start+i)%HistorySize])
	}
	return out
}

// Aggregate is a trunk's state from its addresses' states: unknown until
// one is known; up when every known address is up; down when every known
// address is down; otherwise degraded.
func Aggregate(states []State) State {
	var known, up, down int
	for _, s := range states {
		switch s {
		case StateUnknown:
			continue
		case StateUp:
			up++
		case StateDown:
			down++
		}
		known++
	}
	switch {
	case known == 0:
		return StateUnknown
	case up == known:
		return StateUp
	case down == known:
		return StateDown
	}
	return StateDegraded
}
