package web

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHubCurrent(t *testing.T) {
	h := NewHub()
	_, ok := h.Current("alice")
	require.False(t, ok)

	p := samplePop("c1")
	h.Push("alice", p)
	p.Context["name"] = "changed by the caller"
	p.Restrictions[0] = "changed"
	got, ok := h.Current("alice")
	require.True(t, ok)
	assert.Equal(t, "Maria Lopez", got.Context["name"], "the hub keeps its own copy")
	assert.Equal(t, "contact-mobile-only", got.Restrictions[0])

	got.Context["name"] = "changed by a reader"
	again, _ := h.Current("alice")
	assert.Equal(t, "Maria Lopez", again.Context["name"], "readers get copies")

	h.Push("", samplePop("nobody"))
	_, ok = h.Current("")
	assert.False(t, ok, "no pop for an empty username")

	h.Clear("alice", "other-call")
	_, ok = h.Current("alice")
	assert.True(t, ok, "clearing another call does nothing")
	h.Clear("alice", "c1")
	_, ok = h.Current("alice")
	assert.False(t, ok)
}

func TestHubSubscribers(t *testing.T) {
	tests := []struct {
		name   string
		do     func(h *Hub)
		want   event
		wantOK bool
	}{
		{name: "nothing", do: func(*Hub) {}},
		{name: "pop", do: func(h *Hub) { h.Push("alice", ScreenPop{CallID: "a"}) }, want: event{eventPop, ScreenPop{CallID: "a"}.clone()}, wantOK: true},
		{name: "other agent", do: func(h *Hub) { h.Push("bob", ScreenPop{CallID: "b"}) }},
		{name: "clear", do: func(h *Hub) { h.Push("alice", ScreenPop{CallID: "a"}); h.Clear("alice", "a") }, want: event{eventClear, ScreenPop{CallID: "a"}}, wantOK: true},
		{name: "clear of another call", do: func(h *Hub) { h.Push("alice", ScreenPop{CallID: "a"}); h.Clear("alice", "z") }, want: event{eventPop, ScreenPop{CallID: "a"}.clone()}, wantOK: true},
		{name: "latest wins", do: func(h *Hub) {
			for i := range 100 {
				h.Push("alice", ScreenPop{CallID: fmt.Sprint(i)})
			}
		}, want: event{eventPop, ScreenPop{CallID: "99"}.clone()}, wantOK: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := NewHub()
			sub, unsubscribe := h.subscribe("alice")
			defer unsubscribe()
			tc.do(h)
			assert.Equal(t, tc.wantOK, len(sub.notify) == 1, "the doorbell rings once at most")
			got, ok := h.take(sub)
			require.Equal(t, tc.wantOK, ok)
			assert.Equal(t, tc.want, got)
			_, ok = h.take(sub)
			assert.False(t, ok, "taken")
		})
	}
}

// Concurrent pushes and a slow reader: the reader never blocks a pusher
// and always ends up with the last pop pushed.
func TestHubConcurrent(t *testing.T) {
	h := NewHub()
	sub, unsubscribe := h.subscribe("alice")
	defer unsubscribe()
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				h.Push("alice", ScreenPop{CallID: fmt.Sprintf("%d-%d", w, i)})
				_, _ = h.Current("alice")
			}
		})
	}
	seen := make(chan string, 1)
	go func() { // a slow reader, until it sees the last pop
		for {
			<-sub.notify
			if e, ok := h.take(sub); ok && e.pop.CallID == "last" {
				seen <- e.pop.CallID
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	h.Push("alice", ScreenPop{CallID: "last"})
	select {
	case id := <-seen:
		assert.Equal(t, "last", id)
	case <-time.After(5 * time.Second):
		t.Fatal("the reader never got the last pop")
	}
	cur, _ := h.Current("alice")
	assert.Equal(t, "last", cur.CallID)
}
