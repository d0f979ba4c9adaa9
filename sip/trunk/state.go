package trunk

// State is a trunk's (or one address's) health. Its String is a bounded
// metric label and the value the API reports.
type State uint8

// States.
const (
	StateUnknown  State = iota // not probed yet, or failing but not yet DownAfter times
	StateUp                    // answers OPTIONS in time
	StateDegraded              // answers, but 503 or slower than DegradedRTT (or, for a trunk, some addresses down)
	StateDown                  // DownAfter consecutive probes without an answer
)

// States lists every state, in order.
func States() []State { return []State{StateUnknown, StateUp, StateDegraded, StateDown} }

func (s State) String() string {
	switch s {
	case StateUp:
		return "up"
	case StateDegraded:
		return "degraded"
	case StateDown:
		return "down"
	}
	return "unknown"
}

// Answering reports whether the peer answers at all (up or degraded).
func (s State) Answering() bool { return s == StateUp || s == StateDegraded }
