package prompt

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// WAVE format tags (the wFormatTag field of the fmt chunk).
const (
	formatPCM        = 0x0001
	formatIEEEFloat  = 0x0003
	formatALaw       = 0x0006
	formatMuLaw      = 0x0007
	formatExtensible = 0xFFFE
)

const (
	// fmtBaseSize is the size of a WAVEFORMAT/PCMWAVEFORMAT fmt chunk.
	fmtBaseSize = 16
	// fmtExtensibleSize is the size of a WAVEFORMATEXTENSIBLE fmt chunk.
	fmtExtensibleSize = 40
	// extensibleCbSize is the cbSize value of WAVEFORMATEXTENSIBLE.
	extensibleCbSize = 22
	// maxFmtSize bounds the fmt chunk Decode is willing to read.
	maxFmtSize = 1024
)

// ksDataFormatSuffix is the tail shared by every KSDATAFORMAT_SUBTYPE_* GUID
// whose first two bytes are a classic format tag
// (xxxxxxxx-0000-0010-8000-00AA00389B71 in little-endian byte order).
//
//nolint:gochecknoglobals // read-only constant byte pattern
var ksDataFormatSuffix = [14]byte{
	0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
}

// encoding is how samples are stored in the data chunk.
type encoding int

const (
	encodingPCM16 encoding = iota + 1
	encodingUlaw
	encodingAlaw
)

// bytesPerSample returns the size of one mono sample in the data chunk.
func (e encoding) bytesPerSample() int {
	if e == encodingPCM16 {
		return 2
	}
	return 1
}

// waveFormat is the part of a fmt chunk that Decode cares about.
type waveFormat struct {
	tag        uint16 // effective tag: the subformat for WAVE_FORMAT_EXTENSIBLE
	channels   uint16
	sampleRate uint32
	blockAlign uint16
	bits       uint16
}

// parseFmt decodes the body of a fmt chunk.
func parseFmt(b []byte) (waveFormat, error) {
	if len(b) < fmtBaseSize {
		return waveFormat{}, fmt.Errorf("%w: fmt chunk is %d bytes, want at least %d",
			ErrNotWAV, len(b), fmtBaseSize)
	}
	le := binary.LittleEndian
	f := waveFormat{
		tag:        le.Uint16(b[0:2]),
		channels:   le.Uint16(b[2:4]),
		sampleRate: le.Uint32(b[4:8]),
		blockAlign: le.Uint16(b[12:14]),
		bits:       le.Uint16(b[14:16]),
	}
	if f.tag != formatExtensible {
		return f, nil
	}
	if len(b) < fmtExtensibleSize {
		return waveFormat{}, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes, want %d",
			ErrNotWAV, len(b), fmtExtensibleSize)
	}
	if cb := le.Uint16(b[16:18]); cb < extensibleCbSize {
		return waveFormat{}, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE cbSize %d, want %d",
			ErrNotWAV, cb, extensibleCbSize)
	}
	guid := b[24:40]
	if !bytes.Equal(guid[2:], ksDataFormatSuffix[:]) {
		return waveFormat{}, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE subformat GUID % X is not a standard audio subtype",
			ErrUnsupportedFormat, guid)
	}
	f.tag = le.Uint16(guid[0:2])
	return f, nil
}

// validate checks the format against what callgate accepts and reports
// how the samples are encoded.
// With convert, 16-bit PCM may also be stereo and at MinConvertRate to
// MaxConvertRate Hz (Convert mixes and resamples it).
func (f waveFormat) validate(convert bool) (encoding, error) {
	var enc encoding
	var wantBits uint16
	switch f.tag {
	case formatPCM:
		enc, wantBits = encodingPCM16, 16
	case formatMuLaw:
		enc, wantBits = encodingUlaw, 8
	case formatALaw:
		enc, wantBits = encodingAlaw, 8
	default:
		return 0, fmt.Errorf("%w: format tag %#04x (%s), want PCM (0x0001), A-law (0x0006) or μ-law (0x0007)",
			ErrUnsupportedFormat, f.tag, formatName(f.tag))
	}
	pcmConvert := convert && enc == encodingPCM16
	switch {
	case pcmConvert && (f.channels < 1 || f.channels > 2):
		return 0, fmt.Errorf("%w %d, want 1 (mono) or 2 (stereo)", ErrChannels, f.channels)
	case !pcmConvert && f.channels != 1:
		return 0, fmt.Errorf("%w %d, want 1 (mono)", ErrChannels, f.channels)
	case pcmConvert && (f.sampleRate < MinConvertRate || f.sampleRate > MaxConvertRate):
		return 0, fmt.Errorf("%w %d Hz, want %d to %d Hz", ErrSampleRate, f.sampleRate, MinConvertRate, MaxConvertRate)
	case !pcmConvert && f.sampleRate != SampleRate:
		return 0, fmt.Errorf("%w %d Hz, want %d Hz", ErrSampleRate, f.sampleRate, SampleRate)
	}
	if f.bits != wantBits {
		return 0, fmt.Errorf("%w: %d-bit %s, want %d-bit", ErrUnsupportedFormat, f.bits, formatName(f.tag), wantBits)
	}
	if want := uint16(enc.bytesPerSample()) * f.channels; f.blockAlign != want {
		return 0, fmt.Errorf("%w: block align %d bytes, want %d for %d-bit audio in %d channel(s)",
			ErrUnsupportedFormat, f.blockAlign, want, wantBits, f.channels)
	}
	return enc, nil
}

// formatName names a WAVE format tag for error messages.
func formatName(tag uint16) string {
	switch tag {
	case formatPCM:
		return "PCM"
	case formatIEEEFloat:
		return "IEEE float"
	case formatALaw:
		return "A-law"
	case formatMuLaw:
		return "μ-law"
	case formatExtensible:
		return "extensible"
	default:
		return "unknown"
	}
}
