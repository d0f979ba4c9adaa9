// Package evidence keeps what a caller was told and when, for the record
// that outlives the call: which consent notice (prompt names and the
// SHA-256 of the audio version played), when it started, and the answer.
// One hash per call, key callgate:evidence:{Call-ID}. No PHI is written.
package evidence

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// DefaultRetention is six years (45 CFR 164.530(j)).
const DefaultRetention = 6 * 365 * 24 * time.Hour

// ErrStore wraps a failure to write evidence.
var ErrStore = errors.New("evidence: store")

// Consent is one consent exchange.
type Consent struct {
	Prompts []string
	Hashes  []string
	Played  time.Time
	Result  string
	At      time.Time
}

// Store writes evidence hashes.
type Store struct {
	rdb       redis.UniversalClient
	prefix    string
	retention time.Duration
}

// New returns a Store; retention 0 means DefaultRetention.
func New(rdb redis.UniversalClient, retention time.Duration) *Store {
	if retention <= 0 {
		retention = DefaultRetention
	}
	return &Store{rdb: rdb, prefix: "callgate:evidence:", retention: retention}
}

// Key is the Redis key of a call's evidence.
func (s *Store) Key(callID string) string { return s.prefix + callID }

// PutConsent records a consent exchange in one round trip.
func (s *Store) PutConsent(ctx context.Context, callID string, c Consent) error {
	key := s.Key(callID)
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key,
			"consent_prompts", strings.Join(c.Prompts, ","),
			"consent_audio_sha256", strings.Join(c.Hashes, ","),
			"consent_played_at", c.Played.UTC().Format(time.RFC3339Nano),
			"consent_result", c.Result,
			"consent_result_at", c.At.UTC().Format(time.RFC3339Nano))
		p.Expire(ctx, key, s.retention)
		return nil
	})
	if err != nil {
		return fmt.Errorf("%w: consent for call: %w", ErrStore, err)
	}
	return nil
}
