package audit_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/callgate/callgate/audit"
)

// FuzzVerify feeds Verify edited ledgers. Whatever the input, it must not
// panic, must count at most the input's lines, and must accept an input
// only if it is a run of whole lines.
func FuzzVerify(f *testing.F) {
	path := writeLedger(f, 4)
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Add([]byte("\n"))
	f.Add([]byte(`{"seq":1}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := audit.Verify(bytes.NewReader(data))
		lines := bytes.Count(data, []byte("\n"))
		if n > lines {
			t.Fatalf("counted %d entries in %d lines", n, lines)
		}
		if err == nil && (n != lines || (len(data) > 0 && data[len(data)-1] != '\n')) {
			t.Fatalf("accepted %d of %d lines, input ends %q", n, lines, data[max(0, len(data)-4):])
		}
		if err != nil && !errors.Is(err, audit.ErrBroken) {
			t.Fatalf("error does not wrap ErrBroken: %v", err)
		}
	})
}
