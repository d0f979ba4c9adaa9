//go:build linux

package media

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// rtcpReader receives the RTCP of every session of an Engine on one
// goroutine. RTCP arrives every few seconds per call (RFC 3550 §6.2), so a
// goroutine and a read buffer per session, parked in a read almost all the
// time, cost memory for nothing. The reader waits in epoll_wait on all
// sessions' RTCP sockets at once and reads a socket only when it has a
// datagram; it does no work while no RTCP arrives.
//
// The sockets stay *net.UDPConn (the pacer sends RTCP on them); reads go
// through syscall.RawConn.Read, which holds the descriptor open while a
// read runs, so a session closing at the same moment can neither lose its
// descriptor under the read nor have the number reused by another socket.
// The epoll registration carries a key, not the descriptor number, and the
// reader looks the key up, so an event for a session that has just been
// removed finds nothing.
type rtcpReader struct {
	epfd int
	wake int // eventfd: written by close to stop run
	log  *slog.Logger
	done chan struct{}

	mu       sync.Mutex // level 4 in LOCKS.md; never held across a read
	sessions map[uint32]*Session
	next     uint32
	closed   bool
}

// rtcpReg is a session's registration with the reader.
type rtcpReg struct {
	raw syscall.RawConn
	key uint32 // 0: not registered
}

const (
	// wakeKey marks the eventfd's events; session keys are never 0.
	wakeKey = 0
	// rtcpBatch bounds the datagrams read from one socket per wake-up, so
	// a flood on one socket cannot starve the others (epoll is
	// level-triggered: a socket with more waiting is reported again).
	rtcpBatch = 8
	// maxRTCPPacket is the largest RTCP compound packet read; larger ones
	// are truncated, fail to parse and are dropped.
	maxRTCPPacket = 1500
)

func newRTCPReader(log *slog.Logger) (*rtcpReader, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("media: rtcp reader: epoll_create1: %w", err)
	}
	wake, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("media: rtcp reader: eventfd: %w", err)
	}
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, wake, &unix.EpollEvent{Events: unix.EPOLLIN, Fd: wakeKey}); err != nil {
		_ = unix.Close(wake)
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("media: rtcp reader: epoll_ctl eventfd: %w", err)
	}
	r := &rtcpReader{epfd: epfd, wake: wake, log: log, done: make(chan struct{}), sessions: make(map[uint32]*Session)}
	go r.run()
	return r, nil
}

func (r *rtcpReader) run() {
	defer close(r.done)
	var events [64]unix.EpollEvent
	buf := make([]byte, maxRTCPPacket)
	for {
		n, err := unix.EpollWait(r.epfd, events[:], -1)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			r.log.Error("rtcp reader stopped: no more RTCP is received", "err", err)
			return
		}
		for _, ev := range events[:n] {
			key := uint32(ev.Fd)
			if key == wakeKey {
				return
			}
			r.mu.Lock()
			s := r.sessions[key]
			r.mu.Unlock()
			if s != nil {
				s.readRTCP(buf)
			}
		}
	}
}

// add registers s's RTCP socket. On failure the session runs without
// receiving RTCP (its own reports still go out).
func (r *rtcpReader) add(s *Session) {
	raw, err := s.rtcp.SyscallConn()
	if err != nil {
		s.log.Warn("rtcp: not receiving", "err", err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	for r.next++; r.next == wakeKey || r.sessions[r.next] != nil; r.next++ {
	}
	key := r.next
	var ctlErr error
	err = raw.Control(func(fd uintptr) {
		ctlErr = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_ADD, int(fd), &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(key)})
	})
	if err = errors.Join(err, ctlErr); err != nil {
		s.log.Warn("rtcp: not receiving", "err", err)
		return
	}
	r.sessions[key] = s
	s.rtcpReg = rtcpReg{raw: raw, key: key}
}

// remove unregisters s; call it before closing s.rtcp. A read of s that
// the reader has already started may still finish (it only updates the
// session's RTCP counters).
func (r *rtcpReader) remove(s *Session) {
	reg := s.rtcpReg
	if reg.key == 0 {
		return
	}
	r.mu.Lock()
	delete(r.sessions, reg.key)
	closed := r.closed
	r.mu.Unlock()
	if !closed {
		_ = reg.raw.Control(func(fd uintptr) {
			_ = unix.EpollCtl(r.epfd, unix.EPOLL_CTL_DEL, int(fd), nil)
		})
	}
}

// count is the number of registered sessions.
func (r *rtcpReader) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// close stops the reader and waits for it.
func (r *rtcpReader) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	one := [8]byte{1}
	if _, err := unix.Write(r.wake, one[:]); err == nil {
		<-r.done
	}
	_ = unix.Close(r.wake)
	_ = unix.Close(r.epfd)
}

// readRTCP drains up to rtcpBatch datagrams from s's RTCP socket into buf
// and handles them. It never blocks: the socket is non-blocking and a
// drained socket returns EAGAIN.
func (s *Session) readRTCP(buf []byte) {
	_ = s.rtcpReg.raw.Read(func(fd uintptr) bool {
		for range rtcpBatch {
			n, err := unix.Read(int(fd), buf)
			if err != nil {
				break
			}
			s.handleRTCP(buf[:n])
		}
		return true // done: never wait in the runtime poller
	})
}
