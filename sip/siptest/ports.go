package siptest

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Ports handed out recently by this process are not handed out again for a
// while, so parallel tests do not pick the same "free" port before SIPp has
// bound it.
var (
	reservedMu sync.Mutex
	reserved   = map[int]time.Time{}
)

const reserveFor = 2 * time.Minute

func reserve(ports ...int) bool {
	reservedMu.Lock()
	defer reservedMu.Unlock()
	now := time.Now()
	for p, at := range reserved {
		if now.Sub(at) > reserveFor {
			delete(reserved, p)
		}
	}
	for _, p := range ports {
		if _, ok := reserved[p]; ok {
			return false
		}
	}
	for _, p := range ports {
		reserved[p] = now
	}
	return true
}

func udpFree(port int) bool {
	c, err := net.ListenPacket("udp4", fmt.Sprintf("%s:%d", LoopbackIP, port))
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func tcpFree(port int) bool {
	l, err := net.Listen("tcp4", fmt.Sprintf("%s:%d", LoopbackIP, port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// ephemeralUDP lets the kernel choose a free UDP port on loopback.
func ephemeralUDP() (int, error) {
	c, err := net.ListenPacket("udp4", LoopbackIP+":0")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port, nil
}

// FreeUDPPort returns a UDP port that is currently free on 127.0.0.1.
func FreeUDPPort() (int, error) {
	for i := 0; i < 100; i++ {
		p, err := ephemeralUDP()
		if err != nil {
			return 0, err
		}
		if reserve(p) {
			return p, nil
		}
	}
	return 0, errors.New("no free UDP port found")
}

// FreeSIPPort returns a port free on 127.0.0.1 for both UDP and TCP, so it
// can be used as SIPp's -p with any transport.
func FreeSIPPort() (int, error) {
	for i := 0; i < 100; i++ {
		p, err := ephemeralUDP()
		if err != nil {
			return 0, err
		}
		if tcpFree(p) && reserve(p) {
			return p, nil
		}
	}
	return 0, errors.New("no free UDP+TCP port found")
}

// FreeMediaPort returns an even port p such that UDP p..p+3 are free on
// 127.0.0.1 (SIPp binds p for audio and p+2 for video; p+1/p+3 are the RTCP
// ports by convention).
func FreeMediaPort() (int, error) {
	for i := 0; i < 200; i++ {
		p, err := ephemeralUDP()
		if err != nil {
			return 0, err
		}
		p &^= 1
		if p < 1024 || p+3 > 65535 {
			continue
		}
		if udpFree(p) && udpFree(p+1) && udpFree(p+2) && udpFree(p+3) && reserve(p, p+1, p+2, p+3) {
			return p, nil
		}
	}
	return 0, errors.New("no free even UDP port quadruple found")
}

// portInUse reports whether something has bound port on 127.0.0.1 for the
// given SIPp transport (u1: UDP, t1/tn: TCP).
func portInUse(port int, transport string) bool {
	if transport == "t1" || transport == "tn" {
		return !tcpFree(port)
	}
	return !udpFree(port)
}
