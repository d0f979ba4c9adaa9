package sip

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/callgate/callgate/media"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sdpOf(lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

var head = []string{"v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0"} //nolint:gochecknoglobals // test fixture

func offer(lines ...string) []byte { return sdpOf(append(append([]string{}, head...), lines...)...) }

func TestNegotiateOffer(t *testing.T) {
	tests := []struct {
		name    string
		offer   []byte
		codec   media.Codec
		dtmfPT  uint8
		dir     Direction
		remote  string
		rtcp    string
		wantErr error
	}{
		{
			name:  "PCMU with telephone-event 101",
			offer: offer("m=audio 4000 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=sendrecv"),
			codec: media.PCMU, dtmfPT: 101, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "SIPp play_dtmf offer: telephone-event at 96",
			offer: offer("m=audio 6000 RTP/AVP 0 8 96", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:96 telephone-event/8000"),
			codec: media.PCMU, dtmfPT: 96, dir: SendRecv, remote: "127.0.0.1:6000", rtcp: "127.0.0.1:6001",
		},
		{
			name:  "offerer prefers PCMA",
			offer: offer("m=audio 4000 RTP/AVP 8 0", "a=rtpmap:8 PCMA/8000"),
			codec: media.PCMA, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "static payload types without rtpmap",
			offer: offer("m=audio 4000 RTP/AVP 18 0"),
			codec: media.PCMU, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "dynamic PCMU payload type",
			offer: offer("m=audio 4000 RTP/AVP 112", "a=rtpmap:112 PCMU/8000"),
			codec: media.PCMU, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "telephone-event at 48 kHz only is not used with 8 kHz audio",
			offer: offer("m=audio 4000 RTP/AVP 0 110", "a=rtpmap:110 telephone-event/48000"),
			codec: media.PCMU, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "8 kHz telephone-event preferred over 48 kHz",
			offer: offer("m=audio 4000 RTP/AVP 0 110 101", "a=rtpmap:110 telephone-event/48000", "a=rtpmap:101 telephone-event/8000"),
			codec: media.PCMU, dtmfPT: 101, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "hold with sendonly",
			offer: offer("m=audio 4000 RTP/AVP 0", "a=sendonly"),
			codec: media.PCMU, dir: RecvOnly, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "inactive at session level",
			offer: sdpOf("v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0", "a=inactive", "m=audio 4000 RTP/AVP 0"),
			codec: media.PCMU, dir: Inactive, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:  "RFC 2543 hold: c=0.0.0.0",
			offer: sdpOf("v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 0.0.0.0", "t=0 0", "m=audio 4000 RTP/AVP 0"),
			codec: media.PCMU, dir: RecvOnly,
		},
		{
			name:  "a=rtcp port (RFC 3605)",
			offer: offer("m=audio 4000 RTP/AVP 0", "a=rtcp:4005"),
			codec: media.PCMU, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4005",
		},
		{
			name:  "media-level connection address wins",
			offer: offer("m=audio 4000 RTP/AVP 0", "c=IN IP4 127.0.0.2"),
			codec: media.PCMU, dir: SendRecv, remote: "127.0.0.2:4000", rtcp: "127.0.0.2:4001",
		},
		{
			name:  "IPv6",
			offer: sdpOf("v=0", "o=- 1 1 IN IP6 ::1", "s=-", "c=IN IP6 ::1", "t=0 0", "m=audio 4000 RTP/AVP 0"),
			codec: media.PCMU, dir: SendRecv, remote: "[::1]:4000", rtcp: "[::1]:4001",
		},
		{
			name:  "video declined, audio second",
			offer: offer("m=video 5000 RTP/AVP 96", "a=rtpmap:96 H264/90000", "m=audio 4000 RTP/AVP 8"),
			codec: media.PCMA, dir: SendRecv, remote: "127.0.0.1:4000", rtcp: "127.0.0.1:4001",
		},
		{
			name:    "G.722 only",
			offer:   offer("m=audio 4000 RTP/AVP 9", "a=rtpmap:9 G722/8000"),
			wantErr: ErrNoCommonCodec,
		},
		{
			name:    "SRTP only",
			offer:   offer("m=audio 4000 RTP/SAVP 0"),
			wantErr: ErrNoCommonCodec,
		},
		{
			name:    "no audio",
			offer:   offer("m=video 5000 RTP/AVP 96"),
			wantErr: ErrNoCommonCodec,
		},
		{
			name:    "not SDP",
			offer:   []byte("hello"),
			wantErr: ErrBadSDP,
		},
		{
			name:    "no connection line",
			offer:   sdpOf("v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0"),
			wantErr: ErrBadSDP,
		},
		{
			name:    "hostname in c=",
			offer:   sdpOf("v=0", "o=- 1 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 pbx.example", "t=0 0", "m=audio 4000 RTP/AVP 0"),
			wantErr: ErrBadSDP,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n, err := NegotiateOffer(tc.offer)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.codec, n.Codec)
			assert.Equal(t, tc.dtmfPT, n.DTMFPayloadType)
			assert.Equal(t, tc.dir, n.Direction)
			if tc.remote == "" {
				assert.False(t, n.Remote.IsValid())
			} else {
				assert.Equal(t, netip.MustParseAddrPort(tc.remote), n.Remote)
				assert.Equal(t, netip.MustParseAddrPort(tc.rtcp), n.RemoteRTCP)
			}
		})
	}
}

