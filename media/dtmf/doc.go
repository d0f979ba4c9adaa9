// Package dtmf detects and produces DTMF key presses for the IVR.
//
// A call can deliver digits three ways, and this package handles each:
//
//   - RFC 4733 telephone-events in RTP: [ParseEvent] decodes one payload and a
//     [Receiver] turns the packet stream of one RTP stream into exactly one
//     digit per event, tolerating loss, redundant end packets and late
//     retransmissions.
//   - SIP INFO (application/dtmf-relay and application/dtmf): [ParseInfo].
//   - In-band tones in the audio: a [Detector] runs a sliding Goertzel/DFT
//     analysis over 8 kHz 16-bit linear PCM with ITU-T Q.24 acceptance limits
//     and talk-off protection; [AppendTone] synthesises the tones.
//
// Digits are secure input (PINs, card numbers): no error produced by this
// package contains a digit value or a message body.
//
// Nothing in the package is safe for concurrent use by several goroutines;
// each RTP stream owns its own Receiver and Detector.
package dtmf
