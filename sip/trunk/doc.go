// Package trunk models SIP trunks — the carriers that send callgate its
// calls — and watches their health with SIP OPTIONS (RFC 3261 §11).
//
// A Trunk says who may send calls (source CIDRs, digest credentials or
// both), how many at once, and where its signalling addresses are. A
// Table matches an INVITE's source against the trunks; package sip uses it
// to admit calls. A Monitor probes every address of every trunk at the
// trunk's interval through a Pinger (sip.Server implements it) and keeps
// each address's Health.
//
// The health rules are a pure state machine, Health.Next, with time passed
// in. They follow what Asterisk's qualify and Kamailio's dispatcher do:
//
//   - any final response (2xx–6xx) shows the peer is alive: up;
//   - 503 Service Unavailable means alive but refusing work (overload,
//     maintenance, draining): degraded;
//   - a response slower than Probe.DegradedRTT: degraded;
//   - no response within Probe.Timeout, or a transport error, is a
//     failure; Probe.DownAfter consecutive failures make the address down
//     (fewer leave its state as it was, with the failures counted);
//   - one answer brings a down address back.
//
// A trunk's state is the aggregate of its addresses' (Aggregate): up when
// every probed address is up, down when every one is down, degraded in
// between; unknown until the first probe completes. Health only informs:
// a down trunk's INVITEs are still admitted.
package trunk
