package audit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

const (
	maria = "m_mfrggzdfmztwq2lknnwg23tpobyxe43u" // opaque demo subject refs
	james = "m_onxw2zjanrxxezlnebuxa43vnv2w4ida"
)

// stepClock returns a clock that starts at 2026-03-01 09:00 UTC and moves
// on by one second and a few nanoseconds per reading; safe for concurrent
// use.
func stepClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second + 7*time.Nanosecond)
		return t
	}
}

func disclosure(subject string, fields ...string) audit.Entry {
	return audit.Entry{
		Kind:    audit.KindDisclosure,
		Actor:   "alice",
		CallID:  "a84b4c76e66710@pc33.atlanta.example",
		Subject: subject,
		Purpose: "scheduling",
		Fields:  fields,
		Policy:  "demo-1",
	}
}

// sample is a mix of kinds, the one with index i.
func sample(i int) audit.Entry {
	switch i % 5 {
	case 0:
		return disclosure(maria, "name", "appointments")
	case 1:
		return audit.Entry{Kind: audit.KindSignin, Actor: "bob", Detail: map[string]string{"method": "password_totp"}}
	case 2:
		return disclosure(james, "name")
	case 3:
		return audit.Entry{Kind: audit.KindFlowPublish, Actor: "ada", Detail: map[string]string{
			"flow": "member-services", "version": "7",
			"sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
		}}
	default:
		return audit.Entry{Kind: audit.KindSigninFailed, Actor: "mallory", Detail: map[string]string{"reason": "bad_totp"}}
	}
}

// openLedger opens a ledger in a new temporary directory, closed at the
// end of the test.
func openLedger(t testing.TB, opts ...audit.Option) (*audit.Ledger, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.jsonl")
	l, err := audit.Open(path, append([]audit.Option{audit.WithClock(stepClock())}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	return l, path
}

// writeLedger writes a closed ledger of n sample entries and returns its
// path.
func writeLedger(t testing.TB, n int) string {
	t.Helper()
	l, path := openLedger(t)
	for i := range n {
		_, err := l.Append(context.Background(), sample(i))
		require.NoError(t, err)
	}
	require.NoError(t, l.Close())
	return path
}

// readLines returns the file's lines, each with its newline.
func readLines(t testing.TB, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return bytes.SplitAfter(b, []byte("\n"))[:bytes.Count(b, []byte("\n"))]
}

func writeLines(t testing.TB, path string, lines [][]byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, bytes.Join(lines, nil), 0o600))
}

// rehash recomputes a line's own hash the way the package documentation
// says an outside verifier can: marshal with "hash" empty, SHA-256.
func rehash(t testing.TB, e audit.Entry) []byte {
	t.Helper()
	e.Hash = ""
	canon, err := json.Marshal(e)
	require.NoError(t, err)
	sum := sha256.Sum256(canon)
	e.Hash = hex.EncodeToString(sum[:])
	line, err := json.Marshal(e)
	require.NoError(t, err)
	return append(line, '\n')
}

func decode(t testing.TB, line []byte) audit.Entry {
	t.Helper()
	var e audit.Entry
	require.NoError(t, json.Unmarshal(line, &e))
	return e
}
