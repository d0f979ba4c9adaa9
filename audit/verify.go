package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
)

// ctxCheckEvery is how many lines a scan reads between looks at its
// context.
const ctxCheckEvery = 1024

// The fixed parts of a canonical line: it opens with seq and closes with
// prev and hash, both 64 lower-case hex digits.
const (
	linePrefix = `{"seq":`
	prevKey    = `,"prev":"`
	hashKey    = `","hash":"`
	lineEnd    = `"}`
	// tailLen is the length of prevKey, prev, hashKey, hash, lineEnd.
	tailLen = len(prevKey) + 64 + len(hashKey) + 64 + len(lineEnd)
)

// Verify reads a ledger from r and checks every line: it is one JSON
// object laid out as Append writes it (seq first, prev and hash last), its
// hash is the SHA-256 of its own bytes with the hash value emptied, its
// seq is one more than the line before (1 for the first), its prev is the
// hash of the line before (GenesisPrev for the first), and it ends with
// "\n". Because the hash covers the line's exact bytes, any edit to a line
// fails its hash, and an edit that rehashes the line fails the next
// line's prev. It returns how many lines were intact before the first bad
// one; a chain error is a *BrokenError (wrapping ErrBroken) naming the
// line and the problem. An empty input is an intact ledger of 0 entries.
func Verify(r io.Reader) (int, error) {
	c := newChain()
	err := c.scan(context.Background(), r, nil)
	return c.n, err
}

// VerifyFile verifies the ledger file at path; see Verify. A file that a
// running Ledger is appending to verifies too, but a line being written at
// that moment may show as a truncated last line: verify again.
func VerifyFile(path string) (int, error) {
	f, err := os.Open(path) //nolint:gosec // the path is the operator's choice.
	if err != nil {
		return 0, fmt.Errorf("audit: %w", err)
	}
	defer f.Close() //nolint:errcheck // read only.
	return Verify(f)
}

// chain is the state of a verification: how far it got and the last
// entry's seq and hash.
type chain struct {
	n    int      // lines accepted
	seq  uint64   // seq of the last line accepted
	head [64]byte // hash of the last line accepted, GenesisPrev before any
	size int64    // bytes accepted, newlines included
}

func newChain() chain {
	var c chain
	copy(c.head[:], GenesisPrev)
	return c
}

// headString returns the hash of the last line accepted.
func (c *chain) headString() string { return string(c.head[:]) }

// scan checks every line of r, in order, calling fn (if not nil) with
// each accepted line, without its newline, valid until fn returns. It
// stops at the first bad line, an error from fn or from reading, or when
// ctx is done.
func (c *chain) scan(ctx context.Context, r io.Reader, fn func(no int, line []byte) error) error {
	br := bufio.NewReaderSize(r, MaxLine)
	for {
		if c.n%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		line, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			return broken(c.n+1, "longer than "+strconv.Itoa(MaxLine)+" bytes")
		case errors.Is(err, io.EOF):
			if len(line) > 0 {
				return broken(c.n+1, "truncated: the last line has no newline")
			}
			return nil
		case err != nil:
			return fmt.Errorf("audit: read line %d: %w", c.n+1, err)
		}
		line = line[:len(line)-1]
		if err := c.check(line); err != nil {
			return err
		}
		c.n++
		c.size += int64(len(line)) + 1
		if fn != nil {
			if err := fn(c.n, line); err != nil {
				return err
			}
		}
	}
}

// check checks one line (without its newline) against the chain so far
// and, when it fits, moves the chain on to it.
func (c *chain) check(line []byte) error {
	no := c.n + 1
	if len(line) == 0 {
		return broken(no, "empty line")
	}
	if !json.Valid(line) {
		var e Entry
		err := json.Unmarshal(line, &e) // for the parser's own words
		return broken(no, "not a JSON entry: "+err.Error())
	}
	seq, prev, hash, ok := layout(line)
	if !ok {
		return broken(no, "not in canonical form: the line was edited")
	}

	// The hash covers the line with its hash value emptied:
	// line[:len-66] + `"}`.
	var sum [sha256.Size]byte
	h := sha256.New()
	h.Write(line[:len(line)-64-len(lineEnd)])
	h.Write([]byte(lineEnd))
	var got [64]byte
	hex.Encode(got[:], h.Sum(sum[:0]))
	if !bytes.Equal(got[:], hash) {
		return broken(no, "hash does not match the entry: the line was edited")
	}

	if seq != c.seq+1 {
		return broken(no, fmt.Sprintf("seq is %d, want %d: a line was removed, inserted or moved", seq, c.seq+1))
	}
	if !bytes.Equal(prev, c.head[:]) {
		if c.n == 0 {
			return broken(no, "prev is not the genesis value: the ledger's start was removed or replaced")
		}
		return broken(no, fmt.Sprintf("prev does not match the hash of line %d: a line was removed, replaced or rehashed", c.n))
	}
	c.seq = seq
	copy(c.head[:], hash)
	return nil
}

// layout finds seq, prev and hash where a canonical line holds them:
// `{"seq":N,` at the start and `,"prev":"<64 hex>","hash":"<64 hex>"}` at
// the end. It does not check the hex: check compares hash with the hex it
// computes and prev with the previous hash. The line is valid JSON, so
// once they are hex the quotes in that tail, none of them escaped,
// delimit the top-level object's last two members.
func layout(line []byte) (seq uint64, prev, hash []byte, ok bool) {
	rest, found := bytes.CutPrefix(line, []byte(linePrefix))
	if !found || len(line) < len(linePrefix)+tailLen {
		return 0, nil, nil, false
	}
	end := bytes.IndexByte(rest, ',')
	if end <= 0 || (rest[0] == '0' && end > 1) {
		return 0, nil, nil, false
	}
	seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	if err != nil {
		return 0, nil, nil, false
	}
	tail := line[len(line)-tailLen:]
	if !bytes.HasPrefix(tail, []byte(prevKey)) {
		return 0, nil, nil, false
	}
	prev = tail[len(prevKey) : len(prevKey)+64]
	tail = tail[len(prevKey)+64:]
	if !bytes.HasPrefix(tail, []byte(hashKey)) {
		return 0, nil, nil, false
	}
	hash = tail[len(hashKey) : len(hashKey)+64]
	if !bytes.HasSuffix(tail, []byte(lineEnd)) {
		return 0, nil, nil, false
	}
	return seq, prev, hash, true
}

// decodeLine decodes an accepted line and checks it is exactly the
// canonical encoding of the entry it decodes to, so that the entry
// returned is the one the hash covers.
func decodeLine(no int, line []byte) (Entry, error) {
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		return Entry{}, broken(no, "not a JSON entry: "+err.Error())
	}
	canon, err := canonical(e)
	if err != nil {
		return Entry{}, broken(no, err.Error())
	}
	want := appendLine(nil, canon, e.Hash)
	if !bytes.Equal(want[:len(want)-1], line) {
		return Entry{}, broken(no, "not in canonical form: the line was edited")
	}
	return e, nil
}
