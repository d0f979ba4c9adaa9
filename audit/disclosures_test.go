package audit_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

func TestDisclosures(t *testing.T) {
	l, _ := openLedger(t)
	ctx := context.Background()
	add := func(e audit.Entry) audit.Entry {
		t.Helper()
		got, err := l.Append(ctx, e)
		require.NoError(t, err)
		return got
	}
	d1 := add(disclosure(maria, "name", "appointments"))
	add(disclosure(james, "name"))
	add(audit.Entry{Kind: audit.KindSignin, Actor: "bob", Subject: maria}) // not a disclosure
	r1 := add(audit.Entry{Kind: audit.KindReveal, Actor: "sam", Subject: maria, Purpose: "billing", Fields: []string{"balance"}})
	add(sample(1))

	tests := []struct {
		name    string
		subject string
		want    []audit.Entry
	}{
		{"disclosures and reveals of one member, oldest first", maria, []audit.Entry{d1, r1}},
		{"member with none", "m_" + "zzzzzzzzzzzzzzzz", []audit.Entry{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Disclosures(ctx, tt.subject)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}

	got, err := l.Disclosures(ctx, james)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []string{"name"}, got[0].Fields)
}

func TestDisclosuresInvalidSubject(t *testing.T) {
	l, _ := openLedger(t)
	for _, s := range []string{"", "10001234", "m_short"} {
		_, err := l.Disclosures(context.Background(), s)
		require.ErrorIs(t, err, audit.ErrInvalidEntry, s)
	}
}

func TestDisclosuresCancelled(t *testing.T) {
	l, _ := openLedger(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := l.Disclosures(ctx, maria)
	require.ErrorIs(t, err, context.Canceled)
}

// TestDisclosuresRefusesEditedFile edits the file under an open Ledger:
// the accounting must not be answered from it.
func TestDisclosuresRefusesEditedFile(t *testing.T) {
	tests := []struct {
		name string
		edit func(t *testing.T, lines [][]byte) [][]byte
	}{
		{"a field name changed", func(_ *testing.T, lines [][]byte) [][]byte {
			lines[0] = []byte(string(lines[0][:len(lines[0])/2]) + "X" + string(lines[0][len(lines[0])/2+1:]))
			return lines
		}},
		{"whole chain rewritten without the member", func(t *testing.T, lines [][]byte) [][]byte {
			e := decode(t, lines[1]) // the James disclosure becomes the first line
			e.Seq, e.Prev = 1, audit.GenesisPrev
			return [][]byte{rehash(t, e)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, path := openLedger(t)
			ctx := context.Background()
			_, err := l.Append(ctx, disclosure(maria, "name"))
			require.NoError(t, err)
			_, err = l.Append(ctx, disclosure(james, "name"))
			require.NoError(t, err)

			lines := tt.edit(t, readLines(t, path))
			writeLines(t, path, lines) // os.WriteFile truncates the same inode
			_, err = l.Disclosures(ctx, maria)
			require.ErrorIs(t, err, audit.ErrBroken)
		})
	}
}

// TestDisclosuresDuringAppends reads the accounting while other
// goroutines append: every answer is a consistent prefix of the ledger.
func TestDisclosuresDuringAppends(t *testing.T) {
	l, _ := openLedger(t)
	ctx := context.Background()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range 50 {
				_, err := l.Append(ctx, sample(i))
				assert.NoError(t, err)
			}
		})
	}
	go func() { wg.Wait(); close(done) }()

	last := 0
	for reading := true; reading; {
		select {
		case <-done:
			reading = false
		default:
		}
		got, err := l.Disclosures(ctx, maria)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, len(got), last, "the accounting never shrinks")
		last = len(got)
	}
	got, err := l.Disclosures(ctx, maria)
	require.NoError(t, err)
	assert.Len(t, got, 4*10)
}
