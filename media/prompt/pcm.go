package prompt

// FromPCM builds a prompt from 8 kHz 16-bit linear samples (generated
// tones, in-band DTMF), converting to μ-law and A-law once.
func FromPCM(name string, pcm []int16) *Prompt { return fromPCM(name, pcm) }
