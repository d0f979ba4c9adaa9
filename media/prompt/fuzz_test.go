package prompt

import (
	"bytes"
	"errors"
	"testing"

	"github.com/callgate/callgate/media/g711"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func FuzzDecode(f *testing.F) {
	pcm := sine(64)
	ulaw := make([]byte, len(pcm))
	g711.EncodeUlaw(ulaw, pcm)
	f.Add(validWAV(f, pcm))
	f.Add(riff(chunk("LIST", []byte("INFOabc")), pcm8k().chunk(), chunk("data", pcmBytes(pcm[:9]))))
	f.Add(riff(extensibleFmt(formatPCM, 16), chunk("data", pcmBytes(pcm))))
	f.Add(riff(fmtSpec{tag: formatMuLaw, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", ulaw)))
	f.Add(riff(fmtSpec{tag: formatALaw, channels: 1, rate: SampleRate, bits: 8}.chunk(), chunk("data", ulaw[:7])))
	f.Add([]byte("RIFF"))

	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Decode("fuzz", bytes.NewReader(data))
		if err != nil {
			require.Nil(t, p)
			require.Contains(t, err.Error(), `prompt "fuzz": `)
			require.Truef(t, isSentinel(err), "error wraps no sentinel: %v", err)
			return
		}
		n := len(p.PCM)
		require.Positive(t, n)
		require.LessOrEqual(t, n, maxSamples)
		require.Len(t, p.Ulaw, n)
		require.Len(t, p.Alaw, n)
		require.LessOrEqual(t, n, len(data))

		// Whatever was accepted must survive an Encode/Decode round trip.
		var buf bytes.Buffer
		require.NoError(t, Encode(&buf, p.PCM))
		again, err := Decode("fuzz", &buf)
		require.NoError(t, err)
		assert.Equal(t, p.PCM, again.PCM)
		assert.Equal(t, p.Alaw, again.Alaw)
	})
}

// isSentinel reports whether err wraps one of the errors Decode uses for
// bad input.
func isSentinel(err error) bool {
	sentinels := []error{
		ErrNotWAV, ErrUnsupportedFormat, ErrSampleRate, ErrChannels, ErrTruncated, ErrEmpty, ErrTooLong,
	}
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
