package dtmf

import (
	"math"
	"testing"
	"time"
)

// BenchmarkDetectorProcess runs 20 ms frames of the speech fixture with a
// DTMF press mixed in; must report 0 allocs/op.
func BenchmarkDetectorProcess(b *testing.B) {
	s := speechFixture(b)
	s, err := AppendTone(s, '5', 100*time.Millisecond, -10)
	if err != nil {
		b.Fatal(err)
	}
	frames := len(s) / 160
	d := NewDetector()
	dst := make([]byte, 0, 8)
	i := 0
	b.ReportAllocs()
	b.SetBytes(160 * 2)
	for b.Loop() {
		dst = d.Process(dst[:0], s[i*160:(i+1)*160])
		if i++; i == frames {
			i = 0
		}
	}
}

// BenchmarkDetectorProcessQuiet runs 20 ms frames of what the detector
// hears between digits on most calls: digital silence (a softphone or the
// load generator) and comfort noise at -65 dBm0 (a trunk).
func BenchmarkDetectorProcessQuiet(b *testing.B) {
	noise := make([]int16, 50*160)
	addNoise(noise, dBm0ToAmplitude(-65)/math.Sqrt2, newRNG(5))
	for _, bc := range []struct {
		name string
		s    []int16
	}{
		{"silence", make([]int16, 160)},
		{"comfort-noise", noise},
	} {
		b.Run(bc.name, func(b *testing.B) {
			frames := len(bc.s) / 160
			d := NewDetector()
			dst := make([]byte, 0, 8)
			i := 0
			b.ReportAllocs()
			b.SetBytes(160 * 2)
			for b.Loop() {
				dst = d.Process(dst[:0], bc.s[i*160:(i+1)*160])
				if i++; i == frames {
					i = 0
				}
			}
		})
	}
}

func BenchmarkReceiverPush(b *testing.B) {
	var ps [][]byte
	var tss []uint32
	for i := range 8 {
		for _, p := range press(uint32(1000+1600*i), uint8(i), 5) {
			pl := make([]byte, EventSize)
			_, _ = Event{Code: p.code, End: p.end, Volume: 10, Duration: p.dur}.MarshalTo(pl)
			ps, tss = append(ps, pl), append(tss, p.ts)
		}
	}
	var r Receiver
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := r.Push(tss[i], ps[i]); err != nil {
			b.Fatal(err)
		}
		if i++; i == len(ps) {
			i = 0
			r.Reset()
		}
	}
}

func BenchmarkParseEvent(b *testing.B) {
	payload := []byte{11, 0x8a, 0x03, 0x20}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseEvent(payload); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseInfo(b *testing.B) {
	body := []byte("Signal=5\r\nDuration=160\r\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseInfo("application/dtmf-relay", body); err != nil {
			b.Fatal(err)
		}
	}
}
