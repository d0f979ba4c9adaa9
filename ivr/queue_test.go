package ivr

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media/prompt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// placesDispatcher reports a sequence of queue places, then no agent.
type placesDispatcher struct {
	places []int
	step   time.Duration
	mu     sync.Mutex
	reqs   []DispatchRequest
}

func (d *placesDispatcher) Dispatch(ctx context.Context, _ Call, req DispatchRequest) (string, error) {
	d.mu.Lock()
	d.reqs = append(d.reqs, req)
	d.mu.Unlock()
	for _, p := range d.places {
		req.OnPosition(p)
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(d.step):
		}
	}
	return "", errors.New("no agent within max_wait")
}

func queueFlow(t *testing.T) *flows.Flow {
	t.Helper()
	src := []byte(`id: queue-test
entry: queue
nodes:
  queue:
    kind: route
    queue: billing
    announce_every: 10s
    max_wait: 1m
    on_failure: offer
  offer:
    kind: menu
    prompts: [callback_offer]
    timeout: 1s
    retries: 1
    choices:
      "1": callback
      "2": queue
    on_failure: bye
  callback:
    kind: callback
    queue: billing
  bye:
    kind: hangup
    prompts: [goodbye]
`)
	f, err := flows.Load(src, flows.ValidateOptions{})
	require.NoError(t, err)
	f.Version = 1
	return f
}

func TestQueueAnnouncesPlaceAndKeepsItOnReturn(t *testing.T) {
	e := newEnv(t)
	f := queueFlow(t)
	e.runner.Flows = staticFlows{f.ID: f}
	d := &placesDispatcher{places: []int{3, 1}, step: 60 * time.Millisecond}
	e.runner.Dispatch = d
	c := e.call("queue-1")
	c.keys("2") // back to the queue from the overflow menu
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.runner.Run(ctx, c, f.ID))

	heard := c.heard()
	assert.Contains(t, heard, "queue_position_3", "the caller hears their place when it is first known")
	assert.Contains(t, heard, "hold_music")
	assert.Contains(t, heard, "callback_offer", "max wait reached: the overflow menu")
	d.mu.Lock()
	defer d.mu.Unlock()
	require.Len(t, d.reqs, 2, "queued, offered the menu, queued again, then overflowed to goodbye")
	assert.Equal(t, d.reqs[0].Enqueued, d.reqs[1].Enqueued, "coming back keeps the original place")
	assert.False(t, d.reqs[0].Enqueued.IsZero())
}

func TestPositionPrompt(t *testing.T) {
	for place, want := range map[int]string{1: "queue_position", 2: "queue_position_2", 9: "queue_position_9", 10: "queue_position_many", 250: "queue_position_many"} {
		assert.Equal(t, want, positionPrompt(place), "place %d", place)
	}
}

type callbackRecorder struct {
	mu  sync.Mutex
	got []CallbackRequest
}

func (r *callbackRecorder) Request(_ context.Context, c CallbackRequest) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, c)
	return nil
}

func TestCallbackFromTheOverflowMenu(t *testing.T) {
	e := newEnv(t)
	f := queueFlow(t)
	e.runner.Flows = staticFlows{f.ID: f}
	e.runner.Dispatch = &placesDispatcher{places: []int{2}, step: 20 * time.Millisecond}
	rec := &callbackRecorder{}
	e.runner.Callbacks = rec
	c := e.call("queue-cb")
	c.keys("1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.runner.Run(ctx, c, f.ID))
	assert.Contains(t, c.heard(), "callback_confirm_caller", "an unidentified caller is called back on the number they call from")
	rec.mu.Lock()
	require.Len(t, rec.got, 1)
	got := rec.got[0]
	rec.mu.Unlock()
	assert.Equal(t, "billing", got.Queue)
	assert.Equal(t, "queue-cb", got.CallID)
	assert.Equal(t, "caller", got.To)
	assert.Equal(t, "15551230000", got.Number)
	assert.False(t, got.Enqueued.IsZero(), "the request keeps when the caller joined the queue")
	tags := hgetall(e.mini, "callgate:call:queue-cb")
	assert.Equal(t, "ended.callback", tags["state"], "the call ends at the callback node")
	assert.Equal(t, "billing", tags["queue"])
	assert.NotContains(t, mapValues(tags), "15551230000", "the number is in the callback list, never in the tags")
}

func TestCallbackWithoutAStoreTellsTheCallerToCallAgain(t *testing.T) {
	e := newEnv(t)
	f := queueFlow(t)
	e.runner.Flows = staticFlows{f.ID: f}
	e.runner.Dispatch = &placesDispatcher{places: []int{2}, step: 20 * time.Millisecond}
	c := e.call("queue-nocb")
	c.keys("1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.runner.Run(ctx, c, f.ID))
	assert.Contains(t, c.heard(), "all_busy")
	assert.NotContains(t, c.heard(), "callback_confirm_caller")
}

type uploadedPrompts map[string]*prompt.Prompt

func (u uploadedPrompts) Get(lang, name string) (*prompt.Prompt, bool) {
	p, ok := u[lang+"/"+name]
	return p, ok
}

func TestUploadedPromptTakesPrecedence(t *testing.T) {
	e := newEnv(t)
	f := queueFlow(t)
	e.runner.Flows = staticFlows{f.ID: f}
	e.runner.Dispatch = &placesDispatcher{places: []int{2}, step: 20 * time.Millisecond}
	mine := prompt.FromPCM("callback_offer", make([]int16, 800))
	e.runner.Uploaded = uploadedPrompts{"en/callback_offer": mine}
	c := e.call("uploaded")
	c.keys("1")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, e.runner.Run(ctx, c, f.ID))
	c.mu.Lock()
	defer c.mu.Unlock()
	played := false
	for _, p := range c.audio {
		played = played || p == mine
	}
	assert.True(t, played, "the uploaded callback_offer replaced the bundled one")
}
