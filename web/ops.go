package web

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// OpsSource reports what the system is doing, for GET
// /api/v1/ops/summary. Set it in Config.Ops.
type OpsSource interface {
	OpsSummary(ctx context.Context) OpsSummary
}

// OpsSourceFunc adapts a function to OpsSource.
type OpsSourceFunc func(ctx context.Context) OpsSummary

// OpsSummary calls f.
func (f OpsSourceFunc) OpsSummary(ctx context.Context) OpsSummary { return f(ctx) }

var _ OpsSource = OpsSourceFunc(nil)

// OpsSummary is the body of GET /api/v1/ops/summary: counts only, by
// bounded names (queue names from the flows, agent states, signal
// kinds). It has no field that could carry a member's data, a call's
// tags or an agent's name.
type OpsSummary struct {
	GeneratedAt time.Time `json:"generated_at"`
	// Calls are this node's calls by where they are.
	Calls OpsCalls `json:"calls"`
	// Queues are the flows' route queues, in name order.
	Queues []OpsQueue `json:"queues"`
	// Agents counts the agents who take calls (agents, supervisors) by
	// state, every node: offline, away, available, ringing, on_call, wrap_up.
	Agents map[string]int `json:"agents"`
	// Verification counts the IVR's verification outcomes on this node.
	Verification OpsVerification `json:"verification"`
	// Callbacks is the shared callback list.
	Callbacks OpsCallbacks `json:"callbacks"`
	// Unavailable names the sections the shared store did not answer for
	// (queues, agents, callbacks): their shared figures are zero, not
	// measured. Empty when everything was read.
	Unavailable []string `json:"unavailable"`
}

// OpsCalls are one node's calls. Active counts every admitted call
// (ringing or answered, callgate_sip_active_calls); the flow ones are
// InIVR (running a flow: prompts, verification, menus), Queued (waiting
// for an agent) or Bridged (connected to an agent). Calls not yet in a
// flow, or transferred out, are in Active only.
type OpsCalls struct {
	Active  int `json:"active"`
	InIVR   int `json:"in_ivr"`
	Queued  int `json:"queued"`
	Bridged int `json:"bridged"`
}

// OpsQueue is one queue: what waits in it across every node, and how
// this node's calls left it lately.
type OpsQueue struct {
	Name string `json:"name"`
	// Depth is how many calls wait, every node.
	Depth int64 `json:"depth"`
	// OldestWaitSeconds is how long the call waiting longest has waited,
	// every node; 0 when none waits.
	OldestWaitSeconds float64 `json:"oldest_wait_seconds"`
	// Last5m is how this node's calls left the queue in the last 5 minutes.
	Last5m OpsQueueWindow `json:"last_5m"`
}

// OpsQueueWindow counts the calls that left a queue, by outcome, and the
// mean wait of those an agent answered.
type OpsQueueWindow struct {
	Answered  int `json:"answered"`
	Abandoned int `json:"abandoned"` // the caller hung up while waiting
	TimedOut  int `json:"timed_out"` // no agent within the route's max_wait
	// AvgAnswerSeconds is the mean wait of the answered calls (0: none).
	AvgAnswerSeconds float64 `json:"avg_answer_seconds"`
}

// OpsVerification counts verification outcomes on this node.
type OpsVerification struct {
	// Attempts is every verification attempt (identity, PIN, code, OTP).
	Attempts OpsCounts `json:"attempts"`
	// Failures are attempts with a wrong entry.
	Failures OpsCounts `json:"failures"`
	// FailedCalls are calls that ran out of tries (verification_failed).
	FailedCalls OpsCounts `json:"failed_calls"`
	// Lockouts are calls that met or caused a member lockout (locked_out).
	Lockouts OpsCounts `json:"lockouts"`
	// Pretexting are calls flagged suspected_pretexting.
	Pretexting OpsCounts `json:"suspected_pretexting"`
}

// OpsCounts is a count over the last 5 and 60 minutes (to within 10 s).
type OpsCounts struct {
	Last5m  int `json:"last_5m"`
	Last60m int `json:"last_60m"`
}

// OpsCallbacks is the shared callback list's state.
type OpsCallbacks struct {
	Pending int64 `json:"pending"`
}

// handleOpsSummary answers the ops summary (ops and admin). Like the
// trunks, it does not refresh the session: a page polling it is not a
// person at work.
func (s *Server) handleOpsSummary(w http.ResponseWriter, r *http.Request, _ principal) {
	if s.cfg.Ops == nil {
		s.writeError(w, fmt.Errorf("%w: no ops source", ErrUnavailable))
		return
	}
	sum := s.cfg.Ops.OpsSummary(r.Context())
	if sum.Queues == nil {
		sum.Queues = []OpsQueue{}
	}
	if sum.Agents == nil {
		sum.Agents = map[string]int{}
	}
	if sum.Unavailable == nil {
		sum.Unavailable = []string{}
	}
	s.writeJSON(w, http.StatusOK, sum)
}
