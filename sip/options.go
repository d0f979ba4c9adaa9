package sip

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// Options sends an OPTIONS request (RFC 3261 §11) to addr, host:port,
// over transport ("udp" or "tcp") and returns the final response's status
// code. ctx bounds the wait (sipgo alone would wait for Timer F, 32 s).
// It implements trunk.Pinger.
func (s *Server) Options(ctx context.Context, addr, transport string) (int, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, fmt.Errorf("sip: OPTIONS %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil || port <= 0 || port > 65535 {
		return 0, fmt.Errorf("sip: OPTIONS %q: bad port", addr)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	transport = strings.ToLower(transport)
	uri := sip.Uri{Scheme: "sip", Host: host, Port: port}
	if transport == "tcp" {
		uri.UriParams = sip.NewParams()
		uri.UriParams.Add("transport", "tcp")
	}
	req := sip.NewRequest(sip.OPTIONS, uri)
	req.SetTransport(transport)
	req.Laddr = s.localAddr(transport)
	if ct := s.contact(transport); ct.Address.Port != 0 {
		from := sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "callgate", Host: ct.Address.Host, Port: ct.Address.Port}, Params: sip.NewParams()}
		from.Params.Add("tag", sip.GenerateTagN(16))
		req.AppendHeader(&from)
		req.AppendHeader(&ct)
	}
	req.AppendHeader(sip.NewHeader("Accept", "application/sdp"))
	req.AppendHeader(sip.NewHeader("User-Agent", s.cfg.UserAgent))
	res, err := s.client.Do(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("sip: OPTIONS %s: %w", addr, err)
	}
	return res.StatusCode, nil
}
