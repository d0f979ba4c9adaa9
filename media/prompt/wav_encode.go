package prompt

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

const (
	// wavHeaderSize is the canonical 44-byte PCM WAV header.
	wavHeaderSize = riffHeaderSize + chunkHeaderSize + fmtBaseSize + chunkHeaderSize
	// maxEncodeSamples keeps the RIFF size field within 32 bits.
	maxEncodeSamples = (math.MaxUint32 - (wavHeaderSize - chunkHeaderSize)) / 2
	// encodeBufSize is how many bytes Encode hands to w per Write.
	encodeBufSize = 8 << 10
)

// Encode writes pcm to w as a canonical 44-byte-header WAV file: 16-bit
// linear PCM, 8000 Hz, mono. It issues a bounded number of large writes, so
// w need not be buffered. Audio too large for a 32-bit RIFF size fails with
// ErrTooLong before anything is written.
func Encode(w io.Writer, pcm []int16) error {
	if uint64(len(pcm)) > maxEncodeSamples {
		return fmt.Errorf("%w: %d samples (%v) do not fit a WAV file, max %d",
			ErrTooLong, len(pcm), samplesDuration(len(pcm)), uint64(maxEncodeSamples))
	}
	dataSize := uint32(2 * len(pcm))
	le := binary.LittleEndian
	buf := make([]byte, 0, encodeBufSize)
	buf = append(buf, "RIFF"...)
	buf = le.AppendUint32(buf, wavHeaderSize-chunkHeaderSize+dataSize)
	buf = append(buf, "WAVEfmt "...)
	buf = le.AppendUint32(buf, fmtBaseSize)
	buf = le.AppendUint16(buf, formatPCM)
	buf = le.AppendUint16(buf, 1)            // channels
	buf = le.AppendUint32(buf, SampleRate)   // sample rate
	buf = le.AppendUint32(buf, SampleRate*2) // byte rate
	buf = le.AppendUint16(buf, 2)            // block align
	buf = le.AppendUint16(buf, 16)           // bits per sample
	buf = append(buf, "data"...)
	buf = le.AppendUint32(buf, dataSize)

	for _, s := range pcm {
		if len(buf)+2 > cap(buf) {
			if _, err := w.Write(buf); err != nil {
				return fmt.Errorf("write WAV: %w", err)
			}
			buf = buf[:0]
		}
		buf = le.AppendUint16(buf, uint16(s))
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write WAV: %w", err)
	}
	return nil
}
