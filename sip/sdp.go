package sip

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/callgate/callgate/media"
	"github.com/pion/sdp/v3"
)

// Direction is an SDP media direction attribute (RFC 3264 §5.1).
type Direction string

// The four directions.
const (
	SendRecv Direction = "sendrecv"
	SendOnly Direction = "sendonly"
	RecvOnly Direction = "recvonly"
	Inactive Direction = "inactive"
)

// reverse is the answer's direction for an offered one (RFC 3264 §6.1).
func (d Direction) reverse() Direction {
	switch d {
	case SendOnly:
		return RecvOnly
	case RecvOnly:
		return SendOnly
	case Inactive:
		return Inactive
	}
	return SendRecv
}

// Sends reports whether the side with this direction sends media.
func (d Direction) Sends() bool { return d == SendRecv || d == SendOnly }

// Negotiated is the outcome of an offer/answer exchange for the audio stream.
type Negotiated struct {
	Codec media.Codec
	// DTMFPayloadType is the peer's telephone-event payload type, 0 if none.
	DTMFPayloadType uint8
	// Remote is the peer's RTP address (c= and m= port); invalid when the
	// peer put a hold address (0.0.0.0) or port 0.
	Remote     netip.AddrPort
	RemoteRTCP netip.AddrPort
	// Direction is ours, as put in the answer: the reverse of the offer's.
	Direction Direction
	// mIndex is the audio m-line's index; rejected lists the offer's m-lines
	// to answer with port 0 (RFC 3264 §6).
	mIndex   int
	offer    *sdp.SessionDescription
	dtmfRate int
}

// NegotiateOffer picks, in the offerer's order of preference, the first
// codec we support (PCMU, PCMA) on the first usable audio stream, plus the
// offer's telephone-event payload type at 8 kHz whatever its number.
// It wraps ErrBadSDP or ErrNoCommonCodec. Pure: no I/O.
func NegotiateOffer(offer []byte) (Negotiated, error) {
	var sd sdp.SessionDescription
	if err := sd.Unmarshal(offer); err != nil {
		return Negotiated{}, fmt.Errorf("%w: %w", ErrBadSDP, err)
	}
	sessDir := directionOf(sd.Attributes)
	seenAudio := false
	for i, md := range sd.MediaDescriptions {
		if md.MediaName.Media != "audio" || md.MediaName.Port.Value == 0 {
			continue
		}
		seenAudio = true
		if !slicesHas(md.MediaName.Protos, "AVP") || slicesHas(md.MediaName.Protos, "SAVP") {
			continue // SRTP and others are not offered by us yet
		}
		n := Negotiated{mIndex: i, offer: &sd}
		found := false
		for _, f := range md.MediaName.Formats {
			pt, err := strconv.ParseUint(f, 10, 7)
			if err != nil {
				continue
			}
			name, rate := rtpmap(md, uint8(pt))
			switch {
			case !found && (pt == 0 || strings.EqualFold(name, "PCMU") && rate == 8000):
				n.Codec, found = media.PCMU, true
			case !found && (pt == 8 || strings.EqualFold(name, "PCMA") && rate == 8000):
				n.Codec, found = media.PCMA, true
			case strings.EqualFold(name, "telephone-event") && (n.DTMFPayloadType == 0 || rate == 8000 && n.dtmfRate != 8000):
				n.DTMFPayloadType, n.dtmfRate = uint8(pt), rate
			}
		}
		if !found {
			continue
		}
		if n.dtmfRate != 0 && n.dtmfRate != 8000 {
			n.DTMFPayloadType = 0 // telephone-event must share the audio clock
		}
		dir := directionOf(md.Attributes)
		if dir == "" {
			dir = sessDir
		}
		if dir == "" {
			dir = SendRecv
		}
		addr, err := connAddr(&sd, md)
		if err != nil {
			return Negotiated{}, err
		}
		if addr.IsUnspecified() && dir == SendRecv {
			dir = SendOnly // RFC 2543 hold: c=0.0.0.0 means "do not send to me"
		}
		n.Direction = dir.reverse()
		if !addr.IsUnspecified() {
			n.Remote = netip.AddrPortFrom(addr, uint16(md.MediaName.Port.Value))
			n.RemoteRTCP = rtcpAddr(md, addr, n.Remote.Port())
		}
		return n, nil
	}
	if !seenAudio {
		return Negotiated{}, fmt.Errorf("%w: no audio stream offered", ErrNoCommonCodec)
	}
	return Negotiated{}, fmt.Errorf("%w: offer has neither PCMU nor PCMA over RTP/AVP", ErrNoCommonCodec)
}

// Answer renders the SDP answer for n with our RTP address local.
// sessID and version go in o= (version must grow on every re-answer).
func (n Negotiated) Answer(local netip.AddrPort, sessID, version uint64) ([]byte, error) {
	sd := baseSession(local.Addr(), sessID, version)
	for i, md := range n.offer.MediaDescriptions {
		if i != n.mIndex {
			sd.MediaDescriptions = append(sd.MediaDescriptions, &sdp.MediaDescription{
				MediaName: sdp.MediaName{Media: md.MediaName.Media, Port: sdp.RangedPort{Value: 0}, Protos: md.MediaName.Protos, Formats: md.MediaName.Formats},
			})
			continue
		}
		sd.MediaDescriptions = append(sd.MediaDescriptions, audioMedia(local.Port(), []media.Codec{n.Codec}, n.DTMFPayloadType, n.Direction))
	}
	return sd.Marshal()
}

