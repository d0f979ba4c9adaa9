package audit_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

func TestAppendRoundTrip(t *testing.T) {
	l, path := openLedger(t)
	ctx := context.Background()

	var written []audit.Entry
	for i := range 7 {
		e, err := l.Append(ctx, sample(i))
		require.NoError(t, err)
		written = append(written, e)
	}

	prev := audit.GenesisPrev
	for i, e := range written {
		assert.Equal(t, uint64(i+1), e.Seq)
		assert.Equal(t, prev, e.Prev)
		assert.Len(t, e.Hash, 64)
		assert.Equal(t, time.UTC, e.Time.Location())
		prev = e.Hash
	}
	seq, head := l.Head()
	assert.Equal(t, uint64(7), seq)
	assert.Equal(t, prev, head)

	n, err := audit.VerifyFile(path)
	require.NoError(t, err)
	assert.Equal(t, 7, n)

	lines := readLines(t, path)
	require.Len(t, lines, 7)
	for i, line := range lines {
		assert.Equal(t, written[i], decode(t, line), "line %d reads back as returned", i+1)
	}
	assert.Contains(t, string(lines[0]), `"time":"2026-03-01T09:00:01.000000007Z"`)
	assert.Contains(t, string(lines[0]), `"prev":"`+audit.GenesisPrev+`"`)

	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestAppendAssignsChainFields(t *testing.T) {
	l, _ := openLedger(t)
	e := disclosure(maria, "name")
	e.Seq, e.Prev, e.Hash = 99, "forged", "forged"
	e.Time = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)
	got, err := l.Append(context.Background(), e)
	require.NoError(t, err)
	assert.Equal(t, uint64(1), got.Seq)
	assert.Equal(t, audit.GenesisPrev, got.Prev)
	assert.NotEqual(t, "forged", got.Hash)
	assert.Equal(t, 2026, got.Time.Year())
}

func TestAppendCopiesCallerSlices(t *testing.T) {
	l, path := openLedger(t)
	fields := []string{"name"}
	detail := map[string]string{"reason": "a"}
	e := disclosure(maria, fields...)
	e.Fields, e.Detail = fields, detail
	got, err := l.Append(context.Background(), e)
	require.NoError(t, err)
	fields[0], detail["reason"] = "dob", "b"
	assert.Equal(t, []string{"name"}, got.Fields)
	assert.Equal(t, "a", got.Detail["reason"])
	_, err = audit.VerifyFile(path)
	require.NoError(t, err)
}

func TestReopenContinuesChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	clock := stepClock()
	ctx := context.Background()

	l, err := audit.Open(path, audit.WithClock(clock))
	require.NoError(t, err)
	for i := range 3 {
		_, err = l.Append(ctx, sample(i))
		require.NoError(t, err)
	}
	_, head := l.Head()
	require.NoError(t, l.Close())

	l, err = audit.Open(path, audit.WithClock(clock))
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	seq, h := l.Head()
	assert.Equal(t, uint64(3), seq)
	assert.Equal(t, head, h)

	e, err := l.Append(ctx, sample(3))
	require.NoError(t, err)
	assert.Equal(t, uint64(4), e.Seq)
	assert.Equal(t, head, e.Prev)

	n, err := audit.VerifyFile(path)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
}

func TestOpenRefusesBrokenFile(t *testing.T) {
	tests := []struct {
		name string
		edit func(lines [][]byte) [][]byte
		line int
	}{
		{"deleted line", func(lines [][]byte) [][]byte { return append(lines[:1:1], lines[2:]...) }, 2},
		{"truncated tail", func(lines [][]byte) [][]byte {
			lines[3] = lines[3][:10]
			return lines
		}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLedger(t, 4)
			writeLines(t, path, tt.edit(readLines(t, path)))
			before, err := os.ReadFile(path)
			require.NoError(t, err)

			l, err := audit.Open(path)
			require.ErrorIs(t, err, audit.ErrBroken)
			assert.Nil(t, l)
			var be *audit.BrokenError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, tt.line, be.Line)

			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "Open must not touch a broken file")
		})
	}
}

func TestOpenTightensMode(t *testing.T) {
	path := writeLedger(t, 1)
	require.NoError(t, os.Chmod(path, 0o644))
	l, err := audit.Open(path)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestOpenRefusesSecondWriter(t *testing.T) {
	l, path := openLedger(t)
	_, err := audit.Open(path)
	require.ErrorIs(t, err, audit.ErrLocked)

	require.NoError(t, l.Close())
	l2, err := audit.Open(path)
	require.NoError(t, err, "Close releases the lock")
	require.NoError(t, l2.Close())
}

func TestOpenRefusesDirectory(t *testing.T) {
	_, err := audit.Open(t.TempDir())
	require.Error(t, err)
}

func TestConcurrentAppends(t *testing.T) {
	const workers, each = 8, 40
	l, path := openLedger(t)
	ctx := context.Background()

	var wg sync.WaitGroup
	seqs := make(chan uint64, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := l.Append(ctx, sample(w+i))
				if !assert.NoError(t, err) {
					return
				}
				seqs <- e.Seq
			}
		})
	}
	wg.Wait()
	close(seqs)

	seen := map[uint64]bool{}
	for s := range seqs {
		assert.False(t, seen[s], "seq %d returned twice", s)
		seen[s] = true
	}
	assert.Len(t, seen, workers*each)

	n, err := audit.VerifyFile(path)
	require.NoError(t, err)
	assert.Equal(t, workers*each, n)
}

func TestAppendAfterClose(t *testing.T) {
	l, _ := openLedger(t)
	require.NoError(t, l.Close())
	_, err := l.Append(context.Background(), sample(0))
	require.ErrorIs(t, err, audit.ErrClosed)
	require.ErrorIs(t, l.Close(), audit.ErrClosed)
	_, err = l.Disclosures(context.Background(), maria)
	require.ErrorIs(t, err, audit.ErrClosed)
}

func TestAppendCancelledContext(t *testing.T) {
	l, path := openLedger(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Append(ctx, sample(0))
	require.ErrorIs(t, err, context.Canceled)
	n, err := audit.VerifyFile(path)
	require.NoError(t, err)
	assert.Zero(t, n)
}

func TestAppendRejectsInvalid(t *testing.T) {
	tests := []struct {
		name  string
		entry audit.Entry
	}{
		{"detail value is a member ID", audit.Entry{Kind: audit.KindSigninFailed, Actor: "alice", Detail: map[string]string{"reason": "10001234"}}},
		{"subject is a member ID", disclosure("10001234", "name")},
		{"unknown kind", audit.Entry{Kind: "export", Actor: "alice"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, path := openLedger(t)
			_, err := l.Append(context.Background(), tt.entry)
			require.ErrorIs(t, err, audit.ErrInvalidEntry)
			assert.NotContains(t, err.Error(), "10001234", "errors never echo suspected PHI")
			n, err := audit.VerifyFile(path)
			require.NoError(t, err)
			assert.Zero(t, n, "nothing written")
		})
	}
}
