package agents

import (
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Limits on argon2id parameters. The upper limits hold for every hash
// VerifyPassword reads, so a tampered directory cannot make a login
// allocate gigabytes or run for minutes. The minimums hold for new hashes
// (HashPassword) and for directories (ParseDirectory): OWASP's argon2id
// settings, from m=47104 KiB t=1 to m=7168 KiB t=5, all have at least
// minMemoryKiB and minCost.
const (
	maxTime      = 16
	maxMemoryKiB = 256 * 1024
	maxThreads   = 16
	minKeyLen    = 16
	maxKeyLen    = 64
	minSaltLen   = 8
	maxSaltLen   = 64

	minMemoryKiB  = 7168
	minCost       = 35840 // memory KiB × passes
	minNewSaltLen = 16
)

// Argon2Params are argon2id cost parameters for new password hashes.
// Stored hashes carry their own (PHC string format).
type Argon2Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory per hash, KiB
	Threads   uint8  // lanes
	KeyLen    uint32 // hash length, bytes
	SaltLen   uint32 // random salt length, bytes
}

// DefaultArgon2Params returns OWASP's argon2id setting t=2, m=19456 KiB,
// p=1, with a 32-byte hash and a 16-byte salt: about 20 ms and 19 MiB per
// login.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}
}

// Validate reports whether p may make a new password hash: Time 1..16,
// Threads 1..16, MemoryKiB 7168..262144 and at least 8 per thread,
// MemoryKiB×Time at least 35840, KeyLen 16..64, SaltLen 16..64. Errors
// wrap ErrInvalidParams.
func (p Argon2Params) Validate() error {
	if problem := p.bounds(); problem != "" {
		return fmt.Errorf("%w: %s", ErrInvalidParams, problem)
	}
	if problem := p.weakness(); problem != "" {
		return fmt.Errorf("%w: %s", ErrInvalidParams, problem)
	}
	return nil
}

// bounds says why p is outside the limits every readable hash is within,
// or "".
func (p Argon2Params) bounds() string {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Sprintf("time %d: want 1..%d", p.Time, maxTime)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Sprintf("threads %d: want 1..%d", p.Threads, maxThreads)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Sprintf("memory %d KiB: want %d..%d", p.MemoryKiB, 8*uint32(p.Threads), maxMemoryKiB)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Sprintf("hash length %d: want %d..%d", p.KeyLen, minKeyLen, maxKeyLen)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Sprintf("salt length %d: want %d..%d", p.SaltLen, minSaltLen, maxSaltLen)
	}
	return ""
}

// weakness says why p is below the minimum for new and directory hashes,
// or "".
func (p Argon2Params) weakness() string {
	switch {
	case p.MemoryKiB < minMemoryKiB:
		return fmt.Sprintf("memory %d KiB: want at least %d", p.MemoryKiB, minMemoryKiB)
	case uint64(p.MemoryKiB)*uint64(p.Time) < minCost:
		return fmt.Sprintf("memory %d KiB × time %d: want at least %d", p.MemoryKiB, p.Time, minCost)
	case p.SaltLen < minNewSaltLen:
		return fmt.Sprintf("salt length %d: want at least %d", p.SaltLen, minNewSaltLen)
	}
	return ""
}

// phcHash is one argon2id hash with its salt and parameters.
type phcHash struct {
	p    Argon2Params // KeyLen and SaltLen match sum and salt
	salt []byte
	sum  []byte
}

// phcB64 is the PHC string format's base64: standard alphabet, no padding.
var phcB64 = base64.RawStdEncoding.Strict() //nolint:gochecknoglobals // read-only encoding

// String encodes h in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<b64 salt>$<b64 hash>.
func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.p.MemoryKiB, h.p.Time, h.p.Threads, phcB64.EncodeToString(h.salt), phcB64.EncodeToString(h.sum))
}

// parsePHC decodes an argon2id PHC string in the canonical form String
// writes, within the bounds. Errors wrap ErrInvalidPasswordHash and never
// quote the input.
func parsePHC(s string) (phcHash, error) {
	if len(s) > 512 {
		return phcHash{}, fmt.Errorf("%w: longer than 512 bytes", ErrInvalidPasswordHash)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phcHash{}, fmt.Errorf("%w: not an argon2id v=%d PHC string", ErrInvalidPasswordHash, argon2.Version)
	}
	var h phcHash
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return phcHash{}, fmt.Errorf("%w: parameters: want m=,t=,p=", ErrInvalidPasswordHash)
	}
	for i, kv := range params {
		name, val, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(val, 10, 32)
		if !ok || err != nil || name != [...]string{"m", "t", "p"}[i] {
			return phcHash{}, fmt.Errorf("%w: parameters: want m=,t=,p=", ErrInvalidPasswordHash)
		}
		switch name {
		case "m":
			h.p.MemoryKiB = uint32(n)
		case "t":
			h.p.Time = uint32(n)
		default:
			if n > maxThreads {
				return phcHash{}, fmt.Errorf("%w: threads %d: want 1..%d", ErrInvalidPasswordHash, n, maxThreads)
			}
			h.p.Threads = uint8(n)
		}
	}
	var err error
	if h.salt, err = phcB64.DecodeString(parts[4]); err != nil {
		return phcHash{}, fmt.Errorf("%w: salt is not base64", ErrInvalidPasswordHash)
	}
	if h.sum, err = phcB64.DecodeString(parts[5]); err != nil {
		return phcHash{}, fmt.Errorf("%w: hash is not base64", ErrInvalidPasswordHash)
	}
	h.p.SaltLen, h.p.KeyLen = uint32(len(h.salt)), uint32(len(h.sum))
	if problem := h.p.bounds(); problem != "" {
		return phcHash{}, fmt.Errorf("%w: %s", ErrInvalidPasswordHash, problem)
	}
	if h.String() != s {
		return phcHash{}, fmt.Errorf("%w: not in canonical PHC form", ErrInvalidPasswordHash)
	}
	return h, nil
}

// HashPassword returns a new argon2id PHC string for password, with a
// salt read from random (crypto/rand.Reader in production; the source is
// an argument so the package does no I/O of its own). It is for
// provisioning tools and tests; logins use VerifyPassword.
func HashPassword(random io.Reader, password []byte, p Argon2Params) (string, error) {
	if err := p.Validate(); err != nil {
		return "", err
	}
	h := phcHash{p: p, salt: make([]byte, p.SaltLen)}
	if _, err := io.ReadFull(random, h.salt); err != nil {
		return "", fmt.Errorf("agents: password salt: %w", err)
	}
	h.sum = argon2.IDKey(password, h.salt, p.Time, p.MemoryKiB, p.Threads, p.KeyLen)
	return h.String(), nil
}

// VerifyPassword reports whether password matches phc, an argon2id PHC
// string, comparing in constant time. The cost is that of the stored
// parameters, bounded (see Argon2Params). A malformed phc is an error
// wrapping ErrInvalidPasswordHash, not a mismatch; the error never quotes
// it. VerifyPassword neither keeps nor modifies password.
func VerifyPassword(phc string, password []byte) (bool, error) {
	h, err := parsePHC(phc)
	if err != nil {
		return false, fmt.Errorf("agents: verify password: %w", err)
	}
	sum := argon2.IDKey(password, h.salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, h.p.KeyLen)
	ok := subtle.ConstantTimeCompare(sum, h.sum) == 1
	clear(sum)
	return ok, nil
}
