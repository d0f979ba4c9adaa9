package audit_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/callgate/callgate/audit"
)

func TestVerifyCommand(t *testing.T) {
	good := writeLedger(t, 3)
	bad := writeLedger(t, 3)
	lines := readLines(t, bad)
	writeLines(t, bad, append(lines[:1:1], lines[2:]...))
	missing := filepath.Join(t.TempDir(), "absent.jsonl")

	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string
		stderrPart string
	}{
		{"intact", []string{good}, 0, good + ": 3 entries, chain intact\n", ""},
		{"broken", []string{bad}, 1, bad + ": line 2: seq is 3, want 2: a line was removed, inserted or moved\n", ""},
		{"missing file", []string{missing}, 1, "", missing + ": audit: open "},
		{"one of two broken", []string{good, bad}, 1, good + ": 3 entries, chain intact\n" + bad + ": line 2: seq is 3, want 2: a line was removed, inserted or moved\n", ""},
		{"no file", nil, 2, "", "usage: callgate audit verify FILE"},
		{"unknown flag", []string{"-x", good}, 2, "", "flag provided but not defined"},
		{"help", []string{"-h"}, 0, "usage: callgate audit verify FILE", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := audit.VerifyCommand(tt.args, &stdout, &stderr)
			assert.Equal(t, tt.code, code)
			if tt.name == "help" {
				assert.Contains(t, stdout.String(), tt.stdout)
			} else {
				assert.Equal(t, tt.stdout, stdout.String())
			}
			if tt.stderrPart == "" {
				assert.Empty(t, stderr.String())
			} else {
				assert.Contains(t, stderr.String(), tt.stderrPart)
			}
		})
	}
}
