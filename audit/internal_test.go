package audit

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAppendFailureIsSticky breaks the file under the Ledger: the failed
// Append and every later one report ErrFailed, and the file keeps an
// intact chain.
func TestAppendFailureIsSticky(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := Open(path)
	require.NoError(t, err)
	ctx := context.Background()
	e := Entry{Kind: KindSignin, Actor: "alice"}
	_, err = l.Append(ctx, e)
	require.NoError(t, err)

	require.NoError(t, l.f.Close()) // the next write fails
	_, err = l.Append(ctx, e)
	require.ErrorIs(t, err, ErrFailed)
	_, err = l.Append(ctx, e)
	require.ErrorIs(t, err, ErrFailed)
	seq, _ := l.Head()
	assert.Equal(t, uint64(1), seq)

	n, err := VerifyFile(path)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

func TestCanonicalEndsWithEmptyHash(t *testing.T) {
	b, err := canonical(Entry{Kind: KindSignin, Hash: "x"})
	require.NoError(t, err)
	assert.Equal(t, `{"seq":0,"time":"0001-01-01T00:00:00Z","kind":"signin","prev":"","hash":""}`, string(b))
	assert.Equal(t, `{"seq":0,"time":"0001-01-01T00:00:00Z","kind":"signin","prev":"","hash":"ab"}`+"\n",
		string(appendLine(nil, b, "ab")))
}

// TestDecodeLineRequiresCanonical covers the lines Disclosures returns: a
// line must be the exact encoding of the entry it decodes to.
func TestDecodeLineRequiresCanonical(t *testing.T) {
	canon, err := canonical(Entry{Seq: 1, Kind: KindSignin, Actor: "alice", Prev: GenesisPrev})
	require.NoError(t, err)
	hash := hashOf(canon)
	line := appendLine(nil, canon, hash)
	line = line[:len(line)-1]

	e, err := decodeLine(1, line)
	require.NoError(t, err)
	assert.Equal(t, hash, e.Hash)

	tests := []struct {
		name string
		line string
	}{
		{"space after a colon", strings.Replace(string(line), `"actor":"alice"`, `"actor": "alice"`, 1)},
		{"escaped letter", strings.Replace(string(line), `"alice"`, `"\u0061lice"`, 1)},
		{"unknown key", strings.Replace(string(line), `"actor"`, `"actress":"x","actor"`, 1)},
		{"not JSON", `{"seq":1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeLine(3, []byte(tt.line))
			var be *BrokenError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, 3, be.Line)
		})
	}
}
