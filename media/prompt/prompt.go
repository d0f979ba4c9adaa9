package prompt

import (
	"time"

	"github.com/callgate/callgate/media/g711"
)

// Prompt is one audio prompt, held in every encoding a call may need.
//
// All three slices have the same length, one element per 8 kHz sample.
// Prompts are shared by all calls: callers must treat every field as
// read-only.
type Prompt struct {
	// Name identifies the prompt, e.g. "welcome".
	Name string
	// PCM is the audio as 16-bit linear samples.
	PCM []int16
	// Ulaw is the audio as G.711 μ-law codes (RTP payload type 0).
	Ulaw []byte
	// Alaw is the audio as G.711 A-law codes (RTP payload type 8).
	Alaw []byte
}

// Duration returns the playing time of the prompt.
func (p *Prompt) Duration() time.Duration {
	return samplesDuration(len(p.PCM))
}

// Silence returns a prompt named "silence" that holds d of digital
// silence. d is clamped to [0, MaxDuration] and rounded down to a
// whole number of samples.
func Silence(d time.Duration) *Prompt {
	d = min(max(d, 0), MaxDuration)
	n := int(d * SampleRate / time.Second)
	p := &Prompt{
		Name: "silence",
		PCM:  make([]int16, n),
		Ulaw: make([]byte, n),
		Alaw: make([]byte, n),
	}
	for i := range n {
		p.Ulaw[i] = g711.UlawSilence
		p.Alaw[i] = g711.AlawSilence
	}
	return p
}

// fromPCM builds a prompt from linear samples, companding them once.
func fromPCM(name string, pcm []int16) *Prompt {
	p := &Prompt{
		Name: name,
		PCM:  pcm,
		Ulaw: make([]byte, len(pcm)),
		Alaw: make([]byte, len(pcm)),
	}
	g711.EncodeUlaw(p.Ulaw, pcm)
	g711.EncodeAlaw(p.Alaw, pcm)
	return p
}

// fromUlaw builds a prompt from μ-law codes, keeping them bit-exact.
func fromUlaw(name string, ulaw []byte) *Prompt {
	p := &Prompt{
		Name: name,
		PCM:  make([]int16, len(ulaw)),
		Ulaw: ulaw,
		Alaw: make([]byte, len(ulaw)),
	}
	g711.DecodeUlaw(p.PCM, ulaw)
	g711.UlawToAlaw(p.Alaw, ulaw)
	return p
}

// fromAlaw builds a prompt from A-law codes, keeping them bit-exact.
func fromAlaw(name string, alaw []byte) *Prompt {
	p := &Prompt{
		Name: name,
		PCM:  make([]int16, len(alaw)),
		Ulaw: make([]byte, len(alaw)),
		Alaw: alaw,
	}
	g711.DecodeAlaw(p.PCM, alaw)
	g711.AlawToUlaw(p.Ulaw, alaw)
	return p
}

// samplesDuration converts a sample count at SampleRate to a duration.
func samplesDuration(n int) time.Duration {
	return time.Duration(n) * time.Second / SampleRate
}
