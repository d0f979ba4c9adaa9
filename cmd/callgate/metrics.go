package main

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/ivr"
	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/sip"
	"github.com/callgate/callgate/sip/trunk"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const namespace = "callgate"

// metrics is the Prometheus registry and the observers that feed it (sip,
// ivr, dispatch, trunk). Every metric is listed in README.md § Metrics
// (TestMetricsLintAndREADME checks both ways); labels take bounded values
// only: end causes, reject reasons, node kinds, verification steps and
// results, flags, store operations, queue and trunk names from the
// configuration, agent states, directions. Series whose labels are known
// at start are created at zero, so dashboards and rate() see them.
type metrics struct {
	reg          *prometheus.Registry
	callsTotal   *prometheus.CounterVec
	rejected     *prometheus.CounterVec
	callSeconds  prometheus.Histogram
	setupSeconds prometheus.Histogram
	stepSeconds  *prometheus.HistogramVec
	verification *prometheus.CounterVec
	signals      *prometheus.CounterVec
	storeErrors  *prometheus.CounterVec
	rtpPackets   *prometheus.CounterVec
	rtpLost      prometheus.Counter
	rtpJitter    prometheus.Histogram
	queueDepth   *prometheus.GaugeVec
	queueWait    *prometheus.HistogramVec
	trunkRTT     *prometheus.HistogramVec
	trunkChanges *prometheus.CounterVec
	trunkFailed  *prometheus.CounterVec
	ops          *opsStats // the ops summary's counts, fed by the same observers
}

var (
	_ sip.Observer      = (*metrics)(nil)
	_ ivr.Observer      = (*metrics)(nil)
	_ dispatch.Observer = (*metrics)(nil)
	_ trunk.Observer    = (*metrics)(nil)
)

// storeOps are the store operations whose failures are counted: the IVR's
// (ivr/runner.go, ivr/verify.go, ivr/input.go), the tag writer's
// (tags_<op>), the agent-state scrape, and the flow and policy catalogs'
// (flows_<op>, policy_<op>).
func storeOps() []string {
	return []string{"begin", "set", "end", "evidence", "verify", "guard",
		"tags_begin", "tags_set", "tags_add_flag", "tags_end", "tags_get", "agents", "ops", "flows_live", "flows_load", "policy_live", "policy_load"}
}

// rejectCodes are the status codes each pre-created reject reason is sent with.
func rejectCodes() map[string]int {
	return map[string]int{
		sip.ReasonUnknownSource: 403, sip.ReasonAuthChallenge: 407, sip.ReasonAuthFailed: 403,
		sip.ReasonTrunkBusy: 503, sip.ReasonOverCapacity: 503, sip.ReasonRateLimited: 503, sip.ReasonDraining: 503,
	}
}

