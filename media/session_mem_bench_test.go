package media

import (
	"net/netip"
	"runtime"
	"testing"
	"time"
)

// BenchmarkSessionMemory reports what a started session keeps alive while
// it receives nothing: live heap and goroutine stacks after a forced GC,
// per session, and goroutines per session (a server leg with in-band DTMF
// detection on, sending to the discard port).
func BenchmarkSessionMemory(b *testing.B) {
	const n = 400
	e, err := NewEngine(EngineConfig{IP: loopback})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = e.Close() }()
	measure := func() (heap, stack uint64, goroutines int) {
		runtime.GC()
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc, m.StackInuse, runtime.NumGoroutine()
	}
	var heap, stack, gor float64
	for b.Loop() {
		h0, s0, g0 := measure()
		sessions := make([]*Session, 0, n)
		for range n {
			s, err := e.NewSession(Config{Codec: PCMU, DTMFPayloadType: 101, InbandDTMF: true})
			if err != nil {
				b.Fatal(err)
			}
			s.SetRemote(netip.MustParseAddrPort("127.0.0.1:9"), netip.AddrPort{})
			s.Start()
			sessions = append(sessions, s)
		}
		time.Sleep(100 * time.Millisecond) // every read loop parked, every session ticked
		h1, s1, g1 := measure()
		heap += float64(h1-h0) / n
		stack += float64(s1-s0) / n
		gor += float64(g1-g0) / n
		for _, s := range sessions {
			_ = s.Close()
		}
	}
	k := float64(b.N)
	b.ReportMetric(heap/k, "heap-B/session")
	b.ReportMetric(stack/k, "stack-B/session")
	b.ReportMetric(gor/k, "goroutines/session")
	b.ReportMetric(0, "ns/op")
}
