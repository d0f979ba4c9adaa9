// Package sip is callgate's SIP signalling on sipgo: UDP and TCP listeners,
// INVITE/ACK/BYE/CANCEL/OPTIONS/INFO (RFC 3261, RFC 6086), SDP offer/answer
// (RFC 3264) for G.711 and telephone-event (RFC 4733), hold and resume by
// re-INVITE, admission control (WithTrunks: only configured trunks and
// registered agent phones may call; sip/trunk models trunks and watches
// them with OPTIONS), per-source INVITE rate limiting, and outbound legs
// (Dial) for agent phones and test callers.
//
// A Server answers calls and hands each answered call to a Handler; the
// call's RTP session comes from package media. Errors are mapped to SIP
// responses in one place (statusOf in errors.go).
package sip
