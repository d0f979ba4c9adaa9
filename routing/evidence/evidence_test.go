package evidence

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPutConsent(t *testing.T) {
	m := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: m.Addr()})
	defer rdb.Close()
	s := New(rdb, 0)
	played := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	err := s.PutConsent(context.Background(), "abc@host", Consent{
		Prompts: []string{"welcome", "consent"}, Hashes: []string{"aa", "bb"},
		Played: played, Result: "granted", At: played.Add(4 * time.Second),
	})
	require.NoError(t, err)
	assert.Equal(t, "welcome,consent", m.HGet("callgate:evidence:abc@host", "consent_prompts"))
	assert.Equal(t, "aa,bb", m.HGet("callgate:evidence:abc@host", "consent_audio_sha256"))
	assert.Equal(t, "granted", m.HGet("callgate:evidence:abc@host", "consent_result"))
	assert.Equal(t, "2026-11-26T12:00:04Z", m.HGet("callgate:evidence:abc@host", "consent_result_at"))
	assert.Equal(t, DefaultRetention, m.TTL("callgate:evidence:abc@host"))

	m.SetError("down")
	err = s.PutConsent(context.Background(), "x", Consent{})
	require.ErrorIs(t, err, ErrStore)
}
