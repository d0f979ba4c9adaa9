package web

import (
	"context"
	"net/http"
	"time"
)

// TrunkSource reports the SIP trunks' health for GET /api/v1/trunks.
// Set it in Config.Trunks; without one the route answers an empty list.
type TrunkSource interface {
	Trunks(ctx context.Context) []Trunk
}

// TrunkSourceFunc adapts a function to TrunkSource.
type TrunkSourceFunc func(ctx context.Context) []Trunk

// Trunks calls f.
func (f TrunkSourceFunc) Trunks(ctx context.Context) []Trunk { return f(ctx) }

var _ TrunkSource = TrunkSourceFunc(nil)

// Trunk is one trunk in GET /api/v1/trunks.
type Trunk struct {
	Name      string `json:"name"`
	Transport string `json:"transport"` // udp or tcp
	// Status aggregates the addresses': unknown, up, degraded or down.
	Status      string `json:"status"`
	ActiveCalls int    `json:"active_calls"`
	// MaxCalls is the trunk's concurrent call limit; 0: none of its own.
	MaxCalls        int            `json:"max_calls"`
	ProbeIntervalMS int64          `json:"probe_interval_ms"`
	Addresses       []TrunkAddress `json:"addresses"`
}

// TrunkAddress is one signalling address of a trunk and its OPTIONS health.
type TrunkAddress struct {
	Address string `json:"address"`
	Status  string `json:"status"`
	// LastCode is the last probe's response status; 0 when none came.
	LastCode int `json:"last_code"`
	// RTTMS is the last answer's round-trip time in milliseconds.
	RTTMS               float64 `json:"rtt_ms"`
	ConsecutiveFailures int     `json:"consecutive_failures"`
	Probes              uint64  `json:"probes"`
	// LastProbe and LastChange are absent until they happen.
	LastProbe  *time.Time `json:"last_probe,omitempty"`
	LastChange *time.Time `json:"last_change,omitempty"`
	// RTTHistoryMS are the recent answers' round-trip times, oldest first.
	RTTHistoryMS []float64 `json:"rtt_history_ms"`
}

// trunksResponse is the body of GET /api/v1/trunks.
type trunksResponse struct {
	Trunks []Trunk `json:"trunks"`
}

// handleTrunks answers the trunks' health (ops and admin). It does not
// refresh the session: a page polling it is not a person at work.
func (s *Server) handleTrunks(w http.ResponseWriter, r *http.Request, _ principal) {
	out := trunksResponse{Trunks: []Trunk{}}
	if s.cfg.Trunks != nil {
		if ts := s.cfg.Trunks.Trunks(r.Context()); ts != nil {
			out.Trunks = ts
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}
