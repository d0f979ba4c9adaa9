package sip

// EndCause says why a call ended. Its String is a bounded metric label.
type EndCause uint8

// End causes.
const (
	CauseUnknown     EndCause = iota
	CauseRemoteBye            // the peer sent BYE
	CauseLocalHangup          // we hung up (flow finished, API)
	CauseRTPTimeout           // no RTP from the peer for RTPTimeout
	CauseMaxDuration          // MaxCallDuration reached
	CauseShutdown             // the server shut down
	CauseNoAck                // our 200 OK was never acknowledged
	CauseCancelled            // CANCEL before answer
	CauseMediaError           // media could not be set up
)

func (c EndCause) String() string {
	switch c {
	case CauseRemoteBye:
		return "remote_bye"
	case CauseLocalHangup:
		return "local_hangup"
	case CauseRTPTimeout:
		return "rtp_timeout"
	case CauseMaxDuration:
		return "max_duration"
	case CauseShutdown:
		return "shutdown"
	case CauseNoAck:
		return "no_ack"
	case CauseCancelled:
		return "cancelled"
	case CauseMediaError:
		return "media_error"
	}
	return "unknown"
}

// EndCauses lists every cause a call can end with (not CauseUnknown).
func EndCauses() []EndCause {
	return []EndCause{CauseRemoteBye, CauseLocalHangup, CauseRTPTimeout, CauseMaxDuration, CauseShutdown, CauseNoAck, CauseCancelled, CauseMediaError}
}