func TestAnswerMirrorsOffer(t *testing.T) {
	n, err := NegotiateOffer(offer("m=video 5000 RTP/AVP 96", "m=audio 4000 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000", "a=sendonly"))
	require.NoError(t, err)
	ans, err := n.Answer(netip.MustParseAddrPort("127.0.0.1:12000"), 42, 2)
	require.NoError(t, err)
	s := string(ans)
	assert.Contains(t, s, "m=video 0 RTP/AVP 96\r\n", "declined stream keeps its place with port 0")
	assert.Contains(t, s, "m=audio 12000 RTP/AVP 8 101\r\n")
	assert.Contains(t, s, "a=rtpmap:101 telephone-event/8000\r\n")
	assert.Contains(t, s, "a=recvonly\r\n")
	assert.Contains(t, s, "o=callgate 42 2 IN IP4 127.0.0.1\r\n")
	assert.Less(t, strings.Index(s, "m=video"), strings.Index(s, "m=audio"))

	// Our answer must itself parse as a valid description with the same choice.
	back, err := NegotiateOffer(ans)
	require.NoError(t, err)
	assert.Equal(t, media.PCMA, back.Codec)
	assert.Equal(t, uint8(101), back.DTMFPayloadType)
}

func TestOfferRoundTrip(t *testing.T) {
	o, err := Offer(netip.MustParseAddrPort("127.0.0.1:7000"), []media.Codec{media.PCMA, media.PCMU}, 101, 7, 1)
	require.NoError(t, err)
	n, err := NegotiateOffer(o)
	require.NoError(t, err)
	assert.Equal(t, media.PCMA, n.Codec)
	assert.Equal(t, uint8(101), n.DTMFPayloadType)
	assert.Equal(t, netip.MustParseAddrPort("127.0.0.1:7000"), n.Remote)
}

func FuzzNegotiateOffer(f *testing.F) {
	f.Add(offer("m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"))
	f.Add(offer("m=audio 4000 RTP/AVP 8", "a=sendonly", "a=rtcp:4005 IN IP4 127.0.0.9"))
	f.Add(sdpOf("v=0", "o=- 1 1 IN IP6 ::1", "s=-", "c=IN IP6 ::1", "t=0 0", "m=audio 4000 RTP/AVP 0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := NegotiateOffer(data)
		if err != nil {
			return
		}
		ans, err := n.Answer(netip.MustParseAddrPort("127.0.0.1:9000"), 1, 1)
		if err != nil {
			t.Fatalf("an accepted offer must render an answer: %v", err)
		}
		if _, err := NegotiateOffer(ans); err != nil {
			t.Fatalf("our answer does not parse: %v\n%s", err, ans)
		}
	})
}

func BenchmarkNegotiateOffer(b *testing.B) {
	o := offer("m=audio 4000 RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv")
	b.ReportAllocs()
	for b.Loop() {
		n, err := NegotiateOffer(o)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := n.Answer(netip.MustParseAddrPort("127.0.0.1:9000"), 1, 1); err != nil {
			b.Fatal(err)
		}
	}
}
