package media

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// pacer sends every session's packets from a few goroutines instead of one
// ticker per call: sessions are spread over shards, each shard wakes every
// 20 ms and walks its sessions. A shard's session list is copy-on-write, so a
// tick reads it without a lock and add/remove never wait for a tick.
type pacer struct {
	shards []*shard
	next   atomic.Uint32
	wg     sync.WaitGroup
	stop   chan struct{}
	once   sync.Once
}

type shard struct {
	mu       sync.Mutex // serialises writers of sessions
	sessions atomic.Pointer[[]*Session]
	late     atomic.Uint64 // ticks that woke more than a frame late
}

func newPacer(n int) *pacer {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := &pacer{stop: make(chan struct{})}
	for range n {
		sh := &shard{}
		empty := []*Session{}
		sh.sessions.Store(&empty)
		p.shards = append(p.shards, sh)
		p.wg.Add(1)
		go p.run(sh)
	}
	return p
}

func (p *pacer) run(sh *shard) {
	defer p.wg.Done()
	t := time.NewTicker(frame)
	defer t.Stop()
	prev := time.Now()
	for {
		select {
		case <-p.stop:
			return
		case now := <-t.C:
			_ = now
			wall := time.Now()
			if wall.Sub(prev) > 2*frame {
				sh.late.Add(1)
			}
			prev = wall
			for _, s := range *sh.sessions.Load() {
				s.tick(wall)
			}
		}
	}
}

func (p *pacer) add(s *Session) {
	sh := p.shards[int(p.next.Add(1))%len(p.shards)]
	s.shard = sh
	sh.mu.Lock()
	old := *sh.sessions.Load()
	ns := make([]*Session, len(old), len(old)+1)
	copy(ns, old)
	ns = append(ns, s)
	sh.sessions.Store(&ns)
	sh.mu.Unlock()
}

// remove takes s out of its shard. After it returns no new tick of s starts,
// but one may be running: tick only touches the session's own state and
// its sockets, which tolerate being closed.
func (p *pacer) remove(s *Session) {
	sh := s.shard
	if sh == nil {
		return
	}
	sh.mu.Lock()
	old := *sh.sessions.Load()
	ns := make([]*Session, 0, len(old))
	for _, x := range old {
		if x != s {
			ns = append(ns, x)
		}
	}
	sh.sessions.Store(&ns)
	sh.mu.Unlock()
}

// count is the number of sessions being paced.
func (p *pacer) count() int {
	n := 0
	for _, sh := range p.shards {
		n += len(*sh.sessions.Load())
	}
	return n
}

func (p *pacer) close() {
	p.once.Do(func() { close(p.stop) })
	p.wg.Wait()
}
