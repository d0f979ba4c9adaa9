package prompt

import (
	"bytes"
	"testing"
	"time"

	"github.com/callgate/callgate/media/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDuration(t *testing.T) {
	tests := []struct {
		name    string
		samples int
		want    time.Duration
	}{
		{name: "empty", samples: 0, want: 0},
		{name: "one sample", samples: 1, want: 125 * time.Microsecond},
		{name: "one frame", samples: 160, want: 20 * time.Millisecond},
		{name: "three seconds", samples: 3 * SampleRate, want: 3 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &Prompt{PCM: make([]int16, tc.samples)}
			assert.Equal(t, tc.want, p.Duration())
		})
	}
}

func TestSilence(t *testing.T) {
	tests := []struct {
		name        string
		d           time.Duration
		wantSamples int
	}{
		{name: "zero", d: 0, wantSamples: 0},
		{name: "negative clamps to zero", d: -time.Second, wantSamples: 0},
		{name: "one frame", d: 20 * time.Millisecond, wantSamples: 160},
		{name: "rounds down to whole samples", d: 200 * time.Microsecond, wantSamples: 1},
		{name: "one second", d: time.Second, wantSamples: SampleRate},
		{name: "clamps to max duration", d: time.Hour, wantSamples: maxSamples},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Silence(tc.d)
			assert.Equal(t, "silence", p.Name)
			require.Len(t, p.PCM, tc.wantSamples)
			require.Len(t, p.Ulaw, tc.wantSamples)
			require.Len(t, p.Alaw, tc.wantSamples)
			assert.Equal(t, make([]int16, tc.wantSamples), p.PCM)
			assert.Equal(t, bytes.Repeat([]byte{g711.UlawSilence}, tc.wantSamples), p.Ulaw)
			assert.Equal(t, bytes.Repeat([]byte{g711.AlawSilence}, tc.wantSamples), p.Alaw)
		})
	}
}

func TestConversionsAgreeWithG711(t *testing.T) {
	pcm := sine(1000)
	ulaw := make([]byte, len(pcm))
	g711.EncodeUlaw(ulaw, pcm)
	alaw := make([]byte, len(pcm))
	g711.EncodeAlaw(alaw, pcm)
	tests := []struct {
		name string
		p    *Prompt
	}{
		{name: "from PCM", p: fromPCM("x", pcm)},
		{name: "from mu-law", p: fromUlaw("x", ulaw)},
		{name: "from A-law", p: fromAlaw("x", alaw)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantUlaw := make([]byte, len(tc.p.PCM))
			g711.EncodeUlaw(wantUlaw, tc.p.PCM)
			wantAlaw := make([]byte, len(tc.p.PCM))
			g711.EncodeAlaw(wantAlaw, tc.p.PCM)
			assert.Equal(t, wantUlaw, tc.p.Ulaw)
			assert.Equal(t, wantAlaw, tc.p.Alaw)
			assertCompanded(t, tc.p)
		})
	}
}
