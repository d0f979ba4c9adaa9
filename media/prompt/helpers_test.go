package prompt

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// chunk builds one RIFF chunk, adding the pad byte after an odd-sized body.
func chunk(id string, body []byte) []byte {
	out := append([]byte(id), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	out = append(out, body...)
	if len(body)%2 == 1 {
		out = append(out, 0)
	}
	return out
}

// riff wraps chunks in a RIFF/WAVE header with a correct RIFF size.
func riff(chunks ...[]byte) []byte {
	body := []byte("WAVE")
	for _, c := range chunks {
		body = append(body, c...)
	}
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...)
	return append(out, body...)
}

// fmtSpec describes a fmt chunk; zero blockAlign means channels*bits/8.
type fmtSpec struct {
	tag        uint16
	channels   uint16
	rate       uint32
	bits       uint16
	blockAlign uint16
}

// pcm8k is the accepted 16-bit 8 kHz mono PCM format.
func pcm8k() fmtSpec { return fmtSpec{tag: formatPCM, channels: 1, rate: SampleRate, bits: 16} }

// body encodes the 16-byte PCMWAVEFORMAT body.
func (f fmtSpec) body() []byte {
	align := f.blockAlign
	if align == 0 {
		align = f.channels * f.bits / 8
	}
	le := binary.LittleEndian
	b := le.AppendUint16(nil, f.tag)
	b = le.AppendUint16(b, f.channels)
	b = le.AppendUint32(b, f.rate)
	b = le.AppendUint32(b, f.rate*uint32(align))
	b = le.AppendUint16(b, align)
	return le.AppendUint16(b, f.bits)
}

// chunk returns the fmt chunk for f.
func (f fmtSpec) chunk() []byte { return chunk("fmt ", f.body()) }

// extensibleFmt returns a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk for a
// mono 8 kHz stream with the given subformat tag and bit depth.
func extensibleFmt(subTag, bits uint16) []byte {
	le := binary.LittleEndian
	b := fmtSpec{tag: formatExtensible, channels: 1, rate: SampleRate, bits: bits}.body()
	b = le.AppendUint16(b, extensibleCbSize)
	b = le.AppendUint16(b, bits) // valid bits per sample
	b = le.AppendUint32(b, 0x4)  // SPEAKER_FRONT_CENTER
	b = le.AppendUint16(b, subTag)
	b = append(b, ksDataFormatSuffix[:]...)
	return chunk("fmt ", b)
}

// pcmBytes encodes samples as little-endian 16-bit PCM.
func pcmBytes(pcm []int16) []byte {
	out := make([]byte, 0, 2*len(pcm))
	for _, s := range pcm {
		out = binary.LittleEndian.AppendUint16(out, uint16(s))
	}
	return out
}

// sine returns n samples of a 440 Hz tone at about half scale.
func sine(n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(16000 * math.Sin(2*math.Pi*440*float64(i)/SampleRate))
	}
	return out
}

// validWAV returns a canonical PCM WAV of samples via Encode.
func validWAV(t testing.TB, samples []int16) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, Encode(&buf, samples))
	return buf.Bytes()
}
