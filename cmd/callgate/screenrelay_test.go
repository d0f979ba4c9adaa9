package main

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/routing/dispatch"
	"github.com/callgate/callgate/routing/store/storetest"
	"github.com/callgate/callgate/web"
)

// TestScreenRelayAcrossNodes: the node that bridges a call pushes the pop
// to an agent whose browser is on another node.
func TestScreenRelayAcrossNodes(t *testing.T) {
	_, mini := storetest.Mini(t)
	for name, rdb := range map[string]redis.UniversalClient{"miniredis": mini, "redis-server": storetest.Redis(t)} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			log := slog.New(slog.DiscardHandler)
			a, b := newScreenRelay(web.NewHub(), rdb, log), newScreenRelay(web.NewHub(), rdb, log)
			done := make(chan struct{}, 2)
			for _, r := range []*screenRelay{a, b} {
				go func() { r.Run(ctx); done <- struct{}{} }()
			}
			require.Eventually(t, func() bool {
				n := rdb.PubSubNumSub(ctx, screensChannel).Val()[screensChannel]
				return n >= 2
			}, 5*time.Second, 10*time.Millisecond, "both nodes subscribed")

			user := "alice-" + name
			a.Pop(user, dispatch.Pop{CallID: "call-1", VerificationLevel: "full", Purpose: "billing",
				Context: map[string]string{"name": "Maria Lopez", "balance": "$42.10"}, Sensitive: []string{"balance"},
				Subject: "m_aaaaaaaaaaaaaaaaaaaa", Policy: "sha256:abc"})
			got, ok := a.hub.Current(user)
			require.True(t, ok, "the bridging node has it at once")
			assert.Equal(t, "call-1", got.CallID)
			require.Eventually(t, func() bool { _, ok := b.hub.Current(user); return ok }, 5*time.Second, 10*time.Millisecond,
				"the other node receives the pop")
			got, _ = b.hub.Current(user)
			assert.Equal(t, map[string]string{"name": "Maria Lopez", "balance": "$42.10"}, got.Context)
			assert.Equal(t, []string{"balance"}, got.Sensitive)
			assert.Equal(t, "m_aaaaaaaaaaaaaaaaaaaa", got.Subject, "reveals on the other node are recorded against the member")
			assert.Equal(t, "sha256:abc", got.Policy)

			a.Clear(user, "call-1")
			require.Eventually(t, func() bool { _, ok := b.hub.Current(user); return !ok }, 5*time.Second, 10*time.Millisecond,
				"the clear reaches the other node")
			cancel()
			<-done
			<-done
		})
	}
}