// Offer renders an SDP offer for an outbound leg offering codecs in order,
// with telephone-event at dtmfPT (0: none).
func Offer(local netip.AddrPort, codecs []media.Codec, dtmfPT uint8, sessID, version uint64) ([]byte, error) {
	sd := baseSession(local.Addr(), sessID, version)
	sd.MediaDescriptions = append(sd.MediaDescriptions, audioMedia(local.Port(), codecs, dtmfPT, SendRecv))
	return sd.Marshal()
}

// NegotiateAnswer reads the peer's answer to our Offer. The answerer's first
// codec is used (RFC 3264 §6.1).
func NegotiateAnswer(answer []byte) (Negotiated, error) {
	return NegotiateOffer(answer) // Direction comes out as ours: the reverse of the answer's
}

func baseSession(ip netip.Addr, sessID, version uint64) *sdp.SessionDescription {
	nt := "IP4"
	if ip.Is6() && !ip.Is4In6() {
		nt = "IP6"
	}
	addr := ip.Unmap().String()
	return &sdp.SessionDescription{
		Version:     0,
		Origin:      sdp.Origin{Username: "callgate", SessionID: sessID, SessionVersion: version, NetworkType: "IN", AddressType: nt, UnicastAddress: addr},
		SessionName: "callgate",
		ConnectionInformation: &sdp.ConnectionInformation{
			NetworkType: "IN", AddressType: nt, Address: &sdp.Address{Address: addr},
		},
		TimeDescriptions: []sdp.TimeDescription{{Timing: sdp.Timing{}}},
	}
}

func audioMedia(port uint16, codecs []media.Codec, dtmfPT uint8, dir Direction) *sdp.MediaDescription {
	md := &sdp.MediaDescription{
		MediaName: sdp.MediaName{Media: "audio", Port: sdp.RangedPort{Value: int(port)}, Protos: []string{"RTP", "AVP"}},
	}
	for _, c := range codecs {
		md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(c.PayloadType())))
		md.Attributes = append(md.Attributes, sdp.NewAttribute("rtpmap", fmt.Sprintf("%d %s/8000", c.PayloadType(), c)))
	}
	if dtmfPT != 0 {
		md.MediaName.Formats = append(md.MediaName.Formats, strconv.Itoa(int(dtmfPT)))
		md.Attributes = append(md.Attributes,
			sdp.NewAttribute("rtpmap", fmt.Sprintf("%d telephone-event/8000", dtmfPT)),
			sdp.NewAttribute("fmtp", fmt.Sprintf("%d 0-16", dtmfPT)))
	}
	md.Attributes = append(md.Attributes, sdp.NewAttribute("ptime", "20"), sdp.NewPropertyAttribute(string(dir)))
	return md
}

func rtpmap(md *sdp.MediaDescription, pt uint8) (name string, rate int) {
	prefix := strconv.Itoa(int(pt)) + " "
	for _, a := range md.Attributes {
		if a.Key != "rtpmap" || !strings.HasPrefix(a.Value, prefix) {
			continue
		}
		enc := strings.TrimSpace(a.Value[len(prefix):])
		name, rest, _ := strings.Cut(enc, "/")
		rateStr, _, _ := strings.Cut(rest, "/")
		r, _ := strconv.Atoi(rateStr)
		return name, r
	}
	return "", 0
}

func directionOf(attrs []sdp.Attribute) Direction {
	for _, a := range attrs {
		switch Direction(a.Key) {
		case SendRecv, SendOnly, RecvOnly, Inactive:
			return Direction(a.Key)
		}
	}
	return ""
}

func connAddr(sd *sdp.SessionDescription, md *sdp.MediaDescription) (netip.Addr, error) {
	ci := md.ConnectionInformation
	if ci == nil {
		ci = sd.ConnectionInformation
	}
	if ci == nil || ci.Address == nil {
		return netip.Addr{}, fmt.Errorf("%w: no c= line for the audio stream", ErrBadSDP)
	}
	host, _, _ := strings.Cut(ci.Address.Address, "/")
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: c= address %q is not an IP address", ErrBadSDP, host)
	}
	return a.Unmap(), nil
}

// rtcpAddr honours a=rtcp (RFC 3605), else RTP port + 1.
func rtcpAddr(md *sdp.MediaDescription, addr netip.Addr, rtpPort uint16) netip.AddrPort {
	if v, ok := md.Attribute("rtcp"); ok {
		fields := strings.Fields(v)
		if len(fields) > 0 {
			if p, err := strconv.ParseUint(fields[0], 10, 16); err == nil {
				if len(fields) >= 4 {
					if a, err := netip.ParseAddr(fields[3]); err == nil {
						addr = a
					}
				}
				return netip.AddrPortFrom(addr, uint16(p))
			}
		}
	}
	return netip.AddrPortFrom(addr, rtpPort+1)
}

func slicesHas(xs []string, want string) bool {
	for _, x := range xs {
		if x == want {
			return true
		}
	}
	return false
}

func offerWithDirection(local netip.AddrPort, codec media.Codec, dtmfPT uint8, sessID, version uint64, dir Direction) ([]byte, error) {
	sd := baseSession(local.Addr(), sessID, version)
	sd.MediaDescriptions = append(sd.MediaDescriptions, audioMedia(local.Port(), []media.Codec{codec}, dtmfPT, dir))
	return sd.Marshal()
}