func newMetrics(a *App) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), ops: a.ops}
	if m.ops == nil {
		m.ops = newOpsStats(time.Now)
	}
	m.callsTotal = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "sip", Name: "calls_total",
		Help: "Answered calls that ended, by end cause.",
	}, []string{"cause"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "sip", Name: "invites_rejected_total",
		Help: "New INVITEs answered with a failure, by status code and reason (unknown_source, auth_challenge, trunk_busy, ...).",
	}, []string{"code", "reason"})
	m.callSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "sip", Name: "call_duration_seconds",
		Help:    "Duration of answered calls.",
		Buckets: []float64{1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600},
	})
	m.setupSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "sip", Name: "call_setup_seconds",
		Help:    "Inbound call setup: INVITE received to 200 OK sent (including sip.answer_delay).",
		Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
	})
	m.stepSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "ivr", Name: "step_duration_seconds",
		Help:    "Time spent in each flow node, by node kind.",
		Buckets: []float64{0.01, 0.1, 0.5, 1, 2, 5, 10, 20, 30, 60},
	}, []string{"kind"})
	m.verification = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "ivr", Name: "verification_attempts_total",
		Help: "Verification attempts by step (identity, pin, rep_code, otp) and result (ok, fail, locked, missing_input, error; otp also unavailable, expired).",
	}, []string{"step", "result"})
	m.signals = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "ivr", Name: "signals_total",
		Help: "Flags raised on calls: verification_failed, locked_out (lockouts), suspected_pretexting.",
	}, []string{"flag"})
	m.storeErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "store", Name: "errors_total",
		Help: "Failed Redis operations by operation.",
	}, []string{"op"})
	m.rtpPackets = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "media", Name: "rtp_packets_total",
		Help: "RTP packets of ended calls (every leg), by direction (rx, tx), added at call end.",
	}, []string{"direction"})
	m.rtpLost = prometheus.NewCounter(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "media", Name: "rtp_lost_packets_total",
		Help: "RTP packets lost on receive (RFC 3550 A.3) over ended calls, added at call end.",
	})
	m.rtpJitter = prometheus.NewHistogram(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "media", Name: "rtp_jitter_seconds",
		Help:    "Receive interarrival jitter (RFC 3550 A.8) of each ended call leg, at its end.",
		Buckets: []float64{0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25},
	})
	m.queueDepth = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Namespace: namespace, Subsystem: "routing", Name: "queue_depth",
		Help: "Calls waiting for an agent on this node, by queue.",
	}, []string{"queue"})
	m.queueWait = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "routing", Name: "queue_wait_seconds",
		Help:    "Time calls waited for an agent, by queue and outcome (answered, timeout, abandoned, cancelled).",
		Buckets: []float64{1, 5, 10, 20, 30, 60, 120, 300, 600},
	}, []string{"queue", "outcome"})
	m.trunkRTT = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: "trunk", Name: "options_rtt_seconds",
		Help:    "Round-trip time of answered OPTIONS probes, by trunk.",
		Buckets: []float64{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
	}, []string{"trunk"})
	m.trunkChanges = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "trunk", Name: "state_changes_total",
		Help: "Trunk state changes, by trunk and the state entered (up, degraded, down, unknown).",
	}, []string{"trunk", "state"})
	m.trunkFailed = prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: namespace, Subsystem: "trunk", Name: "options_failures_total",
		Help: "OPTIONS probes that got no answer (timeout or transport error), by trunk.",
	}, []string{"trunk"})

	m.reg.MustRegister(m.callsTotal, m.rejected, m.callSeconds, m.setupSeconds, m.stepSeconds, m.verification, m.signals,
		m.storeErrors, m.rtpPackets, m.rtpLost, m.rtpJitter, m.queueDepth, m.queueWait, m.trunkRTT, m.trunkChanges, m.trunkFailed,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "sip", Name: "active_calls",
			Help: "Calls admitted and not yet ended.",
		}, func() float64 {
			if a.sip == nil {
				return 0
			}
			return float64(a.sip.ActiveCalls())
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: "media", Name: "sessions",
			Help: "RTP sessions being paced.",
		}, func() float64 {
			if a.eng == nil {
				return 0
			}
			return float64(a.eng.Sessions())
		}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "media", Name: "pacer_late_ticks_total",
			Help: "Pacer ticks that woke more than one frame (20 ms) late.",
		}, func() float64 {
			if a.eng == nil {
				return 0
			}
			return float64(a.eng.LateTicks())
		}),
		&trunkCollector{a: a},
		&agentCollector{a: a, m: m},
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.zero(a)
	return m
}

