package sip

import (
	"net/netip"
	"sync"
	"time"
)

// rateLimiter is a token bucket per source IP. It is pure apart from its
// lock: time comes in as an argument.
type rateLimiter struct {
	mu        sync.Mutex
	rate      float64 // tokens per second; <0 disables
	burst     float64
	buckets   map[netip.Addr]*bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// sweepEvery drops idle buckets so a scan from many sources cannot grow memory.
const sweepEvery = time.Minute

func newRateLimiter(rate float64, burst int) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(max(burst, 1)), buckets: make(map[netip.Addr]*bucket)}
}

// allow takes a token for ip at now, reporting whether one was available.
func (r *rateLimiter) allow(ip netip.Addr, now time.Time) bool {
	if r.rate < 0 {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Sub(r.lastSweep) > sweepEvery {
		r.sweep(now)
	}
	b := r.buckets[ip]
	if b == nil {
		b = &bucket{tokens: r.burst, last: now}
		r.buckets[ip] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = min(r.burst, b.tokens+el*r.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (r *rateLimiter) sweep(now time.Time) {
	r.lastSweep = now
	for ip, b := range r.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*r.rate >= r.burst {
			delete(r.buckets, ip)
		}
	}
}
