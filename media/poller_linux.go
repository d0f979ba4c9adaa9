//go:build linux

package media

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// poller serves many sessions' sockets of one kind (RTP or RTCP) from one
// goroutine: it asks an epoll instance of its own which of them have a
// datagram and calls ready for those only. A goroutine and a read buffer
// per socket, parked in a read almost all the time, cost a stack, a
// buffer, a scheduler wake-up and a second, failing recvfrom per packet;
// a poller costs one wake-up per batch of ready sockets and one recvfrom
// per datagram.
//
// The poller's goroutine never blocks in a system call: its epoll
// descriptor is itself registered with the Go runtime's network poller
// (an epoll descriptor is readable while it has events), so the goroutine
// parks like any network read and the runtime wakes it, in the same
// epoll_wait it makes for every other socket, when one of the poller's
// sockets has a datagram. It then drains the poller's epoll with
// non-blocking epoll_wait calls until one returns nothing.
//
// The sockets stay *net.UDPConn (the pacer sends on them); reads go
// through syscall.RawConn.Read, which holds the descriptor open while a
// read runs, so a session closing at the same moment can neither lose its
// descriptor under the read nor have the number reused by another socket.
// The epoll registration carries a key, not the descriptor number, and
// the poller looks the key up, so an event for a session that has just
// been removed finds nothing.
//
// The sockets are level-triggered: ready reads at most a few datagrams
// and a socket with more waiting is reported again, so a flood on one
// socket cannot starve the others.
type poller struct {
	what  string   // "rtp" or "rtcp", for logs
	ep    *os.File // the epoll descriptor, registered with the runtime poller
	epfd  int
	log   *slog.Logger
	done  chan struct{}
	ready func(s *Session, raw syscall.RawConn)

	mu     sync.Mutex // level 4 in LOCKS.md; never held across a read
	regs   map[uint32]pollEntry
	next   uint32
	closed bool
}

// pollEntry is what a key stands for.
type pollEntry struct {
	s   *Session
	raw syscall.RawConn
}

// pollReg is a socket's registration with a poller.
type pollReg struct {
	p   *poller
	raw syscall.RawConn
	key uint32 // 0: not registered
}

func newPoller(what string, log *slog.Logger, ready func(*Session, syscall.RawConn)) (*poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("media: %s reader: epoll_create1: %w", what, err)
	}
	// Non-blocking, so that os.NewFile hands it to the runtime poller.
	if err := unix.SetNonblock(epfd, true); err != nil {
		_ = unix.Close(epfd)
		return nil, fmt.Errorf("media: %s reader: %w", what, err)
	}
	ep := os.NewFile(uintptr(epfd), what+"-epoll")
	raw, err := ep.SyscallConn()
	if err != nil {
		_ = ep.Close()
		return nil, fmt.Errorf("media: %s reader: %w", what, err)
	}
	p := &poller{what: what, ep: ep, epfd: epfd, log: log, done: make(chan struct{}), ready: ready, regs: make(map[uint32]pollEntry)}
	go p.run(raw)
	return p, nil
}

func (p *poller) run(raw syscall.RawConn) {
	defer close(p.done)
	var (
		events  [128]unix.EpollEvent
		waitErr error
	)
	err := raw.Read(func(uintptr) bool {
		for {
			n, err := unix.EpollWait(p.epfd, events[:], 0)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				waitErr = err
				return true // stop
			}
			if n == 0 {
				return false // park until the runtime poller sees an event
			}
			for _, ev := range events[:n] {
				p.mu.Lock()
				e := p.regs[uint32(ev.Fd)]
				p.mu.Unlock()
				if e.s != nil {
					p.ready(e.s, e.raw)
				}
			}
			// Let the pacer run between batches: under load the drain
			// may not come up empty for a while, and a due pacer tick
			// must not wait for it (timers run when a P schedules).
			runtime.Gosched()
		}
	})
	if err = errors.Join(err, waitErr); err != nil && !errors.Is(err, os.ErrClosed) {
		p.log.Error(p.what+" reader stopped: no more "+p.what+" is received", "err", err)
	}
}

// add registers c, a socket of s, and returns the registration. On failure
// the session runs without receiving on c (it still sends).
func (p *poller) add(s *Session, c *net.UDPConn) pollReg {
	raw, err := c.SyscallConn()
	if err != nil {
		s.log.Warn(p.what+": not receiving", "err", err)
		return pollReg{}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return pollReg{}
	}
	for p.next++; p.next == 0 || p.regs[p.next].s != nil; p.next++ {
	}
	key := p.next
	var ctlErr error
	err = raw.Control(func(fd uintptr) {
		ctlErr = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(key)})
	})
	if err = errors.Join(err, ctlErr); err != nil {
		s.log.Warn(p.what+": not receiving", "err", err)
		return pollReg{}
	}
	p.regs[key] = pollEntry{s: s, raw: raw}
	return pollReg{p: p, raw: raw, key: key}
}

// remove unregisters reg; call it before closing the socket. A ready call
// the poller has already started may still be running when it returns.
func (reg pollReg) remove() {
	p := reg.p
	if reg.key == 0 || p == nil {
		return
	}
	p.mu.Lock()
	delete(p.regs, reg.key)
	closed := p.closed
	p.mu.Unlock()
	if !closed {
		_ = reg.raw.Control(func(fd uintptr) {
			_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, int(fd), nil)
		})
	}
}

