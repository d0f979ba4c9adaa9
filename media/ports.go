package media

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// PortRange is an inclusive UDP port range for RTP. RTP takes even ports and
// RTCP the odd port above (RFC 3550 §11).
type PortRange struct {
	Low, High uint16
}

// ParsePortRange parses "LOW-HIGH", e.g. "10000-20000".
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, ok := strings.Cut(strings.TrimSpace(s), "-")
	if !ok {
		return PortRange{}, fmt.Errorf("%w: %q: want LOW-HIGH", ErrInvalidPortRange, s)
	}
	l, err1 := strconv.ParseUint(lo, 10, 16)
	h, err2 := strconv.ParseUint(hi, 10, 16)
	if err1 != nil || err2 != nil {
		return PortRange{}, fmt.Errorf("%w: %q: ports must be numbers 1-65535", ErrInvalidPortRange, s)
	}
	r := PortRange{Low: uint16(l), High: uint16(h)}
	return r, r.Validate()
}

// Validate checks that the range holds at least one RTP/RTCP pair.
func (r PortRange) Validate() error {
	if r.Low == 0 || r.High < r.Low+1 {
		return fmt.Errorf("%w: %d-%d: need LOW>0 and at least two ports", ErrInvalidPortRange, r.Low, r.High)
	}
	return nil
}

func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.Low, r.High) }

// PortAllocator hands out RTP/RTCP socket pairs from a range, round-robin so
// that a just-released port is not reused at once (late packets of the old
// call would land in the new one). Port 0 ranges ({0,0}) bind ephemeral ports,
// which tests use.
type PortAllocator struct {
	ip    netip.Addr
	r     PortRange
	mu    sync.Mutex
	next  uint16
	inUse map[uint16]bool
}

// NewPortAllocator binds sockets on ip within r. A zero range means "any
// free port" (RTCP is then not on RTP+1).
func NewPortAllocator(ip netip.Addr, r PortRange) (*PortAllocator, error) {
	if r != (PortRange{}) {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	low := r.Low
	if low%2 == 1 {
		low++
	}
	return &PortAllocator{ip: ip, r: r, next: low, inUse: make(map[uint16]bool)}, nil
}

// IP is the address sockets are bound to.
func (a *PortAllocator) IP() netip.Addr { return a.ip }

// InUse is the number of pairs currently allocated.
func (a *PortAllocator) InUse() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.inUse)
}

// Allocate binds an RTP socket and its RTCP companion.
func (a *PortAllocator) Allocate() (rtpConn, rtcpConn *net.UDPConn, err error) {
	if a.r == (PortRange{}) {
		rtpConn, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a.ip, 0)))
		if err != nil {
			return nil, nil, fmt.Errorf("media: bind RTP: %w", err)
		}
		rtcpConn, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a.ip, 0)))
		if err != nil {
			_ = rtpConn.Close()
			return nil, nil, fmt.Errorf("media: bind RTCP: %w", err)
		}
		a.mu.Lock()
		a.inUse[uint16(rtpConn.LocalAddr().(*net.UDPAddr).Port)] = true
		a.mu.Unlock()
		return rtpConn, rtcpConn, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	low := a.r.Low + a.r.Low%2
	pairs := int(a.r.High-low+1) / 2
	for range pairs {
		p := a.next
		a.next += 2
		if a.next+1 > a.r.High || a.next < low {
			a.next = low
		}
		if a.inUse[p] {
			continue
		}
		c1, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a.ip, p)))
		if err != nil {
			continue // taken by someone else
		}
		c2, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(a.ip, p+1)))
		if err != nil {
			_ = c1.Close()
			continue
		}
		a.inUse[p] = true
		return c1, c2, nil
	}
	return nil, nil, fmt.Errorf("%w: %s on %s (%d in use)", ErrNoPorts, a.r, a.ip, len(a.inUse))
}

// Release returns the pair whose RTP port is port. The caller closes the sockets.
func (a *PortAllocator) Release(port uint16) {
	a.mu.Lock()
	delete(a.inUse, port)
	a.mu.Unlock()
}
