// Package promptstore keeps prompts that admins upload, versioned and
// shared by every node through Redis, and a per-node cache of the live
// versions that the IVR plays.
//
// Keys, for language LANG and prompt NAME:
//
//	callgate:prompt:LANG:NAME:seq     the last version number (INCR)
//	callgate:prompt:LANG:NAME:vN      hash: wav (8 kHz mono 16-bit PCM WAV), sha256, author, at (unix ms), comment, seconds
//	callgate:prompt:LANG:NAME:live    the live version number
//	callgate:prompts                  set of "LANG/NAME" with a live version
//
// A publish also announces "LANG/NAME" on the pub/sub channel
// callgate:prompts so every node's cache reloads that prompt.
package promptstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Channel announces published prompts ("LANG/NAME").
const Channel = "callgate:prompts"

const indexKey = "callgate:prompts"

var (
	// ErrInvalidName means a language or prompt name is not allowed.
	ErrInvalidName = errors.New("promptstore: invalid name")
	// ErrNotFound means there is no such prompt or version.
	ErrNotFound = errors.New("promptstore: not found")
)

var (
	nameRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`) //nolint:gochecknoglobals // read-only
	langRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]{2})?$`) //nolint:gochecknoglobals // read-only
)

// ValidName reports whether lang and name may be stored: lang like en or
// es-mx, name like queue_position (a-z, 0-9, _, starting with a letter).
func ValidName(lang, name string) bool { return langRe.MatchString(lang) && nameRe.MatchString(name) }

// Version describes one stored version of a prompt.
type Version struct {
	Lang    string    `json:"lang"`
	Name    string    `json:"name"`
	Version int       `json:"version"`
	SHA256  string    `json:"sha256"`
	Author  string    `json:"author"`
	At      time.Time `json:"at"`
	Comment string    `json:"comment,omitempty"`
	Seconds float64   `json:"seconds"`
}

// Store is the shared prompt store.
type Store struct {
	rdb redis.UniversalClient
	now func() time.Time
}

// New returns the store in rdb.
func New(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb, now: time.Now} }

func key(lang, name, suffix string) string {
	return "callgate:prompt:" + lang + ":" + name + ":" + suffix
}

// publishScript stores version INCR(seq) and makes it live, atomically.
// KEYS: seq, live, index; ARGV: prefix, wav, sha256, author, at, comment,
// seconds, member, channel. Returns the version.
var publishScript = redis.NewScript(`
local v = redis.call('INCR', KEYS[1])
redis.call('HSET', ARGV[1] .. 'v' .. v, 'wav', ARGV[2], 'sha256', ARGV[3], 'author', ARGV[4], 'at', ARGV[5], 'comment', ARGV[6], 'seconds', ARGV[7])
redis.call('SET', KEYS[2], v)
redis.call('SADD', KEYS[3], ARGV[8])
redis.call('PUBLISH', ARGV[9], ARGV[8])
return v
`) //nolint:gochecknoglobals // immutable script

// Publish stores wav (an 8 kHz mono WAV the caller has validated) as the
// next version of lang/name and makes it live on every node.
func (s *Store) Publish(ctx context.Context, lang, name string, wav []byte, seconds float64, author, comment string) (Version, error) {
	if !ValidName(lang, name) {
		return Version{}, fmt.Errorf("%w: %q/%q", ErrInvalidName, lang, name)
	}
	sum := sha256.Sum256(wav)
	v := Version{Lang: lang, Name: name, SHA256: hex.EncodeToString(sum[:]), Author: author,
		At: s.now().UTC().Truncate(time.Millisecond), Comment: comment, Seconds: seconds}
	n, err := publishScript.Run(ctx, s.rdb, []string{key(lang, name, "seq"), key(lang, name, "live"), indexKey},
		key(lang, name, ""), wav, v.SHA256, author, strconv.FormatInt(v.At.UnixMilli(), 10), comment,
		strconv.FormatFloat(seconds, 'f', 3, 64), lang+"/"+name, Channel).Int()
	if err != nil {
		return Version{}, fmt.Errorf("promptstore: publish %s/%s: %w", lang, name, err)
	}
	v.Version = n
	return v, nil
}

// Live returns the live version of lang/name and its WAV.
func (s *Store) Live(ctx context.Context, lang, name string) (Version, []byte, error) {
	n, err := s.rdb.Get(ctx, key(lang, name, "live")).Int()
	if errors.Is(err, redis.Nil) {
		return Version{}, nil, fmt.Errorf("%w: %s/%s", ErrNotFound, lang, name)
	}
	if err != nil {
		return Version{}, nil, fmt.Errorf("promptstore: %s/%s: %w", lang, name, err)
	}
	return s.get(ctx, lang, name, n, true)
}

// Versions lists every version of lang/name, oldest first.
func (s *Store) Versions(ctx context.Context, lang, name string) ([]Version, error) {
	last, err := s.rdb.Get(ctx, key(lang, name, "seq")).Int()
	if errors.Is(err, redis.Nil) {
		return []Version{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("promptstore: %s/%s: %w", lang, name, err)
	}
	out := make([]Version, 0, last)
	for n := 1; n <= last; n++ {
		v, _, err := s.get(ctx, lang, name, n, false)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// List returns the live version of every uploaded prompt, by language
// and name.
func (s *Store) List(ctx context.Context) ([]Version, error) {
	members, err := s.rdb.SMembers(ctx, indexKey).Result()
	if err != nil {
		return nil, fmt.Errorf("promptstore: list: %w", err)
	}
	sort.Strings(members)
	out := make([]Version, 0, len(members))
	for _, m := range members {
		lang, name, _ := strings.Cut(m, "/")
		v, _, err := s.Live(ctx, lang, name)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Store) get(ctx context.Context, lang, name string, n int, withWAV bool) (Version, []byte, error) {
	fields := []string{"sha256", "author", "at", "comment", "seconds"}
	if withWAV {
		fields = append(fields, "wav")
	}
	vals, err := s.rdb.HMGet(ctx, key(lang, name, "v"+strconv.Itoa(n)), fields...).Result()
	if err != nil {
		return Version{}, nil, fmt.Errorf("promptstore: %s/%s v%d: %w", lang, name, n, err)
	}
	str := func(i int) string { s, _ := vals[i].(string); return s }
	if str(0) == "" {
		return Version{}, nil, fmt.Errorf("%w: %s/%s v%d", ErrNotFound, lang, name, n)
	}
	at, _ := strconv.ParseInt(str(2), 10, 64)
	secs, _ := strconv.ParseFloat(str(4), 64)
	v := Version{Lang: lang, Name: name, Version: n, SHA256: str(0), Author: str(1), At: time.UnixMilli(at).UTC(), Comment: str(3), Seconds: secs}
	var wav []byte
	if withWAV {
		wav = []byte(str(5))
	}
	return v, wav, nil
}
