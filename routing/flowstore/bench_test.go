package flowstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/flows/demo"
	"github.com/callgate/callgate/routing/flowstore"
	"github.com/callgate/callgate/routing/store/storetest"
)

// BenchmarkCatalogLive is what a call start pays to learn the live
// version of its flow from a real redis-server on loopback: one GET, the
// parsed version cached.
func BenchmarkCatalogLive(b *testing.B) {
	ctx := context.Background()
	rdb := storetest.Redis(b)
	c, err := flows.NewCatalog(flows.CatalogConfig{Store: flowstore.New(rdb, flowstore.WithPrefix(storetest.Prefix(b, rdb)))})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.Seed(ctx, demo.Sources()["member-services"], "bench", "", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Live(ctx, "member-services"); err != nil {
			b.Fatal(err)
		}
	}
}
