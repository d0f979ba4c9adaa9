package main

import (
	"math"
	"testing"
)

// tone returns ms of the two DTMF frequencies for key (each at amp) or
// silence if key is 0, as 16-bit LE PCM at 8 kHz.
func tone(key byte, ms int, amp float64) []byte {
	n := 8 * ms
	out := make([]byte, 2*n)
	var fr, fc float64
	for r := range 4 {
		for c := range 4 {
			if dtmfKeys[r][c] == key {
				fr, fc = dtmfFreqs[r], dtmfFreqs[4+c]
			}
		}
	}
	for i := range n {
		t := float64(i) / 8000
		v := int16(amp * (math.Sin(2*math.Pi*fr*t) + math.Sin(2*math.Pi*fc*t)))
		out[2*i], out[2*i+1] = byte(v), byte(uint16(v)>>8)
	}
	return out
}

func TestDetector(t *testing.T) {
	var got []byte
	d := newDTMFDetector(8000, func(k byte) { got = append(got, k) })
	var pcm []byte
	for _, k := range []byte("123A456B789C*0#D11") {
		pcm = append(pcm, tone(k, 100, 3000)...)
		pcm = append(pcm, tone(0, 70, 0)...)
	}
	// A 440 Hz prompt-like tone and quiet noise must not trigger.
	for i := range 8000 {
		v := int16(2000 * math.Sin(2*math.Pi*440*float64(i)/8000))
		pcm = append(pcm, byte(v), byte(uint16(v)>>8))
	}
	for off := 30; off+320 <= len(pcm); off += 320 { // frames not aligned to tones
		d.Frame(pcm[off : off+320])
	}
	if string(got) != "123A456B789C*0#D11" {
		t.Fatalf("got %q", got)
	}
}
