package load

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/sip"
	sipmsg "github.com/emiago/sipgo/sip"
)

// frame is one RTP packet's worth of audio (media paces at 20 ms).
const frame = 20 * time.Millisecond

// pollEvery is how often a call checks whether its digits have gone out.
const pollEvery = 10 * time.Millisecond

// eventTail is what follows a key's last tone packet before the next key
// may start (two more end packets and the inter-digit gap, RFC 4733
// §2.5.1.4): waited out before a key is timed, so it starts on the next
// pacer tick.
const eventTail = 5*frame + 20*time.Millisecond

// callRun is one call. The audio fields are owned by the session's read
// goroutine (onAudio); probe is shared with the call's goroutine.
type callRun struct {
	g     *generator
	start time.Time
	pdd   atomic.Int64 // ns from start to the first 18x; 0 none yet

	lastAt int64 // unix ns of the previous audio frame
	quiet  int   // quiet frames since the last loud one

	// probe times the current step: > 0 is the armed anchor (unix ns of
	// the last key's first packet), < 0 is -(latency ns)-1 once the onset
	// was heard, 0 is idle.
	probe atomic.Int64

	lastSend time.Time // when digits were last queued
	res      callResult
}

// callResult is what one call contributes to the report.
type callResult struct {
	answered bool
	reason   string // failure reason; "" when completed
	err      error
	setup    time.Duration
	pdd      time.Duration
	press    []time.Duration
	release  []time.Duration
	missing  int
	late     int
	stats    media.Stats
}

// onAudio runs on the session's read goroutine for every decoded frame.
func (c *callRun) onAudio(pcm []int16, at time.Time) {
	ns := at.UnixNano()
	if c.lastAt != 0 {
		c.g.interArrival.Add(time.Duration(ns - c.lastAt))
	}
	c.lastAt = ns
	if !frameLoud(pcm, c.g.cfg.AudioFloor) {
		c.quiet++
		return
	}
	if c.quiet >= c.g.cfg.GapFrames {
		if a := c.probe.Load(); a > 0 && ns >= a {
			c.probe.CompareAndSwap(a, -(ns-a)-1)
		}
	}
	c.quiet = 0
}

func (c *callRun) onProvisional(code int) {
	if code >= 180 && code < 200 {
		c.pdd.CompareAndSwap(0, int64(max(time.Since(c.start), 1)))
	}
}

// harvest collects the armed step's result, if a step is armed.
func (c *callRun) harvest(armed bool) {
	if !armed {
		return
	}
	v := c.probe.Swap(0)
	if v >= 0 {
		c.res.missing++
		return
	}
	d := time.Duration(-v - 1)
	if d > c.g.cfg.PromptWait {
		c.res.missing++
		return
	}
	c.res.press = append(c.res.press, d)
	c.res.release = append(c.res.release, d-c.g.cfg.Tone)
}

// run places the call, runs the script, holds and hangs up.
func (c *callRun) run(ctx context.Context) {
	g := c.g
	c.start = time.Now()
	call, err := g.srv.Dial(ctx, g.cfg.Target, sip.DialOptions{
		FromUser:      g.fromUser(),
		Codecs:        g.codecs,
		OnAudio:       c.onAudio,
		OnProvisional: c.onProvisional,
		RingTimeout:   g.cfg.RingTimeout,
	})
	if err != nil {
		c.res.reason, c.res.err = classify(ctx, err), err
		return
	}
	answered := time.Now()
	c.res.answered = true
	c.res.setup = answered.Sub(c.start)
	c.res.pdd = c.res.setup
	if p := c.pdd.Load(); p > 0 {
		c.res.pdd = time.Duration(p)
	}
	g.callUp()
	defer g.callDown()

	wait := time.NewTimer(time.Hour)
	defer wait.Stop()
	err = c.script(ctx, call, answered, wait)
	if err == nil {
		end := time.Now().Add(g.cfg.Hold)
		if g.cfg.Duration > 0 {
			end = answered.Add(g.cfg.Duration)
		}
		err = sleepUntil(ctx, call, wait, end)
	}
	c.harvest(c.probe.Load() != 0)
	switch {
	case errors.Is(err, errHungUp):
		c.res.reason = "early_" + call.EndCause().String()
	case ctx.Err() != nil:
		c.res.reason = "aborted"
	case err != nil:
		c.res.reason, c.res.err = "dtmf", err
	}
	hctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if herr := call.Hangup(hctx); herr != nil && c.res.reason == "" {
		c.res.reason, c.res.err = "bye_"+classify(context.Background(), herr), herr
	}
	c.res.stats = call.Media().Stats()
}

