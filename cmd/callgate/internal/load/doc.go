// Package load is the load generator behind `callgate load`: it places
// many SIP calls at once against a callgate (or any SIP IVR) on loopback,
// sends a DTMF script on each, listens to what comes back and reports
// call setup times, post-dial delay, the latency from the last digit of a
// step to the next prompt, RTP reception per call and, when given the
// server's PID, the server's CPU and memory per call.
//
// One media.Engine (a single sharded pacer sends every call's RTP) and one
// sip.Server carry every call, so a single generator process holds
// thousands of calls on two cores. Each call has one goroutine, which runs
// its script; the received audio is analysed on the session's own read
// goroutine, frame by frame, without allocating.
//
// Only loopback targets are accepted: this is a benchmark tool, not a
// traffic generator for other people's networks.
package load