// count is the number of registered sockets.
func (p *poller) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.regs)
}

// close stops the poller and waits for it.
func (p *poller) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	p.mu.Unlock()
	// Closing the file wakes the parked read with ErrClosed (and waits
	// for a drain in progress to return).
	_ = p.ep.Close()
	<-p.done
}

// rtcpReader receives the RTCP of every session of an Engine on one
// poller: RTCP arrives every few seconds per call (RFC 3550 §6.2).
type rtcpReader struct{ p *poller }

// rtcpBatch bounds the RTCP datagrams read from one socket per wake-up.
const rtcpBatch = 8

// maxRTCPPacket is the largest RTCP compound packet read; larger ones are
// truncated, fail to parse and are dropped.
const maxRTCPPacket = 1500

func newRTCPReader(log *slog.Logger) (*rtcpReader, error) {
	// Used only on the poller's goroutine. The read callback is made once:
	// a closure made per ready socket would be an allocation per packet.
	var (
		buf = make([]byte, maxRTCPPacket)
		cur *Session
	)
	read := func(fd uintptr) bool {
		for range rtcpBatch {
			n, err := unix.Read(int(fd), buf)
			if err != nil {
				break
			}
			cur.handleRTCP(buf[:n])
		}
		return true // done: never wait in the runtime poller
	}
	p, err := newPoller("rtcp", log, func(s *Session, raw syscall.RawConn) {
		cur = s
		_ = raw.Read(read)
		cur = nil
	})
	if err != nil {
		return nil, err
	}
	return &rtcpReader{p: p}, nil
}

func (r *rtcpReader) add(s *Session)    { s.rtcpReg = r.p.add(s, s.rtcp) }
func (r *rtcpReader) remove(s *Session) { s.rtcpReg.remove() }
func (r *rtcpReader) count() int        { return r.p.count() }
func (r *rtcpReader) close()            { r.p.close() }

// rtpReader receives the RTP of every session of an Engine on a few
// pollers (as many as pacer shards), sessions spread over them.
type rtpReader struct {
	ps   []*poller
	mu   sync.Mutex
	next int
}

// rtpBatch bounds the RTP datagrams read from one socket per wake-up: a
// socket normally holds one (a packet every 20 ms); a second is read at
// once only when the reader fell behind.
const rtpBatch = 4

func newRTPReader(n int, log *slog.Logger) (*rtpReader, error) {
	r := &rtpReader{}
	for range n {
		// Used only on this poller's goroutine; the read callback is made
		// once (see newRTCPReader).
		var (
			sc  = new(rxScratch)
			rsa unix.RawSockaddrInet6
			cur *Session
		)
		read := func(fd uintptr) bool {
			for range rtpBatch {
				n, from, err := recvFrom(fd, sc.buf[:], &rsa)
				if err != nil {
					break
				}
				if !from.IsValid() {
					continue
				}
				cur.handleRTP(sc.buf[:n], from, time.Now(), &sc.pcm)
			}
			return true
		}
		p, err := newPoller("rtp", log, func(s *Session, raw syscall.RawConn) {
			cur = s
			_ = raw.Read(read)
			cur = nil
		})
		if err != nil {
			r.close()
			return nil, err
		}
		r.ps = append(r.ps, p)
	}
	return r, nil
}

func (r *rtpReader) add(s *Session) {
	r.mu.Lock()
	p := r.ps[r.next%len(r.ps)]
	r.next++
	r.mu.Unlock()
	s.rtpReg = p.add(s, s.rtp)
}

func (r *rtpReader) remove(s *Session) { s.rtpReg.remove() }

func (r *rtpReader) count() int {
	n := 0
	for _, p := range r.ps {
		n += p.count()
	}
	return n
}

func (r *rtpReader) close() {
	for _, p := range r.ps {
		p.close()
	}
}

// recvFrom is recvfrom(2) without the allocation of a unix.Sockaddr per
// datagram: the peer's address is decoded from rsa in place.
func recvFrom(fd uintptr, buf []byte, rsa *unix.RawSockaddrInet6) (int, netip.AddrPort, error) {
	l := uint32(unix.SizeofSockaddrInet6)
	n, _, errno := unix.Syscall6(unix.SYS_RECVFROM, fd, uintptr(unsafe.Pointer(&buf[0])), uintptr(len(buf)), 0,
		uintptr(unsafe.Pointer(rsa)), uintptr(unsafe.Pointer(&l)))
	if errno != 0 {
		return 0, netip.AddrPort{}, errno
	}
	switch rsa.Family {
	case unix.AF_INET:
		sa := (*unix.RawSockaddrInet4)(unsafe.Pointer(rsa))
		return int(n), netip.AddrPortFrom(netip.AddrFrom4(sa.Addr), ntohs(sa.Port)), nil
	case unix.AF_INET6:
		return int(n), netip.AddrPortFrom(netip.AddrFrom16(rsa.Addr).Unmap(), ntohs(rsa.Port)), nil
	}
	return int(n), netip.AddrPort{}, nil
}

// ntohs turns a port as the kernel stores it (network order) into a number.
func ntohs(p uint16) uint16 {
	b := (*[2]byte)(unsafe.Pointer(&p))
	return uint16(b[0])<<8 | uint16(b[1])
}
