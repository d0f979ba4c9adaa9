package audit_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

// BenchmarkAppend measures one Append: validate, hash, write and fsync.
// The figure is the file system's fsync latency plus a few µs; set
// CALLGATE_AUDIT_BENCH_DIR to measure a particular disk (default: the
// test's temporary directory).
func BenchmarkAppend(b *testing.B) {
	l := openBenchLedger(b)
	ctx := context.Background()
	e := disclosure(maria, "name", "appointments")
	for b.Loop() {
		if _, err := l.Append(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendParallel measures Append from many goroutines; each
// still waits for its own fsync, one at a time.
func BenchmarkAppendParallel(b *testing.B) {
	l := openBenchLedger(b)
	e := disclosure(maria, "name", "appointments")
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := l.Append(ctx, e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkVerify verifies a ledger of 10,000 lines held in memory.
func BenchmarkVerify(b *testing.B) {
	const lines = 10_000
	path := writeLedger(b, lines)
	data, err := os.ReadFile(path)
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		n, err := audit.Verify(bytes.NewReader(data))
		if err != nil || n != lines {
			b.Fatalf("n=%d err=%v", n, err)
		}
	}
}

func openBenchLedger(b *testing.B) *audit.Ledger {
	b.Helper()
	dir := os.Getenv("CALLGATE_AUDIT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else {
		var err error
		dir, err = os.MkdirTemp(dir, "audit-bench")
		require.NoError(b, err)
		b.Cleanup(func() { _ = os.RemoveAll(dir) })
	}
	l, err := audit.Open(filepath.Join(dir, "audit.jsonl"), audit.WithClock(stepClock()))
	require.NoError(b, err)
	b.Cleanup(func() { _ = l.Close() })
	return l
}
