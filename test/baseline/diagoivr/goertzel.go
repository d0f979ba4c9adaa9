package main

import (
	"encoding/binary"
	"math"
)

// In-band DTMF detection: eight Goertzel filters run over every frame of
// decoded 16-bit little-endian PCM (one 20 ms RTP packet, 160 samples at
// 8 kHz). A key is reported once when the same row/column pair wins two
// frames running, and again only after a frame without a key.

var (
	dtmfFreqs = [8]float64{697, 770, 852, 941, 1209, 1336, 1477, 1633}
	dtmfKeys  = [4][4]byte{
		{'1', '2', '3', 'A'},
		{'4', '5', '6', 'B'},
		{'7', '8', '9', 'C'},
		{'*', '0', '#', 'D'},
	}
)

const (
	dtmfMinMeanSquare = 3.4e4 // about -45 dBFS: quieter frames are never a key
	dtmfMinShare      = 0.2   // each tone's share of the frame's energy
	dtmfMinSum        = 0.7   // both tones together (the rest is noise or speech)
)

type dtmfDetector struct {
	coeff   [8]float64
	last    byte // key seen in the previous frame, 0 if none
	emitted byte // key already reported for the current tone
	onKey   func(byte)
}

func newDTMFDetector(sampleRate float64, onKey func(byte)) *dtmfDetector {
	d := &dtmfDetector{onKey: onKey}
	for k, f := range dtmfFreqs {
		d.coeff[k] = 2 * math.Cos(2*math.Pi*f/sampleRate)
	}
	return d
}

// Frame runs the detector over one frame of 16-bit LE PCM.
func (d *dtmfDetector) Frame(lpcm []byte) {
	n := len(lpcm) / 2
	if n == 0 {
		return
	}
	var s1, s2 [8]float64
	var energy float64
	for i := range n {
		x := float64(int16(binary.LittleEndian.Uint16(lpcm[2*i:])))
		energy += x * x
		for k := range 8 {
			s0 := x + d.coeff[k]*s1[k] - s2[k]
			s2[k], s1[k] = s1[k], s0
		}
	}
	var key byte
	if energy > dtmfMinMeanSquare*float64(n) {
		// A pure tone of amplitude A gives Goertzel power (A*N/2)^2 and
		// energy A^2*N/2, so power/(energy*N/2) is that tone's share.
		norm := energy * float64(n) / 2
		row, col := 0, 4
		var p [8]float64
		for k := range 8 {
			p[k] = (s1[k]*s1[k] + s2[k]*s2[k] - d.coeff[k]*s1[k]*s2[k]) / norm
			if k < 4 && p[k] > p[row] {
				row = k
			} else if k >= 4 && p[k] > p[col] {
				col = k
			}
		}
		if p[row] > dtmfMinShare && p[col] > dtmfMinShare && p[row]+p[col] > dtmfMinSum {
			key = dtmfKeys[row][col-4]
		}
	}
	if key != 0 && key == d.last && key != d.emitted {
		d.emitted = key
		d.onKey(key)
	}
	if key == 0 {
		d.emitted = 0
	}
	d.last = key
}