// zero creates every series whose labels are known at start.
func (m *metrics) zero(a *App) {
	for _, c := range sip.EndCauses() {
		m.callsTotal.WithLabelValues(c.String())
	}
	for reason, code := range rejectCodes() {
		m.rejected.WithLabelValues(strconv.Itoa(code), reason)
	}
	for _, k := range []flows.Kind{flows.KindPlay, flows.KindMenu, flows.KindCollect, flows.KindVerify, flows.KindConsent,
		flows.KindSet, flows.KindBranch, flows.KindRoute, flows.KindTransfer, flows.KindHangup} {
		m.stepSeconds.WithLabelValues(string(k))
	}
	for _, step := range []flows.VerifyStep{flows.StepIdentity, flows.StepPIN, flows.StepRepCode} {
		for _, result := range []string{"ok", "fail", "locked", "missing_input", "error"} { // ivr/verify.go
			m.verification.WithLabelValues(string(step), result)
		}
	}
	for _, f := range []string{ivr.FlagVerificationFailed, ivr.FlagLockedOut, ivr.FlagSuspectedPretexting} {
		m.signals.WithLabelValues(f)
	}
	for _, op := range storeOps() {
		m.storeErrors.WithLabelValues(op)
	}
	m.rtpPackets.WithLabelValues("rx")
	m.rtpPackets.WithLabelValues("tx")
	for _, q := range a.queues() {
		m.queueDepth.WithLabelValues(q)
		for _, o := range dispatch.Outcomes() {
			m.queueWait.WithLabelValues(q, o)
		}
	}
	for _, t := range a.trunks.Trunks() {
		m.trunkRTT.WithLabelValues(t.Name)
		m.trunkFailed.WithLabelValues(t.Name)
		for _, s := range trunk.States() {
			m.trunkChanges.WithLabelValues(t.Name, s.String())
		}
	}
}

// queues are the queue names of the route nodes of the flows live at
// startup (queues of flows published later get their series when used).
func (a *App) queues() []string {
	var out []string
	for _, f := range a.liveFlows {
		for _, n := range f.Nodes {
			if n.Kind == flows.KindRoute && n.Queue != "" && !slices.Contains(out, n.Queue) {
				out = append(out, n.Queue)
			}
		}
	}
	slices.Sort(out)
	return out
}

// InviteRejected implements sip.Observer.
func (m *metrics) InviteRejected(code int, err error) {
	m.rejected.WithLabelValues(strconv.Itoa(code), sip.RejectReason(err)).Inc()
}

// CallStarted implements sip.Observer.
func (m *metrics) CallStarted(c *sip.Call) {
	if d := c.SetupTime(); d > 0 {
		m.setupSeconds.Observe(d.Seconds())
	}
}

// CallEnded implements sip.Observer.
func (m *metrics) CallEnded(c *sip.Call, cause sip.EndCause) {
	if a := c.AnsweredAt(); !a.IsZero() {
		m.callsTotal.WithLabelValues(cause.String()).Inc()
		m.callSeconds.Observe(time.Since(a).Seconds())
	}
	if c.Media() == nil {
		return
	}
	st := c.Media().Stats()
	m.rtpPackets.WithLabelValues("rx").Add(float64(st.RxPackets))
	m.rtpPackets.WithLabelValues("tx").Add(float64(st.TxPackets))
	m.rtpLost.Add(float64(st.RxLost))
	if st.RxPackets > 0 {
		m.rtpJitter.Observe(st.RxJitter.Seconds())
	}
}

// Step implements ivr.Observer.
func (m *metrics) Step(kind flows.Kind, d time.Duration) {
	m.stepSeconds.WithLabelValues(string(kind)).Observe(d.Seconds())
}

// Verification implements ivr.Observer.
func (m *metrics) Verification(step flows.VerifyStep, result string) {
	m.verification.WithLabelValues(string(step), result).Inc()
	m.ops.verification(result)
}

// Signal implements ivr.Observer.
func (m *metrics) Signal(flag string) {
	m.signals.WithLabelValues(flag).Inc()
	m.ops.signal(flag)
}

// StoreError implements ivr.Observer.
func (m *metrics) StoreError(op string) { m.storeErrors.WithLabelValues(op).Inc() }

// tagOp is the tags package's metrics hook: it counts failures only.
func (m *metrics) tagOp(op string, err error) {
	if err != nil {
		m.storeErrors.WithLabelValues("tags_" + op).Inc()
	}
}

