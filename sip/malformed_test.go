package sip

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inviteMsg(callID string, body []byte) string {
	return fmt.Sprintf(`INVITE sip:ivr@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK-%s
Max-Forwards: 70
From: <sip:test@127.0.0.1>;tag=t-%s
To: <sip:ivr@127.0.0.1>
Call-ID: %s
CSeq: 1 INVITE
Contact: <sip:test@LOCAL>
Content-Type: application/sdp
Content-Length: %d

%s`, callID, callID, callID, len(body), strings.ReplaceAll(string(body), "\r\n", "\n"))
}

func optionsMsg(callID string) string {
	return fmt.Sprintf(`OPTIONS sip:ivr@127.0.0.1 SIP/2.0
Via: SIP/2.0/UDP LOCAL;branch=z9hG4bK-%s
Max-Forwards: 70
From: <sip:test@127.0.0.1>;tag=t-%s
To: <sip:ivr@127.0.0.1>
Call-ID: %s
CSeq: 1 OPTIONS
Content-Length: 0

`, callID, callID, callID)
}

// withoutHeader drops every line of msg that starts with name.
func withoutHeader(msg, name string) string {
	var out []string
	for _, l := range strings.Split(msg, "\n") {
		if !strings.HasPrefix(l, name+":") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestRequestsGetTheRightStatus(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	g722 := offer("m=audio 4000 RTP/AVP 9", "a=rtpmap:9 G722/8000")
	tests := []struct {
		name   string
		msg    string
		status string
		header string
	}{
		{"OPTIONS", optionsMsg("o1"), "200", "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"},
		{"OPTIONS lists accepted bodies", optionsMsg("o2"), "200", "Accept: application/sdp"},
		{"unknown method", strings.ReplaceAll(strings.ReplaceAll(optionsMsg("u1"), "OPTIONS", "FROBNICATE"), "CSeq: 1 FROBNICATE", "CSeq: 1 FROBNICATE"), "405", "Allow: INVITE"},
		{"SUBSCRIBE not allowed", strings.ReplaceAll(optionsMsg("u2"), "OPTIONS", "SUBSCRIBE"), "405", "Allow:"},
		{"no common codec", inviteMsg("c1", g722), "488", "Warning: 305"},
		{"body is not SDP", strings.Replace(inviteMsg("c3", []byte("hello")), "application/sdp", "text/plain", 1), "415", "Accept: application/sdp"},
		{"garbage SDP", inviteMsg("c4", []byte("this is not sdp")), "400", ""},
		{"missing From", withoutHeader(inviteMsg("h1", offer("m=audio 4000 RTP/AVP 0")), "From"), "400", ""},
		{"missing To", withoutHeader(inviteMsg("h2", offer("m=audio 4000 RTP/AVP 0")), "To"), "400", ""},
		{"missing Call-ID", withoutHeader(inviteMsg("h3", offer("m=audio 4000 RTP/AVP 0")), "Call-ID"), "400", ""},
		{"missing CSeq", withoutHeader(inviteMsg("h4", offer("m=audio 4000 RTP/AVP 0")), "CSeq"), "400", ""},
		{"CSeq method mismatch", strings.Replace(inviteMsg("h5", offer("m=audio 4000 RTP/AVP 0")), "CSeq: 1 INVITE", "CSeq: 1 BYE", 1), "400", ""},
		{"unsupported Require", strings.Replace(optionsMsg("r1"), "Max-Forwards: 70", "Max-Forwards: 70\nRequire: 100rel, foo", 1), "420", "Unsupported: 100rel, foo"},
		{"BYE outside a dialog", strings.ReplaceAll(strings.Replace(optionsMsg("b1"), "To: <sip:ivr@127.0.0.1>", "To: <sip:ivr@127.0.0.1>;tag=nope", 1), "OPTIONS", "BYE"), "481", ""},
		{"INFO outside a dialog", strings.ReplaceAll(strings.Replace(optionsMsg("i1"), "To: <sip:ivr@127.0.0.1>", "To: <sip:ivr@127.0.0.1>;tag=nope", 1), "OPTIONS", "INFO"), "481", ""},
		{"CANCEL for nothing", strings.ReplaceAll(optionsMsg("x1"), "OPTIONS", "CANCEL"), "481", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := rawRequest(t, ts.udp, tc.msg, 2*time.Second)
			require.NotEmpty(t, res, "no response")
			assert.True(t, strings.HasPrefix(res, "SIP/2.0 "+tc.status+" "), "want %s, got:\n%s", tc.status, res)
			if tc.header != "" {
				assert.Contains(t, res, tc.header)
			}
		})
	}
	assert.Equal(t, 0, ts.ActiveCalls(), "no rejected request holds a call slot")
	assert.Equal(t, 0, ts.eng.PortsInUse())
}

func TestHostileInputDoesNotStallTheServer(t *testing.T) {
	ts := startServer(t, Config{}, nil)
	conn, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(ts.udp))
	require.NoError(t, err)
	defer conn.Close()
	huge := "OPTIONS sip:ivr@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK-h\r\nX-Big: " + strings.Repeat("a", 60000) + "\r\n\r\n"
	junk := [][]byte{
		{},
		{0, 0, 0, 0},
		[]byte("\r\n\r\n"),
		[]byte("INVITE"),
		[]byte("INVITE sip:x SIP/2.0\r\n\r\n"),
		[]byte("SIP/2.0 200 OK\r\n\r\n"),
		[]byte(strings.Repeat("Via: x\r\n", 2000)),
		[]byte(huge),
		[]byte(strings.Replace(inviteMsg("cl1", offer("m=audio 4000 RTP/AVP 0")), "Content-Length: ", "Content-Length: 9", 1)),
		[]byte(strings.Replace(inviteMsg("cl2", offer("m=audio 4000 RTP/AVP 0")), "Content-Length: ", "Content-Length: -", 1)),
	}
	for i := range 200 {
		_, _ = conn.Write(junk[i%len(junk)])
	}
	// TCP: a half message, then garbage, then close; and one that never finishes.
	for _, payload := range []string{"INVITE sip:ivr@127.0.0.1 SIP/2.0\r\nContent-Length: 100000\r\n\r\nabc", "\x16\x03\x01garbage", "OPTIONS sip:x SIP/2.0\r\n"} {
		tc, err := net.Dial("tcp", ts.tcp.String())
		require.NoError(t, err)
		_, _ = tc.Write([]byte(payload))
		_ = tc.Close()
	}
	stuck, err := net.Dial("tcp", ts.tcp.String())
	require.NoError(t, err)
	defer stuck.Close()
	_, _ = stuck.Write([]byte("OPTIONS sip:ivr@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9\r\n"))

	// The server still answers, and a real call still works.
	res := rawRequest(t, ts.udp, optionsMsg("after-junk"), 2*time.Second)
	assert.True(t, strings.HasPrefix(res, "SIP/2.0 200 "), res)
	caller := newCaller(t)
	c := dialT(t, caller, ts.uri("udp"), DialOptions{})
	require.NoError(t, c.Media().SendDigits("42", 50*time.Millisecond))
	waitDigits(t, ts.rec, c.CallID(), "42")
	hangupT(t, c)
}
