//go:build !linux

package media

import (
	"log/slog"
	"time"
)

// Without epoll every session reads its own sockets: a goroutine for RTP
// and one for RTCP (poller_linux.go serves all sessions from a few).

type rtcpReader struct{}

type rtpReader struct{}

// pollReg is a socket's registration with a reader (nothing here).
type pollReg struct{}

func newRTCPReader(*slog.Logger) (*rtcpReader, error) { return &rtcpReader{}, nil }

func newRTPReader(int, *slog.Logger) (*rtpReader, error) { return &rtpReader{}, nil }

func (r *rtcpReader) add(s *Session) {
	s.wg.Add(1)
	go s.rtcpLoop()
}

func (r *rtcpReader) remove(*Session) {}
func (r *rtcpReader) count() int      { return 0 }
func (r *rtcpReader) close()          {}

func (r *rtpReader) add(s *Session) {
	s.wg.Add(1)
	go s.readLoop()
}

func (r *rtpReader) remove(*Session) {}
func (r *rtpReader) count() int      { return 0 }
func (r *rtpReader) close()          {}

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

// readLoop receives RTP until the socket is closed.
func (s *Session) readLoop() {
	defer s.wg.Done()
	sc := new(rxScratch)
	for {
		n, from, err := s.rtp.ReadFromUDPAddrPort(sc.buf[:])
		if err != nil {
			if isClosedErr(err) {
				return
			}
			continue
		}
		s.handleRTP(sc.buf[:n], from, time.Now(), &sc.pcm)
	}
}
