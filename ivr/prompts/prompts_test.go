package prompts

import (
	"bytes"
	"encoding/binary"
	"io/fs"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/callgate/callgate/media/prompt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// maxPromptDuration is the longest any bundled prompt may be.
const maxPromptDuration = 15 * time.Second

// requiredEnglish lists the prompts the call core and demo flows play.
func requiredEnglish() []string {
	return []string{
		"welcome", "consent", "consent_thanks", "role", "enter_member_id",
		"enter_dob", "enter_pin", "enter_rep_code", "invalid", "not_verified",
		"verify_failed_transfer", "verified", "purpose", "no_input",
		"connecting", "queue_position", "goodbye", "language", "after_hours",
		"refill_enter_rx", "refill_confirm", "hold_music",
		"otp_sending_sms", "otp_sending_call", "enter_otp", "otp_expired",
	}
}

func TestLoadHasEveryLanguage(t *testing.T) {
	sets, err := Load()
	require.NoError(t, err)
	require.Len(t, sets, len(Languages()))
	for _, lang := range Languages() {
		require.Containsf(t, sets, lang, "language %q", lang)
	}
}

func TestRequiredPrompts(t *testing.T) {
	sets, err := Load()
	require.NoError(t, err)
	tests := []struct {
		name  string
		lang  string
		names []string
	}{
		{name: "english has every prompt", lang: "en", names: requiredEnglish()},
		{name: "spanish subset", lang: "es", names: []string{"welcome", "consent", "role", "goodbye", "language"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range tc.names {
				_, ok := sets[tc.lang].Get(name)
				assert.Truef(t, ok, "%s/%s.wav missing", tc.lang, name)
			}
		})
	}
}

func TestEverySpanishPromptHasEnglish(t *testing.T) {
	sets, err := Load()
	require.NoError(t, err)
	for _, name := range sets["es"].Names() {
		_, ok := sets["en"].Get(name)
		assert.Truef(t, ok, "es/%s.wav has no English counterpart", name)
	}
}

func TestBundledPromptsArePlayable(t *testing.T) {
	sets, err := Load()
	require.NoError(t, err)
	for _, lang := range Languages() {
		for _, name := range sets[lang].Names() {
			t.Run(lang+"/"+name, func(t *testing.T) {
				p, ok := sets[lang].Get(name)
				require.True(t, ok)
				assert.Equal(t, name, p.Name)
				require.NotEmpty(t, p.PCM)
				assert.Len(t, p.Ulaw, len(p.PCM))
				assert.Len(t, p.Alaw, len(p.PCM))
				assert.Less(t, p.Duration(), maxPromptDuration)
				assert.Greater(t, p.Duration(), 500*time.Millisecond)
				assert.NotZero(t, peak(p.PCM), "prompt is silent")
			})
		}
	}
}

// TestBundledFilesAre8kHzMono checks the raw headers, independently of the
// loader: 16-bit PCM, 8000 Hz, one channel.
func TestBundledFilesAre8kHzMono(t *testing.T) {
	files, err := fs.Glob(FS, "*/*.wav")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := fs.ReadFile(FS, file)
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(data), 36)
			require.Equal(t, "RIFF", string(data[0:4]))
			require.Equal(t, "WAVE", string(data[8:12]))
			require.Equal(t, "fmt ", string(data[12:16]))
			le := binary.LittleEndian
			assert.Equal(t, uint16(1), le.Uint16(data[20:22]), "format tag (PCM)")
			assert.Equal(t, uint16(1), le.Uint16(data[22:24]), "channels")
			assert.Equal(t, uint32(prompt.SampleRate), le.Uint32(data[24:28]), "sample rate")
			assert.Equal(t, uint16(16), le.Uint16(data[34:36]), "bits per sample")

			// And the loader agrees once it is decoded on its own.
			name := strings.TrimSuffix(path.Base(file), ".wav")
			p, err := prompt.Decode(name, bytes.NewReader(data))
			require.NoError(t, err)
			assert.Less(t, p.Duration(), maxPromptDuration)
		})
	}
}

// peak returns the largest absolute sample value.
func peak(pcm []int16) int {
	var m int
	for _, s := range pcm {
		m = max(m, abs(int(s)))
	}
	return m
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
