package sip

import (
	"net/netip"
	"testing"

	"github.com/callgate/callgate/media"
)

// BenchmarkOffer renders the offer of an outbound INVITE.
func BenchmarkOffer(b *testing.B) {
	local := netip.MustParseAddrPort("127.0.0.1:40000")
	codecs := []media.Codec{media.PCMU, media.PCMA}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Offer(local, codecs, 101, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNegotiateAnswer parses the answer in a 200 OK (outbound calls).
func BenchmarkNegotiateAnswer(b *testing.B) {
	ans, err := Offer(netip.MustParseAddrPort("127.0.0.1:30000"), []media.Codec{media.PCMU}, 101, 7, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NegotiateAnswer(ans); err != nil {
			b.Fatal(err)
		}
	}
}
