package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// emptyHashTail ends the canonical JSON of an entry whose Hash is empty:
// Hash is the last field and is never omitted.
const emptyHashTail = `"hash":""}`

// canonical returns json.Marshal of e with Hash cleared: the bytes the
// hash covers. encoding/json writes struct fields in declaration order and
// map keys sorted, so the result depends only on e's values.
func canonical(e Entry) ([]byte, error) {
	e.Hash = ""
	b, err := json.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("audit: encode entry: %w", err)
	}
	if !bytes.HasSuffix(b, []byte(emptyHashTail)) {
		// Unreachable while Hash is Entry's last field.
		return nil, fmt.Errorf("audit: encode entry: canonical form does not end with %s", emptyHashTail)
	}
	return b, nil
}

// hashOf returns the lower-case hex SHA-256 of canon.
func hashOf(canon []byte) string {
	sum := sha256.Sum256(canon)
	return hex.EncodeToString(sum[:])
}

// appendLine appends to dst the ledger line for canon, whose hash is
// hash: canon with the empty hash filled in, then "\n". It equals
// json.Marshal of the entry with Hash set, plus the newline.
func appendLine(dst, canon []byte, hash string) []byte {
	dst = append(dst, canon[:len(canon)-2]...) // drop `"}`
	dst = append(dst, hash...)
	return append(dst, "\"}\n"...)
}
