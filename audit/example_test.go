package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/callgate/callgate/audit"
)

func ExampleLedger() {
	dir, err := os.MkdirTemp("", "audit-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "audit.jsonl")

	clock := func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) }
	l, err := audit.Open(path, audit.WithClock(clock))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	_, err = l.Append(ctx, audit.Entry{
		Kind:    audit.KindDisclosure,
		Actor:   "alice",
		CallID:  "a84b4c76e66710@pc33.atlanta.example",
		Subject: "m_mfrggzdfmztwq2lknnwg23tpobyxe43u",
		Purpose: "scheduling",
		Fields:  []string{"name", "appointments"},
		Policy:  "demo-1",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := l.Disclosures(ctx, "m_mfrggzdfmztwq2lknnwg23tpobyxe43u")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range got {
		fmt.Println(e.Seq, e.Time.Format(time.RFC3339), e.Actor, e.Purpose, e.Fields)
	}
	if err := l.Close(); err != nil {
		fmt.Println(err)
		return
	}

	audit.VerifyCommand([]string{path}, writerFunc(func(b []byte) {
		fmt.Print(string(b[len(dir)+1:]))
	}), os.Stderr)
	// Output:
	// 1 2026-03-01T09:30:00Z alice scheduling [name appointments]
	// audit.jsonl: 1 entries, chain intact
}

// writerFunc adapts a function to io.Writer.
type writerFunc func([]byte)

func (f writerFunc) Write(b []byte) (int, error) { f(b); return len(b), nil }
