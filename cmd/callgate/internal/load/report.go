package load

import (
	"math"
	"time"
)

// Report is the outcome of a run. Durations are in milliseconds unless the
// field name says otherwise.
type Report struct {
	Target      string    `json:"target"`
	Calls       int       `json:"calls"`
	Concurrency int       `json:"concurrency"`
	Rate        float64   `json:"rate"`
	DurationMs  float64   `json:"duration_ms"`
	HoldMs      float64   `json:"hold_ms"`
	Script      string    `json:"script"`
	ToneMs      float64   `json:"tone_ms"`
	Started     time.Time `json:"started"`
	ElapsedS    float64   `json:"elapsed_s"`

	// Attempted calls sent an INVITE; Answered got a 200 OK; Completed ran
	// their whole script and length and hung up cleanly. Failed =
	// Attempted - Completed, by reason: sip_<status>, timeout, transport,
	// local_ports, early_<cause> (ended before its time), dtmf, bye_<reason>,
	// aborted (cut by --timeout or a signal), other.
	Attempted       int               `json:"attempted"`
	Answered        int               `json:"answered"`
	Completed       int               `json:"completed"`
	Failed          int               `json:"failed"`
	FailedBy        map[string]int    `json:"failed_by"`
	FailureExamples map[string]string `json:"failure_examples,omitempty"`
	PeakActive      int               `json:"peak_active"`

	// Setup is INVITE to 200 OK (Dial's return: 200 received, ACK sent).
	Setup Percentiles `json:"setup"`
	// PostDialDelay is INVITE to the first 18x, or to the 200 OK when no
	// 18x came.
	PostDialDelay Percentiles `json:"post_dial_delay"`
	// LastDigitToPrompt is, per DTMF step, from the moment the step's last
	// key went out (its first RFC 4733 packet: a receiver reports the
	// digit from that packet on) to the first received frame at or above
	// the audio floor after at least GapFrames quiet frames: the next
	// prompt's first sound.
	LastDigitToPrompt Percentiles `json:"last_digit_to_prompt"`
	// LastDigitEndToPrompt is the same measured from the end of the last
	// key's tone (LastDigitToPrompt - tone); negative when the prompt
	// starts while the key is still held.
	LastDigitEndToPrompt Percentiles `json:"last_digit_end_to_prompt"`
	// PromptsMissing counts steps with no prompt onset within PromptWait
	// (or before the call ended); AnchorsLate counts steps whose send time
	// is uncertain by a frame (the generator was descheduled) and were left
	// out.
	PromptsMissing int `json:"prompts_missing"`
	AnchorsLate    int `json:"anchors_late"`

	RTP RTPReport `json:"rtp"`
	// InterArrival is the interval between consecutive audio packets of
	// each call, over all calls (10 µs buckets), as the generator's read
	// goroutines see them.
	InterArrival Percentiles `json:"inter_arrival"`
	// InterArrivalOutside2ms is the share of intervals outside 20 ± 2 ms.
	InterArrivalOutside2ms float64 `json:"inter_arrival_outside_2ms"`
	// GeneratorTicker is a plain 20 ms time.Ticker in the generator during
	// the run: the floor of what any Go pacer on this machine, under this
	// load, achieves.
	GeneratorTicker Percentiles `json:"generator_ticker"`

	Server    *ServerReport   `json:"server,omitempty"`
	Generator GeneratorReport `json:"generator"`
	// UDP is the /proc/net/snmp Udp counters' change over the run.
	UDP UDPCounters `json:"udp_delta"`
	// Notes explain gaps in the report (e.g. a steady window too short).
	Notes []string `json:"notes,omitempty"`
}

// RTPReport is RTP reception per call, from each call's media Stats().
type RTPReport struct {
	Calls            int     `json:"calls"`
	RxPackets        uint64  `json:"rx_packets"`
	RxPacketsPerCall float64 `json:"rx_packets_per_call"`
	TxPacketsPerCall float64 `json:"tx_packets_per_call"`
	Lost             uint64  `json:"lost"`
	LossRate         float64 `json:"loss_rate"`
	CallsWithLoss    int     `json:"calls_with_loss"`
	// Jitter is the RFC 3550 interarrival jitter at each call's end.
	Jitter Percentiles `json:"jitter"`
}

