package media

import (
	"fmt"

	"github.com/callgate/callgate/media/g711"
)

// Codec is a narrowband G.711 codec (RFC 3551 §4.5.14): 8 kHz, one byte per sample.
type Codec uint8

// The static payload types of RFC 3551 Table 4.
const (
	PCMU Codec = 0
	PCMA Codec = 8
)

const (
	// SampleRate is the clock rate of every codec here.
	SampleRate = 8000
	// FrameSamples is the number of samples in one 20 ms packet.
	FrameSamples = 160
	// FrameDuration is the packetization time (ptime).
	FrameDuration = 20_000_000 // ns; 20 ms
)

// CodecFromPT returns the codec for a static payload type.
func CodecFromPT(pt uint8) (Codec, error) {
	switch pt {
	case 0:
		return PCMU, nil
	case 8:
		return PCMA, nil
	}
	return 0, fmt.Errorf("%w: payload type %d", ErrUnsupportedCodec, pt)
}

// PayloadType is the RTP payload type of c.
func (c Codec) PayloadType() uint8 { return uint8(c) }

// String is the SDP encoding name.
func (c Codec) String() string {
	if c == PCMA {
		return "PCMA"
	}
	return "PCMU"
}

// Silence is the encoded value of a zero sample.
func (c Codec) Silence() byte {
	if c == PCMA {
		return g711.AlawSilence
	}
	return g711.UlawSilence
}

// Decode converts encoded samples to 16-bit linear PCM.
func (c Codec) Decode(dst []int16, src []byte) int {
	if c == PCMA {
		return g711.DecodeAlaw(dst, src)
	}
	return g711.DecodeUlaw(dst, src)
}

// Encode converts 16-bit linear PCM to encoded samples.
func (c Codec) Encode(dst []byte, src []int16) int {
	if c == PCMA {
		return g711.EncodeAlaw(dst, src)
	}
	return g711.EncodeUlaw(dst, src)
}
