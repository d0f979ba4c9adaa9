package promptstore

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/media/prompt"
	"github.com/callgate/callgate/routing/store/storetest"
)

func wav(t *testing.T, ms int, level int16) []byte {
	t.Helper()
	pcm := make([]int16, 8*ms)
	for i := range pcm {
		pcm[i] = level
		if i%2 == 1 {
			pcm[i] = -level
		}
	}
	var b bytes.Buffer
	require.NoError(t, prompt.Encode(&b, pcm))
	return b.Bytes()
}

func TestStoreAndCacheAcrossNodes(t *testing.T) {
	_, mini := storetest.Mini(t)
	for name, rdb := range map[string]redis.UniversalClient{"miniredis": mini, "redis-server": storetest.Redis(t)} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := New(rdb)
			lang := "zz"
			if name == "redis-server" {
				pfx := storetest.Prefix(t, rdb) // a language of our own on a shared server
				lang = "z" + string(rune('a'+len(pfx)%26))
				t.Cleanup(func() { cleanup(rdb, lang) })
			}
			other := NewCache(s, nil) // another node, running before the publish
			done := make(chan struct{})
			go func() { other.Run(ctx); close(done) }()
			require.Eventually(t, func() bool { return rdb.PubSubNumSub(ctx, Channel).Val()[Channel] >= 1 }, 5*time.Second, 10*time.Millisecond)

			_, ok := other.Get(lang, "welcome")
			assert.False(t, ok)
			v1, err := s.Publish(ctx, lang, "welcome", wav(t, 200, 1000), 0.2, "ada", "first")
			require.NoError(t, err)
			assert.Equal(t, 1, v1.Version)
			require.Eventually(t, func() bool { p, ok := other.Get(lang, "welcome"); return ok && p.Duration() == 200*time.Millisecond },
				5*time.Second, 10*time.Millisecond, "every node plays the new version")
			v2, err := s.Publish(ctx, lang, "welcome", wav(t, 400, 2000), 0.4, "ada", "louder")
			require.NoError(t, err)
			assert.Equal(t, 2, v2.Version)
			require.Eventually(t, func() bool { p, _ := other.Get(lang, "welcome"); return p.Duration() == 400*time.Millisecond },
				5*time.Second, 10*time.Millisecond)

			fresh := NewCache(s, nil) // a node that starts later
			require.NoError(t, fresh.Load(ctx))
			p, ok := fresh.Get(lang, "welcome")
			require.True(t, ok)
			assert.Equal(t, 400*time.Millisecond, p.Duration())

			vs, err := s.Versions(ctx, lang, "welcome")
			require.NoError(t, err)
			require.Len(t, vs, 2)
			assert.Equal(t, "first", vs[0].Comment)
			assert.Equal(t, "ada", vs[1].Author)
			assert.NotEqual(t, vs[0].SHA256, vs[1].SHA256)
			list, err := s.List(ctx)
			require.NoError(t, err)
			assert.Contains(t, list, v2)

			_, err = s.Publish(ctx, "EN", "welcome", nil, 0, "ada", "")
			assert.ErrorIs(t, err, ErrInvalidName)
			_, err = s.Publish(ctx, lang, "../etc", nil, 0, "ada", "")
			assert.ErrorIs(t, err, ErrInvalidName)
			_, _, err = s.Live(ctx, lang, "nothing")
			assert.ErrorIs(t, err, ErrNotFound)
			cancel()
			<-done
		})
	}
}

func cleanup(rdb redis.UniversalClient, lang string) {
	ctx := context.Background()
	for _, k := range rdb.Keys(ctx, "callgate:prompt:"+lang+":*").Val() {
		rdb.Del(ctx, k)
	}
	for _, m := range rdb.SMembers(ctx, indexKey).Val() {
		if len(m) > len(lang) && m[:len(lang)+1] == lang+"/" {
			rdb.SRem(ctx, indexKey, m)
		}
	}
}
