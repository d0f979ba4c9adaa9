package media

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestRxStats(t *testing.T) {
	type pkt struct {
		seq     uint16
		ts      uint32
		arrival int64
	}
	tests := []struct {
		name     string
		pkts     []pkt
		received uint32
		lost     uint32
		jitter   uint32
	}{
		{"perfect stream", []pkt{{1, 0, 1000}, {2, 160, 1160}, {3, 320, 1320}}, 3, 0, 0},
		{"one lost", []pkt{{1, 0, 1000}, {2, 160, 1160}, {4, 480, 1480}}, 3, 1, 0},
		{"duplicate ignored", []pkt{{1, 0, 1000}, {1, 0, 1000}, {2, 160, 1160}}, 2, 0, 0},
		{"wraparound", []pkt{{65534, 0, 0}, {65535, 160, 160}, {0, 320, 320}, {1, 480, 480}}, 4, 0, 0},
		{"reordered counts once", []pkt{{1, 0, 0}, {3, 320, 320}, {2, 160, 160}}, 3, 0, 0},
		{"constant 16-unit jitter converges", func() []pkt {
			var p []pkt
			for i := range 400 {
				d := int64(0)
				if i%2 == 1 {
					d = 16
				}
				p = append(p, pkt{uint16(i), uint32(i * 160), int64(i*160) + d})
			}
			return p
		}(), 400, 0, 15},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s RxStats
			for _, p := range tc.pkts {
				s.Update(p.seq, p.ts, p.arrival)
			}
			assert.Equal(t, tc.received, s.Received())
			assert.Equal(t, tc.lost, s.Lost())
			assert.InDelta(t, tc.jitter, s.Jitter(), 1)
		})
	}
	t.Run("fraction lost per interval", func(t *testing.T) {
		var s RxStats
		for i := range 100 {
			if i%4 == 3 {
				continue
			}
			s.Update(uint16(i), uint32(i*160), int64(i*160))
		}
		assert.Equal(t, uint8(24*256/99), s.FractionLost(), "24 of 99 expected lost")
		assert.Equal(t, uint8(0), s.FractionLost(), "no new packets expected since")
	})
}

func BenchmarkTick(b *testing.B) {
	e, _ := NewEngine(EngineConfig{IP: loopback})
	defer e.Close()
	s, _ := e.NewSession(Config{Codec: PCMU})
	defer s.Close()
	s.SetRemote(s.LocalAddr(), s.LocalRTCPAddr()) // to itself: nobody reads, the kernel drops
	b.ReportAllocs()
	for b.Loop() {
		s.buildFrame()
	}
}

func TestRxStatsWithTelephoneEvents(t *testing.T) {
	var s RxStats
	// Audio 1-3, events 4-8 (timestamp frozen at the event start), audio 9-10.
	for i := uint16(1); i <= 3; i++ {
		s.Update(i, uint32(i)*160, int64(i)*160)
	}
	for i := uint16(4); i <= 8; i++ {
		s.UpdateSeq(i)
	}
	for i := uint16(9); i <= 10; i++ {
		s.Update(i, uint32(i)*160, int64(i)*160)
	}
	assert.Equal(t, uint32(0), s.Lost(), "event packets are not lost audio")
	assert.Equal(t, uint32(0), s.Jitter(), "event timestamps do not count as jitter")
}

// BenchmarkTickSend is one session's per-frame pacer work including the
// socket write (to a bound loopback socket nobody reads; the kernel drops).
func BenchmarkTickSend(b *testing.B) {
	e, _ := NewEngine(EngineConfig{IP: loopback})
	defer e.Close()
	s, _ := e.NewSession(Config{Codec: PCMU})
	defer s.Close()
	sink, _ := e.NewSession(Config{Codec: PCMU})
	defer sink.Close()
	s.SetRemote(sink.LocalAddr(), sink.LocalRTCPAddr())
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(frame)
		s.tick(now)
	}
}
