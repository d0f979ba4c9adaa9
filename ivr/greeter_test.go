package ivr

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/dtmf"
	"github.com/callgate/callgate/media/prompt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeCall plays prompts instantly (or until a digit, with barge-in) and
// records what was played.
type fakeCall struct {
	mu      sync.Mutex
	played  []string
	digits  *media.DigitQueue
	hungUp  bool
	promptD time.Duration
}

func (f *fakeCall) CallID() string       { return "test-call" }
func (f *fakeCall) Logger() *slog.Logger { return slog.New(slog.DiscardHandler) }
func (f *fakeCall) Digits() *media.DigitQueue {
	return f.digits
}

func (f *fakeCall) Play(ctx context.Context, p *prompt.Prompt, opts media.PlayOptions) error {
	f.mu.Lock()
	f.played = append(f.played, p.Name)
	f.mu.Unlock()
	if opts.BargeIn && f.digits.Len() > 0 {
		return media.ErrPromptStopped
	}
	select {
	case <-time.After(f.promptD):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *fakeCall) Hangup(context.Context) error {
	f.mu.Lock()
	f.hungUp = true
	f.mu.Unlock()
	return nil
}

func (f *fakeCall) snapshot() ([]string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.played...), f.hungUp
}

func testPrompts(t *testing.T, names ...string) *prompt.Set {
	t.Helper()
	fsys := fstest.MapFS{}
	var buf bytesBuffer
	require.NoError(t, prompt.Encode(&buf, make([]int16, 800)))
	for _, n := range names {
		fsys["en/"+n+".wav"] = &fstest.MapFile{Data: buf.b}
	}
	set, err := prompt.LoadFS(fsys, "en")
	require.NoError(t, err)
	return set
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func TestGreeterValidate(t *testing.T) {
	g := &Greeter{Prompts: testPrompts(t, "welcome", "goodbye")}
	require.ErrorIs(t, g.Validate(), ErrMissingPrompt)
	g = &Greeter{Prompts: testPrompts(t, "welcome", "goodbye", "consent_thanks")}
	require.NoError(t, g.Validate())
}

func TestGreeterRun(t *testing.T) {
	set := testPrompts(t, "welcome", "goodbye", "consent_thanks")

	t.Run("digits reach the stream in order and # is acknowledged", func(t *testing.T) {
		var mu sync.Mutex
		var got []byte
		g := &Greeter{Prompts: set, OnDigit: func(_ string, d dtmf.Digit) { mu.Lock(); got = append(got, d.Key); mu.Unlock() }}
		call := &fakeCall{digits: media.NewDigitQueue()}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- g.Run(ctx, call) }()
		for _, k := range []byte("12#") {
			call.digits.Push(dtmf.Digit{Key: k, Source: dtmf.SourceRFC4733})
		}
		require.Eventually(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(got) == 3 }, 2*time.Second, 5*time.Millisecond)
		require.Eventually(t, func() bool { p, _ := call.snapshot(); return len(p) == 2 }, 2*time.Second, 5*time.Millisecond)
		cancel() // the caller hangs up
		require.NoError(t, <-done)
		played, hungUp := call.snapshot()
		assert.Equal(t, []string{"welcome", "consent_thanks"}, played)
		assert.False(t, hungUp, "the caller hung up, not us")
		assert.Equal(t, "12#", string(got))
	})
	t.Run("type-ahead skips the welcome prompt", func(t *testing.T) {
		g := &Greeter{Prompts: set, IdleTimeout: 50 * time.Millisecond}
		call := &fakeCall{digits: media.NewDigitQueue(), promptD: time.Hour}
		call.digits.Push(dtmf.Digit{Key: '5', Source: dtmf.SourceInfo})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		go func() { _ = g.Run(ctx, call) }()
		require.Eventually(t, func() bool { return call.digits.Len() == 0 }, time.Second, 5*time.Millisecond, "the typed-ahead digit was read")
	})
	t.Run("a silent caller is thanked and hung up on", func(t *testing.T) {
		g := &Greeter{Prompts: set, IdleTimeout: 100 * time.Millisecond}
		call := &fakeCall{digits: media.NewDigitQueue()}
		require.NoError(t, g.Run(context.Background(), call))
		played, hungUp := call.snapshot()
		assert.Equal(t, []string{"welcome", "goodbye"}, played)
		assert.True(t, hungUp)
	})
}
