package load

import (
	"context"
	"os"
	"runtime"
	"time"
)

// sampler reads /proc periodically; beside it a probe goroutine times a
// plain ticker.
type sampler struct {
	stopc  chan struct{}
	done   chan struct{}
	probed chan struct{}
	out    []runSample
	// drops are the largest per-socket drop sums seen, by owner.
	drops [3]uint64
	self  GeneratorReport
	t0    time.Time
	cpu0  uint64
}

func (g *generator) startSampler(t0 time.Time) *sampler {
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{}), probed: make(chan struct{}), t0: t0}
	s.cpu0, _ = readProcStat(g.cfg.ProcRoot, os.Getpid())
	go g.sample(s)
	go func() {
		defer close(s.probed)
		probeTicker(s.stopc, g.ticker)
	}()
	return s
}

func (s *sampler) stop() ([]runSample, GeneratorReport, [3]uint64) {
	close(s.stopc)
	<-s.done
	<-s.probed
	return s.out, s.self, s.drops
}

// sampleDrops reads the per-socket UDP drops, attributed by socket inode.
func (g *generator) sampleDrops(s *sampler) {
	owners := make(map[uint64]int, 2*int(g.active.Load())+16)
	socketInodes(g.cfg.ProcRoot, os.Getpid(), ownerGenerator, owners)
	if g.cfg.PID > 0 {
		socketInodes(g.cfg.ProcRoot, g.cfg.PID, ownerServer, owners)
	}
	by, err := udpDrops(g.cfg.ProcRoot, owners)
	if err != nil {
		return
	}
	for i := range by {
		s.drops[i] = max(s.drops[i], by[i])
	}
}

func (g *generator) sample(s *sampler) {
	defer close(s.done)
	every := time.NewTicker(g.cfg.SampleEvery)
	defer every.Stop()
	lastProgress := s.t0
	var lastScrape, lastDrops time.Time
	read := func(now time.Time) {
		rs := runSample{at: now, active: int(g.active.Load())}
		rs.host, _ = readHostCPU(g.cfg.ProcRoot)
		rs.self, _ = readProcStat(g.cfg.ProcRoot, os.Getpid())
		if g.cfg.PID > 0 {
			if p, err := sampleProc(g.cfg.ProcRoot, g.cfg.PID); err == nil {
				rs.server, rs.ok = p, true
			}
		}
		if now.Sub(lastDrops) >= 5*time.Second {
			lastDrops = now
			g.sampleDrops(s)
		}
		if g.cfg.MetricsURL != "" && now.Sub(lastScrape) >= time.Second {
			lastScrape = now
			if m, err := scrapeMetrics(context.Background(), g.cfg.MetricsURL); err == nil {
				rs.metrics = &m
			}
		}
		s.out = append(s.out, rs)
		if rss, _, err := readProcStatus(g.cfg.ProcRoot, os.Getpid()); err == nil {
			s.self.PeakRSSKiB = max(s.self.PeakRSSKiB, rss)
		}
		s.self.Goroutines = max(s.self.Goroutines, runtime.NumGoroutine())
		if g.cfg.Progress != nil && now.Sub(lastProgress) >= time.Second {
			lastProgress = now
			g.cfg.Progress(Progress{
				Elapsed: now.Sub(s.t0), Launched: int(g.launched.Load()), Active: int(g.active.Load()),
				Completed: int(g.completed.Load()), Failed: int(g.failed.Load()),
			})
		}
	}
	read(time.Now())
	for {
		select {
		case <-s.stopc:
			read(time.Now())
			if cpu, err := readProcStat(g.cfg.ProcRoot, os.Getpid()); err == nil {
				s.self.CPUSeconds = float64(cpu-s.cpu0) / userHZ
				if el := time.Since(s.t0).Seconds(); el > 0 {
					s.self.CPUPercent = 100 * s.self.CPUSeconds / el
				}
			}
			return
		case <-every.C:
			read(time.Now())
		}
	}
}
