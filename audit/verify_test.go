package audit_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

func TestVerifyIntact(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"empty", 0},
		{"one", 1},
		{"many", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLedger(t, tt.n)
			n, err := audit.VerifyFile(path)
			require.NoError(t, err)
			assert.Equal(t, tt.n, n)
		})
	}
}

func TestVerifyMissingFile(t *testing.T) {
	_, err := audit.VerifyFile(t.TempDir() + "/absent.jsonl")
	require.Error(t, err)
	assert.NotErrorIs(t, err, audit.ErrBroken)
}

// TestVerifyTamper edits a five-line ledger and checks that Verify names
// the first line that no longer fits, and how many lines it accepted.
func TestVerifyTamper(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(t *testing.T, lines [][]byte) [][]byte
		line    int
		problem string
	}{
		{
			name: "flip one byte in the middle of a line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[2][len(lines[2])/2] ^= 0x01
				return lines
			},
			line: 3,
		},
		{
			name: "flip one hex digit of a hash",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				l := lines[1]
				i := len(l) - 5 // inside `"hash":"…"}` + "\n"
				l[i] = map[bool]byte{true: '0', false: '1'}[l[i] != '0']
				return lines
			},
			line: 2, problem: "hash does not match",
		},
		{
			name: "delete a line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				return append(lines[:2:2], lines[3:]...)
			},
			line: 3, problem: "seq is 4, want 3",
		},
		{
			name: "delete the first line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte { return lines[1:] },
			line: 1, problem: "seq is 2, want 1",
		},
		{
			name: "swap two lines",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[1], lines[2] = lines[2], lines[1]
				return lines
			},
			line: 2, problem: "seq is 3, want 2",
		},
		{
			name: "duplicate a line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				return append(lines[:2:2], append([][]byte{lines[1]}, lines[2:]...)...)
			},
			line: 3, problem: "seq is 2, want 3",
		},
		{
			name: "truncate the file mid-line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[4] = lines[4][:len(lines[4])/2]
				return lines
			},
			line: 5, problem: "truncated",
		},
		{
			name: "cut only the last newline",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[4] = bytes.TrimSuffix(lines[4], []byte("\n"))
				return lines
			},
			line: 5, problem: "truncated",
		},
		{
			name: "change a field name and rehash that line only",
			edit: func(t *testing.T, lines [][]byte) [][]byte {
				e := decode(t, lines[2])
				require.Equal(t, []string{"name"}, e.Fields)
				e.Fields = []string{"phone"}
				lines[2] = rehash(t, e)
				return lines
			},
			line: 4, problem: "prev does not match the hash of line 3",
		},
		{
			name: "replace the first line's prev and rehash",
			edit: func(t *testing.T, lines [][]byte) [][]byte {
				e := decode(t, lines[0])
				e.Prev = strings.Repeat("f", 64)
				lines[0] = rehash(t, e)
				return lines
			},
			line: 1, problem: "genesis",
		},
		{
			name: "add whitespace the JSON parser ignores",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[3] = bytes.Replace(lines[3], []byte(`"seq":`), []byte(`"seq": `), 1)
				return lines
			},
			line: 4, problem: "canonical",
		},
		{
			name: "escape a letter the JSON parser reads back the same",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[1] = bytes.Replace(lines[1], []byte(`"bob"`), []byte(`"b\u006fb"`), 1)
				return lines
			},
			line: 2, problem: "hash does not match",
		},
		{
			name: "CRLF line ending",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				lines[0] = append(bytes.TrimSuffix(lines[0], []byte("\n")), "\r\n"...)
				return lines
			},
			line: 1, problem: "canonical",
		},
		{
			name: "insert an empty line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				return append(lines[:1:1], append([][]byte{[]byte("\n")}, lines[1:]...)...)
			},
			line: 2, problem: "empty line",
		},
		{
			name: "append a line that is not JSON",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				return append(lines, []byte("hello\n"))
			},
			line: 6, problem: "not a JSON entry",
		},
		{
			name: "append an overlong line",
			edit: func(_ *testing.T, lines [][]byte) [][]byte {
				return append(lines, append(bytes.Repeat([]byte("x"), audit.MaxLine+1), '\n'))
			},
			line: 6, problem: "longer than",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeLedger(t, 5)
			writeLines(t, path, tt.edit(t, readLines(t, path)))

			n, err := audit.VerifyFile(path)
			require.ErrorIs(t, err, audit.ErrBroken)
			var be *audit.BrokenError
			require.ErrorAs(t, err, &be)
			assert.Equal(t, tt.line, be.Line, "problem: %s", be.Problem)
			assert.Equal(t, tt.line-1, n, "intact lines before the break")
			assert.Contains(t, be.Problem, tt.problem)
			assert.Contains(t, err.Error(), "line ")
		})
	}
}

// TestVerifyOutsideRecipe checks the package documentation's recipe for
// checking a line without this package.
func TestVerifyOutsideRecipe(t *testing.T) {
	path := writeLedger(t, 3)
	for i, line := range readLines(t, path) {
		line = bytes.TrimSuffix(line, []byte("\n"))
		cut := bytes.LastIndex(line, []byte(`"hash":"`))
		require.Positive(t, cut)
		want := string(line[cut+len(`"hash":"`) : len(line)-2])
		canon := append(append([]byte(nil), line[:cut]...), `"hash":""}`...)
		sum := sha256.Sum256(canon)
		assert.Equal(t, want, hex.EncodeToString(sum[:]), "line %d", i+1)
	}
}
