package media

import "sync/atomic"

// liveFrames is the depth of a session's live-audio queue (100 ms): enough
// to absorb the phase difference between two legs' pacers, small enough
// not to add noticeable delay. When it overflows the oldest frame goes.
const liveFrames = 5

// liveQueue holds encoded frames fed from another leg, consumed by the
// pacer when no prompt is playing. Guarded by Session.txMu.
type liveQueue struct {
	frames [liveFrames][FrameSamples]byte
	head   int
	n      int
}

// Feed queues one 20 ms frame of linear PCM to be sent on this session
// (encoded to its codec) when no prompt is playing. It is how two legs
// are bridged; it does not allocate.
func (s *Session) Feed(pcm []int16) {
	if len(pcm) > FrameSamples {
		pcm = pcm[:FrameSamples]
	}
	s.txMu.Lock()
	q := &s.live
	slot := (q.head + q.n) % liveFrames
	if q.n == liveFrames {
		q.head = (q.head + 1) % liveFrames // drop the oldest
		slot = (q.head + q.n - 1) % liveFrames
	} else {
		q.n++
	}
	f := &q.frames[slot]
	m := s.cfg.Codec.Encode(f[:], pcm)
	for i := m; i < FrameSamples; i++ {
		f[i] = s.tx.silence
	}
	s.txMu.Unlock()
}

// popLive copies the oldest live frame into dst; call with txMu held.
func (s *Session) popLive(dst []byte) bool {
	q := &s.live
	if q.n == 0 {
		return false
	}
	copy(dst, q.frames[q.head][:])
	q.head = (q.head + 1) % liveFrames
	q.n--
	return true
}

// SetAudioSink sets (or with nil clears) a function that receives every
// decoded frame this session receives, on the goroutine that reads its
// RTP. It must not block or keep pcm.
func (s *Session) SetAudioSink(fn func(pcm []int16)) {
	if fn == nil {
		s.sink.Store(nil)
		return
	}
	s.sink.Store(&fn)
}

// Bridge connects two sessions' audio both ways (transcoding between
// μ-law and A-law through linear PCM) until Unbridge. Prompts played on a
// leg take precedence over the bridged audio on that leg.
func Bridge(a, b *Session) {
	a.SetAudioSink(b.Feed)
	b.SetAudioSink(a.Feed)
}

// Unbridge stops relaying audio between a and b.
func Unbridge(a, b *Session) {
	a.SetAudioSink(nil)
	b.SetAudioSink(nil)
}

type sinkPtr = atomic.Pointer[func(pcm []int16)]
