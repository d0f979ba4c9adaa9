package prompt

import "errors"

var (
	// ErrNotWAV means the input is not a well-formed RIFF/WAVE file: the
	// RIFF or WAVE magic is missing, or the fmt or data chunk is missing,
	// duplicated, out of order or malformed.
	ErrNotWAV = errors.New("not a valid WAV file")

	// ErrUnsupportedFormat means the WAV file is well formed but its sample
	// encoding is not 16-bit PCM, 8-bit μ-law or 8-bit A-law.
	ErrUnsupportedFormat = errors.New("unsupported audio format")

	// ErrSampleRate means the WAV file's sample rate is not 8000 Hz.
	ErrSampleRate = errors.New("unsupported sample rate")

	// ErrChannels means the WAV file is not mono.
	ErrChannels = errors.New("unsupported channel count")

	// ErrTruncated means the input ended inside a chunk: the file was cut
	// short or a chunk size is wrong.
	ErrTruncated = errors.New("truncated WAV file")

	// ErrEmpty means the WAV file's data chunk holds no samples.
	ErrEmpty = errors.New("no audio samples")

	// ErrTooLong means the audio is longer than MaxDuration, the metadata
	// chunks exceed their size limit, or the audio is too long to fit a
	// WAV file.
	ErrTooLong = errors.New("audio too long")

	// ErrNoPrompts means LoadFS found no .wav files in the directory.
	ErrNoPrompts = errors.New("no .wav prompt files")

	// ErrInvalidName means a prompt file name has nothing before ".wav".
	ErrInvalidName = errors.New("invalid prompt name")
)
