package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/sip"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics is the Prometheus registry and the SIP observer that feeds it.
// Every metric is listed in README.md § Metrics; labels are bounded.
type metrics struct {
	reg          *prometheus.Registry
	callsTotal   *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	callSeconds  prometheus.Histogram
	stepSeconds  *prometheus.HistogramVec
	verification *prometheus.CounterVec
	signals      *prometheus.CounterVec
	storeErrors  *prometheus.CounterVec
}

var (
	_ sip.Observer = (*metrics)(nil)
	_ ivr.Observer = (*metrics)(nil)
)

func newMetrics(a *App) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.callsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "callgate", Subsystem: "sip", Name: "calls_total",
		Help: "Answered calls that ended, by end cause.",
	}, []string{"cause"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "callgate", Subsystem: "sip", Name: "invites_rejected_total",
		Help: "New INVITEs answered with a failure, by status code.",
	}, []string{"code"})
	m.callSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: "callgate", Subsystem: "sip", Name: "call_duration_seconds",
		Help:    "Duration of answered calls.",
		Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600},
	})
	m.stepSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "callgate", Subsystem: "ivr", Name: "step_duration_seconds",
		Help:    "Time spent in each flow node, by node kind.",
		Buckets: []float64{0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60},
	}, []string{"kind"})
	m.verification = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "callgate", Subsystem: "ivr", Name: "verification_attempts_total",
		Help: "Verification attempts by step (identity, pin, rep_code, otp) and result (ok, fail, locked, missing_input, error; otp also unavailable, expired).",
	}, []string{"step", "result"})
	m.signals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "callgate", Subsystem: "ivr", Name: "signals_total",
		Help: "Flags raised on calls: verification_failed, locked_out, suspected_pretexting.",
	}, []string{"flag"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "callgate", Subsystem: "store", Name: "errors_total",
		Help: "Failed Redis operations by operation.",
	}, []string{"op"})
	m.reg.MustRegister(m.callsTotal, m.rejected, m.callSeconds, m.stepSeconds, m.verification, m.signals, m.storeErrors,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "callgate", Subsystem: "sip", Name: "active_calls",
			Help: "Calls admitted and not yet ended.",
		}, func() float64 {
			if a.sip == nil {
				return 0
			}
			return float64(a.sip.ActiveCalls())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "callgate", Subsystem: "media", Name: "sessions",
			Help: "RTP sessions being paced.",
		}, func() float64 { return float64(a.eng.Sessions()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "callgate", Subsystem: "media", Name: "pacer_late_ticks_total",
			Help: "Pacer ticks that woke more than one frame (20 ms) late.",
		}, func() float64 { return float64(a.eng.LateTicks()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

func (m *metrics) InviteRejected(code int, _ error) {
	m.rejected.WithLabelValues(strconv.Itoa(code)).Inc()
}

func (m *metrics) CallStarted(*sip.Call) {}

func (m *metrics) CallEnded(c *sip.Call, cause sip.EndCause) {
	if a := c.AnsweredAt(); !a.IsZero() {
		m.callsTotal.WithLabelValues(cause.String()).Inc()
		m.callSeconds.Observe(time.Since(a).Seconds())
	}
}

// Step implements ivr.Observer.
func (m *metrics) Step(kind flows.Kind, d time.Duration) {
	m.stepSeconds.WithLabelValues(string(kind)).Observe(d.Seconds())
}

// Verification implements ivr.Observer.
func (m *metrics) Verification(step flows.VerifyStep, result string) {
	m.verification.WithLabelValues(string(step), result).Inc()
}

// Signal implements ivr.Observer.
func (m *metrics) Signal(flag string) { m.signals.WithLabelValues(flag).Inc() }

// StoreError implements ivr.Observer.
func (m *metrics) StoreError(op string) { m.storeErrors.WithLabelValues(op).Inc() }

// tagOp is the tags package's metrics hook: it counts failures only.
func (m *metrics) tagOp(op string, err error) {
	if err != nil {
		m.storeErrors.WithLabelValues("tags_" + op).Inc()
	}
}

// routes serves /metrics, /healthz (the process is alive) and /readyz
// (listeners up, store reachable, not draining).
func (a *App) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", a.web.Handler()) // the API and the pages
	a.mountTwilio(mux)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), time.Second)
		defer cancel()
		switch {
		case a.sip.Draining():
			http.Error(w, "draining", http.StatusServiceUnavailable)
		case a.rdb.Ping(ctx).Err() != nil:
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ready\n"))
		}
	})
	return mux
}
