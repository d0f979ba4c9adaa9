package g711

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// frameSamples is one 20 ms frame at 8 kHz.
const frameSamples = 160

// testFrame returns a deterministic 160-sample frame spanning the int16 range.
func testFrame() []int16 {
	frame := make([]int16, frameSamples)
	for i := range frame {
		frame[i] = int16(math.MinInt16 + i*(math.MaxUint16/frameSamples))
	}
	return frame
}

func TestConversionsDoNotAllocate(t *testing.T) {
	pcm := testFrame()
	codes := make([]byte, frameSamples)
	out := make([]byte, frameSamples)
	tests := []struct {
		name string
		run  func()
	}{
		{name: "EncodeUlaw", run: func() { EncodeUlaw(codes, pcm) }},
		{name: "DecodeUlaw", run: func() { DecodeUlaw(pcm, codes) }},
		{name: "EncodeAlaw", run: func() { EncodeAlaw(codes, pcm) }},
		{name: "DecodeAlaw", run: func() { DecodeAlaw(pcm, codes) }},
		{name: "UlawToAlaw", run: func() { UlawToAlaw(out, codes) }},
		{name: "AlawToUlaw", run: func() { AlawToUlaw(out, codes) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Zero(t, testing.AllocsPerRun(100, tc.run))
		})
	}
}

func BenchmarkEncodeUlaw(b *testing.B) {
	src := testFrame()
	dst := make([]byte, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		EncodeUlaw(dst, src)
	}
}

func BenchmarkDecodeUlaw(b *testing.B) {
	src := make([]byte, frameSamples)
	EncodeUlaw(src, testFrame())
	dst := make([]int16, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		DecodeUlaw(dst, src)
	}
}

func BenchmarkEncodeAlaw(b *testing.B) {
	src := testFrame()
	dst := make([]byte, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		EncodeAlaw(dst, src)
	}
}

func BenchmarkDecodeAlaw(b *testing.B) {
	src := make([]byte, frameSamples)
	EncodeAlaw(src, testFrame())
	dst := make([]int16, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		DecodeAlaw(dst, src)
	}
}

func BenchmarkUlawToAlaw(b *testing.B) {
	src := make([]byte, frameSamples)
	EncodeUlaw(src, testFrame())
	dst := make([]byte, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		UlawToAlaw(dst, src)
	}
}

func BenchmarkAlawToUlaw(b *testing.B) {
	src := make([]byte, frameSamples)
	EncodeAlaw(src, testFrame())
	dst := make([]byte, frameSamples)
	b.ReportAllocs()
	b.SetBytes(frameSamples)
	for b.Loop() {
		AlawToUlaw(dst, src)
	}
}
