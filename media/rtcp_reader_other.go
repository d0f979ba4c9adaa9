//go:build !linux

package media

import "log/slog"

// rtcpReader without epoll: one goroutine per session reads its RTCP
// socket (rtcp_reader_linux.go serves all sessions from one goroutine).
type rtcpReader struct{}

// rtcpReg is a session's registration with the reader (nothing here).
type rtcpReg struct{}

func newRTCPReader(*slog.Logger) (*rtcpReader, error) { return &rtcpReader{}, nil }

func (r *rtcpReader) add(s *Session) {
	s.wg.Add(1)
	go s.rtcpLoop()
}

func (r *rtcpReader) remove(*Session) {}

func (r *rtcpReader) count() int { return 0 }

func (r *rtcpReader) close() {}

// rtcpLoop receives RTCP until the socket is closed.
func (s *Session) rtcpLoop() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, _, err := s.rtcp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if isClosedErr(err) {
				return
			}
			continue
		}
		s.handleRTCP(buf[:n])
	}
}
