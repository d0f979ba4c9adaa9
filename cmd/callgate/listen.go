package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// listener analyses what a dialled call hears: when prompt audio starts
// and stops (energy above a floor, with a hang-over), packet inter-arrival
// times, and optionally the PCM itself for --record.
type listener struct {
	mu      sync.Mutex
	start   time.Time
	keepPCM bool
	pcm     []int16
	last    time.Time
	gaps    []float64 // ms
	segs    []audioSegment
	inAudio bool
	quiet   int
}

type audioSegment struct {
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
}

type percentiles struct {
	N                  int
	P50, P95, P99, Max float64
}

const (
	// audioFloor is the RMS (of 16-bit samples) above which a frame is sound: about -50 dBFS.
	audioFloor = 100
	// hangoverFrames of quiet end a segment (300 ms): pauses between words do not split it.
	hangoverFrames = 15
)

func newListener(start time.Time, keepPCM bool) *listener {
	return &listener{start: start, keepPCM: keepPCM}
}

func (l *listener) onAudio(pcm []int16, at time.Time) {
	var sum float64
	for _, s := range pcm {
		sum += float64(s) * float64(s)
	}
	rms := math.Sqrt(sum / float64(max(len(pcm), 1)))
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keepPCM {
		l.pcm = append(l.pcm, pcm...)
	}
	if !l.last.IsZero() {
		l.gaps = append(l.gaps, float64(at.Sub(l.last))/float64(time.Millisecond))
	}
	l.last = at
	off := at.Sub(l.start)
	switch {
	case rms >= audioFloor && !l.inAudio:
		l.inAudio = true
		l.quiet = 0
		l.segs = append(l.segs, audioSegment{Start: off, End: off})
	case rms >= audioFloor:
		l.quiet = 0
		l.segs[len(l.segs)-1].End = off
	case l.inAudio:
		l.quiet++
		if l.quiet >= hangoverFrames {
			l.inAudio = false
		}
	}
}

func (l *listener) segments() []audioSegment {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.segs)
}

func (l *listener) interArrival() percentiles {
	l.mu.Lock()
	g := slices.Clone(l.gaps)
	l.mu.Unlock()
	return percentilesOf(g)
}

func percentilesOf(v []float64) percentiles {
	if len(v) == 0 {
		return percentiles{}
	}
	slices.Sort(v)
	at := func(q float64) float64 { return v[min(len(v)-1, int(q*float64(len(v))))] }
	return percentiles{N: len(v), P50: at(0.50), P95: at(0.95), P99: at(0.99), Max: v[len(v)-1]}
}
