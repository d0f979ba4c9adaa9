package members

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
)

// MinKeyLen is the shortest HMAC key the directories accept, in bytes.
const MinKeyLen = 16

// Prefixes of the opaque references.
const (
	subjectPrefix = "m_"
	repIDPrefix   = "r_"
	refBytes      = 16 // HMAC bytes kept in a reference
)

// refEncoding is base32 with a lowercase alphabet and no padding.
var refEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding) //nolint:gochecknoglobals // read-only encoding

// SubjectOf returns the opaque, non-PHI reference to the member with the
// given member ID: "m_" followed by the first 16 bytes of
// HMAC-SHA256(key, "member:"+memberID) in lowercase base32 without padding
// (26 characters). It is deterministic, so every node with the same key
// agrees on it, and it cannot be reversed without the key. SubjectOf does
// not keep or modify memberID.
func SubjectOf(key []byte, memberID []byte) string {
	return ref(key, subjectPrefix, "member:", memberID)
}

// repID returns the opaque ID of the subject's n-th (0-based) representative:
// "r_" + HMAC-SHA256(key, "rep:"+subject+":"+n), encoded like a subject.
func repID(key []byte, subject string, n int) string {
	return ref(key, repIDPrefix, "rep:", []byte(subject+":"+strconv.Itoa(n)))
}

func ref(key []byte, prefix, domain string, msg []byte) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(domain))
	mac.Write(msg)
	var buf [sha256.Size]byte
	sum := mac.Sum(buf[:0])
	s := prefix + refEncoding.EncodeToString(sum[:refBytes])
	clear(buf[:])
	return s
}

// Wipe zeroes b. Call it on secure input (member ID, date of birth, PIN,
// representative code) as soon as the directory call that needed it returns.
func Wipe(b []byte) {
	clear(b)
}

// subjectLen is the length of a subject: prefix plus 16 bytes in base32.
var subjectLen = len(subjectPrefix) + refEncoding.EncodedLen(refBytes) //nolint:gochecknoglobals // constant in effect

// isSubject reports whether s has the form of a subject. Redis methods
// check it before building a key, so a caller that passes anything else
// (a member ID by mistake) never puts it into a Redis command.
func isSubject(s string) bool {
	if len(s) != subjectLen || s[:len(subjectPrefix)] != subjectPrefix {
		return false
	}
	for _, c := range []byte(s[len(subjectPrefix):]) {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}