// Queued implements dispatch.Observer.
func (m *metrics) Queued(queue string) {
	m.queueDepth.WithLabelValues(queue).Inc()
	m.ops.enqueued()
}

// Dequeued implements dispatch.Observer.
func (m *metrics) Dequeued(queue, outcome string, waited time.Duration) {
	m.queueDepth.WithLabelValues(queue).Dec()
	m.queueWait.WithLabelValues(queue, outcome).Observe(waited.Seconds())
	m.ops.dequeued(queue, outcome, waited)
}

// Probed implements trunk.Observer.
func (m *metrics) Probed(name string, r trunk.Result) {
	if r.Code == 0 {
		m.trunkFailed.WithLabelValues(name).Inc()
		return
	}
	m.trunkRTT.WithLabelValues(name).Observe(r.RTT.Seconds())
}

// Changed implements trunk.Observer.
func (m *metrics) Changed(name string, _, to trunk.State) {
	m.trunkChanges.WithLabelValues(name, to.String()).Inc()
}

// trunkCollector reports each trunk's state and calls at scrape time.
type trunkCollector struct{ a *App }

var ( //nolint:gochecknoglobals // metric descriptors, read-only
	trunkUpDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "trunk", "up"),
		"1 when the trunk answers OPTIONS (up or degraded), 0 when it is down or not probed yet.", []string{"trunk"}, nil)
	trunkDegradedDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "trunk", "degraded"),
		"1 when the trunk is degraded (503, slow answers, or some addresses down).", []string{"trunk"}, nil)
	trunkCallsDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "trunk", "active_calls"),
		"Admitted calls that came through the trunk.", []string{"trunk"}, nil)
	agentsDesc = prometheus.NewDesc(prometheus.BuildFQName(namespace, "routing", "agents"),
		"Call-taking agents by state (offline, away, available, on_call), read from the shared store at scrape time.", []string{"state"}, nil)
)

func (c *trunkCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- trunkUpDesc
	ch <- trunkDegradedDesc
	ch <- trunkCallsDesc
}

func (c *trunkCollector) Collect(ch chan<- prometheus.Metric) {
	if c.a.monitor == nil {
		return
	}
	var calls map[string]int
	if c.a.sip != nil {
		calls = c.a.sip.TrunkCalls()
	}
	for _, st := range c.a.monitor.Snapshot() {
		ch <- prometheus.MustNewConstMetric(trunkUpDesc, prometheus.GaugeValue, b2f(st.State.Answering()), st.Name)
		ch <- prometheus.MustNewConstMetric(trunkDegradedDesc, prometheus.GaugeValue, b2f(st.State == trunk.StateDegraded), st.Name)
		ch <- prometheus.MustNewConstMetric(trunkCallsDesc, prometheus.GaugeValue, float64(calls[st.Name]), st.Name)
	}
}

// agentCollector counts agents by state from the roster at scrape time.
type agentCollector struct {
	a *App
	m *metrics
}

func (c *agentCollector) Describe(ch chan<- *prometheus.Desc) { ch <- agentsDesc }

func (c *agentCollector) Collect(ch chan<- prometheus.Metric) {
	if c.a.roster == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	states, err := c.a.roster.States(ctx)
	if err != nil {
		c.m.storeErrors.WithLabelValues("agents").Inc()
		return
	}
	for _, s := range dispatch.AgentStates() {
		ch <- prometheus.MustNewConstMetric(agentsDesc, prometheus.GaugeValue, float64(states[s]), s)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// routes serves /metrics, /healthz (the process is alive) and /readyz
// (SIP listeners up, store reachable, not draining).
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
		case !a.sip.Addr("udp").IsValid() || !a.sip.Addr("tcp").IsValid():
			http.Error(w, "sip listeners not up", http.StatusServiceUnavailable)
		case a.rdb.Ping(ctx).Err() != nil:
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
		default:
			_, _ = w.Write([]byte("ready\n"))
		}
	})
	return mux
}
