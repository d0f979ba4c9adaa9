// Package prompt loads the IVR's recorded audio prompts.
//
// Prompts are 8 kHz mono WAV files. Each file is validated and converted to
// linear PCM, μ-law and A-law exactly once, at load time; the resulting
// [Prompt] values are then shared read-only by every call, so playing a
// prompt never decodes, transcodes or allocates.
//
// [Decode] accepts RIFF/WAVE files holding 16-bit PCM (plain or
// WAVE_FORMAT_EXTENSIBLE), or 8-bit μ-law or A-law, at 8000 Hz with one
// channel. Everything else is rejected with an error that names the prompt
// and says what is wrong. [LoadFS] loads a directory of such files into a
// [Set], and [Encode] writes linear PCM back out as a WAV file.
package prompt

import "time"

const (
	// SampleRate is the only sample rate accepted and produced, in Hz.
	SampleRate = 8000

	// MaxDuration is the longest prompt Decode accepts. It bounds how much
	// memory a single (possibly hostile) file can make the loader allocate.
	MaxDuration = 10 * time.Minute

	// maxSamples is MaxDuration expressed in samples.
	maxSamples = int(MaxDuration / time.Second * SampleRate)

	// maxMetadataBytes bounds the total size of the non-audio chunks
	// (fmt, LIST, fact, ...) that Decode reads or skips before the data chunk.
	maxMetadataBytes = 1 << 20
)
