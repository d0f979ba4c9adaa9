package prompt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

const (
	// riffHeaderSize is "RIFF", the RIFF size and "WAVE".
	riffHeaderSize = 12
	// chunkHeaderSize is a chunk ID and a chunk size.
	chunkHeaderSize = 8
	// readChunk is the initial buffer size for sample data; readN doubles it
	// only as data actually arrives, so a lying data chunk size cannot force
	// a large allocation up front.
	readChunk = 64 << 10
)

// Decode reads a RIFF/WAVE file from r and returns it as a prompt called
// name, converted to PCM, μ-law and A-law.
//
// It accepts 16-bit PCM (including WAVE_FORMAT_EXTENSIBLE with a PCM, μ-law
// or A-law subformat) and 8-bit μ-law or A-law, at 8000 Hz mono. Unknown
// chunks before the data chunk (LIST, fact, ...) are skipped, honouring the
// RIFF pad byte after odd-sized chunks; anything after the data chunk is not
// read. Errors name the prompt and wrap one of ErrNotWAV,
// ErrUnsupportedFormat, ErrSampleRate, ErrChannels, ErrTruncated, ErrEmpty or
// ErrTooLong, or the reader's own error.
func Decode(name string, r io.Reader) (*Prompt, error) {
	p, err := decode(name, r, false)
	if err != nil {
		return nil, fmt.Errorf("prompt %q: %w", name, err)
	}
	return p, nil
}

// Convert is Decode for uploaded audio: it also takes 16-bit PCM in
// stereo (mixed down) and at sample rates from 8000 to 48000 Hz
// (low-pass filtered to the telephone band and resampled to 8000 Hz).
// The duration limit applies to the converted prompt.
func Convert(name string, r io.Reader) (*Prompt, error) {
	p, err := decode(name, r, true)
	if err != nil {
		return nil, fmt.Errorf("prompt %q: %w", name, err)
	}
	return p, nil
}

// decode does the work of Decode; its errors do not yet name the prompt.
func decode(name string, r io.Reader, convert bool) (*Prompt, error) {
	if err := readRIFFHeader(r); err != nil {
		return nil, err
	}
	var (
		format   *waveFormat
		metadata int64
		hdr      [chunkHeaderSize]byte
	)
	for {
		n, err := io.ReadFull(r, hdr[:])
		if errors.Is(err, io.EOF) && n == 0 {
			return nil, missingChunkError(format)
		}
		if err != nil {
			return nil, shortRead(err, "chunk header", n, len(hdr))
		}
		id := string(hdr[0:4])
		size := int64(binary.LittleEndian.Uint32(hdr[4:8]))
		if id == "data" {
			if format == nil {
				return nil, fmt.Errorf("%w: data chunk before fmt chunk", ErrNotWAV)
			}
			return readData(name, r, *format, size, convert)
		}
		metadata += chunkHeaderSize + size
		if metadata > maxMetadataBytes {
			return nil, fmt.Errorf("%w: %q chunk of %d bytes takes the chunks before the data chunk past %d bytes",
				ErrTooLong, id, size, maxMetadataBytes)
		}
		if id != "fmt " {
			if err := skip(r, size, id); err != nil {
				return nil, err
			}
			continue
		}
		if format != nil {
			return nil, fmt.Errorf("%w: duplicate fmt chunk", ErrNotWAV)
		}
		if size > maxFmtSize {
			return nil, fmt.Errorf("%w: fmt chunk is %d bytes, max %d", ErrNotWAV, size, maxFmtSize)
		}
		f, err := readFmt(r, size, convert)
		if err != nil {
			return nil, err
		}
		format = &f
	}
}

// readRIFFHeader consumes and checks the 12-byte RIFF/WAVE header.
func readRIFFHeader(r io.Reader) error {
	var hdr [riffHeaderSize]byte
	n, err := io.ReadFull(r, hdr[:])
	switch {
	case err == nil:
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if n >= 4 && string(hdr[0:4]) == "RIFF" {
			return fmt.Errorf("%w: RIFF header is %d bytes, want %d", ErrTruncated, n, riffHeaderSize)
		}
		return fmt.Errorf("%w: input is %d bytes, too short for a RIFF header", ErrNotWAV, n)
	default:
		return fmt.Errorf("read RIFF header: %w", err)
	}
	if string(hdr[0:4]) != "RIFF" {
		return fmt.Errorf("%w: starts with %q, want \"RIFF\"", ErrNotWAV, hdr[0:4])
	}
	if string(hdr[8:12]) != "WAVE" {
		return fmt.Errorf("%w: RIFF form type %q, want \"WAVE\"", ErrNotWAV, hdr[8:12])
	}
	return nil
}