// ServerReport is the server process's cost, from /proc/PID over the
// steady window: the samples where the generator had at least 90% of its
// peak number of calls up.
type ServerReport struct {
	PID            int     `json:"pid"`
	WindowS        float64 `json:"window_s"`
	WindowFromS    float64 `json:"window_from_s"`
	MeanConcurrent float64 `json:"mean_concurrent"`
	CallSeconds    float64 `json:"call_seconds"`
	CPUSeconds     float64 `json:"cpu_seconds"`
	// CPUPercent is of one core.
	CPUPercent float64 `json:"cpu_percent"`
	// CPUPerCallSecondUs = CPU seconds / (concurrent calls × window seconds), in µs.
	CPUPerCallSecondUs float64 `json:"cpu_us_per_call_second"`
	RSSBeforeKiB       uint64  `json:"rss_before_kib"`
	RSSSteadyKiB       uint64  `json:"rss_steady_kib"`
	RSSPeakKiB         uint64  `json:"rss_peak_kib"`
	// RSSPerCallKiB = (RSS at the window's end - RSS before) / mean concurrent.
	RSSPerCallKiB float64 `json:"rss_per_call_kib"`
	// HeapPerCallKiB = (Go heap in use at the window's end - before) / mean
	// concurrent, from /metrics: less sensitive than RSS to memory the
	// runtime has freed but not yet returned to the kernel.
	HeapPerCallKiB float64 `json:"heap_per_call_kib,omitempty"`
	// StackPerCallKiB and GoroutinesPerCall come from the same scrape.
	StackPerCallKiB   float64        `json:"stack_per_call_kib,omitempty"`
	GoroutinesPerCall float64        `json:"goroutines_per_call,omitempty"`
	MetricsSteady     *ServerMetrics `json:"metrics_steady,omitempty"`
	// RunCPUSeconds is the server's CPU over the whole run; per call it
	// includes setup, DTMF, verification and teardown.
	RunCPUSeconds    float64        `json:"run_cpu_seconds"`
	RunCPUPerCallMs  float64        `json:"run_cpu_ms_per_call"`
	ThreadsBefore    int            `json:"threads_before"`
	ThreadsAfter     int            `json:"threads_after"`
	FDsBefore        int            `json:"fds_before"`
	FDsAfter         int            `json:"fds_after"`
	RSSAfterKiB      uint64         `json:"rss_after_kib"`
	MetricsBefore    *ServerMetrics `json:"metrics_before,omitempty"`
	MetricsAfter     *ServerMetrics `json:"metrics_after,omitempty"`
	SteadyWindowNote string         `json:"steady_window_note,omitempty"`
	// Host CPU over the same window, 100 = one core: everything busy, the
	// generator's share, and what is left for other processes (anything
	// else running skews the figures above); Steal is time the hypervisor
	// took.
	HostCPUPercent      float64 `json:"host_cpu_percent"`
	GeneratorCPUPercent float64 `json:"generator_cpu_percent"`
	OtherCPUPercent     float64 `json:"other_cpu_percent"`
	StealPercent        float64 `json:"steal_percent"`
}

// GeneratorReport is the generator's own cost, for judging whether it,
// rather than the server, was the bottleneck.
type GeneratorReport struct {
	CPUSeconds float64 `json:"cpu_seconds"`
	CPUPercent float64 `json:"cpu_percent"`
	PeakRSSKiB uint64  `json:"peak_rss_kib"`
	Goroutines int     `json:"peak_goroutines"`
}

// runSample is one sampler reading.
type runSample struct {
	at      time.Time
	active  int
	server  procSample
	ok      bool           // server was read
	metrics *ServerMetrics // scraped about once a second, when configured
	host    hostCPU
	self    uint64 // the generator's utime+stime
}

// steadyWindow finds the samples where active ≥ 90% of the peak and
// returns the first and last such index with the call-seconds between
// them (trapezoid over the samples).
func steadyWindow(s []runSample) (i0, i1 int, callSeconds float64, ok bool) {
	peak := 0
	for _, x := range s {
		peak = max(peak, x.active)
	}
	if peak == 0 {
		return 0, 0, 0, false
	}
	thr := int(math.Ceil(0.9 * float64(peak)))
	i0, i1 = -1, -1
	for i, x := range s {
		if x.active >= thr {
			if i0 < 0 {
				i0 = i
			}
			i1 = i
		}
	}
	if i1 <= i0 {
		return i0, i1, 0, false
	}
	for k := i0; k < i1; k++ {
		dt := s[k+1].at.Sub(s[k].at).Seconds()
		callSeconds += float64(s[k].active+s[k+1].active) / 2 * dt
	}
	return i0, i1, callSeconds, true
}
