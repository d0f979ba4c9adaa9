package sip

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRateLimiter(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := netip.MustParseAddr("127.0.0.1")
	b := netip.MustParseAddr("127.0.0.2")

	t.Run("burst then refill", func(t *testing.T) {
		r := newRateLimiter(2, 3)
		for i := range 3 {
			assert.True(t, r.allow(a, t0), "burst %d", i)
		}
		assert.False(t, r.allow(a, t0), "bucket empty")
		assert.True(t, r.allow(b, t0), "other sources have their own bucket")
		assert.False(t, r.allow(a, t0.Add(400*time.Millisecond)), "0.8 token is not a token")
		assert.True(t, r.allow(a, t0.Add(500*time.Millisecond)), "1 token after 0.5 s at 2/s")
	})
	t.Run("disabled", func(t *testing.T) {
		r := newRateLimiter(-1, 1)
		for range 100 {
			assert.True(t, r.allow(a, t0))
		}
	})
	t.Run("idle buckets are swept", func(t *testing.T) {
		r := newRateLimiter(10, 5)
		for i := range 1000 {
			r.allow(netip.AddrFrom4([4]byte{127, 0, byte(i >> 8), byte(i)}), t0)
		}
		assert.Len(t, r.buckets, 1000)
		r.allow(a, t0.Add(2*time.Minute))
		assert.Len(t, r.buckets, 1, "only the bucket just used remains")
	})
}