// readFmt reads a fmt chunk body of the given size plus its pad byte and
// validates the format.
func readFmt(r io.Reader, size int64, convert bool) (waveFormat, error) {
	buf := make([]byte, size+size&1)
	if n, err := io.ReadFull(r, buf); err != nil && int64(n) < size {
		return waveFormat{}, shortRead(err, "fmt chunk", n, int(size))
	}
	f, err := parseFmt(buf[:size])
	if err != nil {
		return waveFormat{}, err
	}
	if _, err := f.validate(convert); err != nil {
		return waveFormat{}, err
	}
	return f, nil
}

// readData reads the data chunk body and converts it to a prompt.
func readData(name string, r io.Reader, f waveFormat, size int64, convert bool) (*Prompt, error) {
	enc, err := f.validate(convert)
	if err != nil {
		return nil, err
	}
	width := int64(enc.bytesPerSample()) * int64(f.channels)
	if size == 0 {
		return nil, fmt.Errorf("%w: data chunk is empty", ErrEmpty)
	}
	if size/width*SampleRate/int64(f.sampleRate) > int64(maxSamples) {
		return nil, fmt.Errorf("%w: data chunk holds %v of audio, max %v",
			ErrTooLong, samplesDuration(int(size/width)), MaxDuration)
	}
	if size%width != 0 {
		return nil, fmt.Errorf("%w: data chunk is %d bytes, not a whole number of %d-byte samples",
			ErrTruncated, size, width)
	}
	data, err := readN(r, size)
	if err != nil {
		return nil, err
	}
	switch enc {
	case encodingUlaw:
		return fromUlaw(name, data), nil
	case encodingAlaw:
		return fromAlaw(name, data), nil
	default:
		pcm := make([]int16, len(data)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
		if f.channels == 2 {
			pcm = downmix(pcm)
		}
		if f.sampleRate != SampleRate {
			pcm = resample(pcm, int(f.sampleRate))
		}
		if len(pcm) == 0 {
			return nil, fmt.Errorf("%w: no audio after conversion", ErrEmpty)
		}
		return fromPCM(name, pcm), nil
	}
}

// readN reads exactly size bytes. It grows its buffer as data actually
// arrives, doubling up to exactly size, so a lying chunk size cannot force
// a large allocation and the result carries no spare capacity.
func readN(r io.Reader, size int64) ([]byte, error) {
	buf := make([]byte, min(size, readChunk))
	got := 0
	for {
		n, err := io.ReadFull(r, buf[got:])
		got += n
		if err != nil {
			return nil, shortRead(err, "data chunk", got, int(size))
		}
		if int64(got) == size {
			return buf, nil
		}
		next := make([]byte, min(size, 2*int64(len(buf))))
		copy(next, buf)
		buf = next
	}
}

// skip discards an unknown chunk's body and its pad byte.
func skip(r io.Reader, size int64, id string) error {
	total := size + size&1
	n, err := io.CopyN(io.Discard, r, total)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF):
		if n == size { // only the final pad byte is missing
			return nil
		}
		return fmt.Errorf("%w: %q chunk has %d of %d bytes", ErrTruncated, id, n, size)
	default:
		return fmt.Errorf("skip %q chunk: %w", id, err)
	}
}

// shortRead turns an io.ReadFull failure into ErrTruncated when the input
// ended early, or wraps the reader's own error otherwise.
func shortRead(err error, what string, got, want int) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %s has %d of %d bytes", ErrTruncated, what, got, want)
	}
	return fmt.Errorf("read %s: %w", what, err)
}

// missingChunkError explains which required chunk never appeared.
func missingChunkError(format *waveFormat) error {
	if format == nil {
		return fmt.Errorf("%w: no fmt chunk", ErrNotWAV)
	}
	return fmt.Errorf("%w: no data chunk", ErrNotWAV)
}
