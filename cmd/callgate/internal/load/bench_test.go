package load

import (
	"math"
	"testing"
	"time"
)

// BenchmarkOnAudio is the generator's per-frame work on each call's read
// goroutine: inter-arrival into the shared histogram, the loudness test
// and the prompt probe.
func BenchmarkOnAudio(b *testing.B) {
	g := &generator{cfg: Config{AudioFloor: DefaultAudioFloor, GapFrames: DefaultGapFrames},
		interArrival: NewHistogram(10*time.Microsecond, 20_000)}
	c := &callRun{g: g}
	quiet := make([]int16, 160)
	loud := make([]int16, 160)
	for i := range loud {
		loud[i] = int16(4000 * math.Sin(2*math.Pi*float64(i)/16))
	}
	at := time.Now()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		at = at.Add(20 * time.Millisecond)
		if i%50 < 10 {
			c.onAudio(quiet, at)
		} else {
			c.onAudio(loud, at)
		}
		i++
	}
}

// BenchmarkHistogramAdd is the shared inter-arrival histogram under
// contention from every call's read goroutine.
func BenchmarkHistogramAdd(b *testing.B) {
	h := NewHistogram(10*time.Microsecond, 20_000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		d := 20 * time.Millisecond
		for pb.Next() {
			h.Add(d)
			d += 3 * time.Microsecond
			if d > 22*time.Millisecond {
				d = 18 * time.Millisecond
			}
		}
	})
}