// script sends each step at its offset from the answer and arms the
// prompt probe on its last key.
func (c *callRun) script(ctx context.Context, call *sip.Call, answered time.Time, wait *time.Timer) error {
	g := c.g
	sess := call.Media()
	armed := false
	for _, st := range g.cfg.Script {
		if err := sleepUntil(ctx, call, wait, answered.Add(st.Offset)); err != nil {
			return err
		}
		n := len(st.Keys)
		if n > 1 {
			if err := sess.SendDigits(st.Keys[:n-1], g.cfg.Tone); err != nil {
				return err
			}
			c.lastSend = time.Now()
		}
		if err := c.waitDigitsSent(ctx, call, wait, n-1); err != nil {
			return err
		}
		// Align to the pacer: a one-frame silence goes out on the
		// session's next tick, so the key queued right after it goes out
		// one tick (one frame) later.
		if err := call.Play(ctx, g.anchorPrompt, media.PlayOptions{}); err != nil {
			if call.EndCause() != sip.CauseUnknown {
				return errHungUp
			}
			return err
		}
		tick := time.Now()
		c.harvest(armed)
		c.probe.Store(tick.Add(frame).UnixNano())
		armed = true
		if err := sess.SendDigits(st.Keys[n-1:], g.cfg.Tone); err != nil {
			return err
		}
		c.lastSend = time.Now()
		if c.lastSend.Sub(tick) > frame/2 {
			// Descheduled: the key may have missed the next tick.
			c.probe.Store(0)
			armed = false
			c.res.late++
		}
	}
	return nil
}

// waitDigitsSent waits until the queued keys (n of them) have gone out and
// their tail has passed, so that the next key starts on a fresh tick.
func (c *callRun) waitDigitsSent(ctx context.Context, call *sip.Call, wait *time.Timer, n int) error {
	sess := call.Media()
	if n > 0 {
		// Sleep through most of it first: polling only near the end keeps
		// thousands of calls from waking every 10 ms.
		per := (c.g.cfg.Tone + frame - 1).Truncate(frame) + eventTail - 20*time.Millisecond
		if err := sleepUntil(ctx, call, wait, c.lastSend.Add(time.Duration(n)*per-3*frame)); err != nil {
			return err
		}
	}
	saw := false
	for sess.DigitsPending() {
		saw = true
		if err := sleepUntil(ctx, call, wait, time.Now().Add(pollEvery)); err != nil {
			return err
		}
	}
	if n > 0 || saw || (!c.lastSend.IsZero() && time.Since(c.lastSend) < c.g.cfg.Tone+eventTail+frame) {
		return sleepUntil(ctx, call, wait, time.Now().Add(eventTail))
	}
	return nil
}

// sleepUntil waits for t, the call's end or ctx, on the call's one timer.
func sleepUntil(ctx context.Context, call *sip.Call, wait *time.Timer, t time.Time) error {
	d := time.Until(t)
	if d <= 0 {
		select {
		case <-call.Done():
			return errHungUp
		default:
			return ctx.Err()
		}
	}
	wait.Reset(d)
	select {
	case <-wait.C:
		return nil
	case <-call.Done():
		return errHungUp
	case <-ctx.Done():
		return ctx.Err()
	}
}

// classify names a failed request for the report; run is the run's
// context, whose end makes any failure a run_timeout.
func classify(run context.Context, err error) string {
	var se *sip.StatusError
	var ne net.Error
	switch {
	case errors.As(err, &se):
		return "sip_" + strconv.Itoa(se.Code)
	case errors.Is(err, media.ErrNoPorts):
		return "local_ports"
	case run.Err() != nil:
		return "aborted"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, sipmsg.ErrTransactionTimeout):
		return "timeout"
	case errors.Is(err, sipmsg.ErrTransactionTransport), errors.As(err, &ne):
		return "transport"
	}
	return "other"
}
