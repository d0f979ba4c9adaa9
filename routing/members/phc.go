package members

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Limits on argon2id parameters, for new hashes (Validate) and for stored
// PHC strings alike, so a tampered record cannot make a verification
// allocate gigabytes or run for minutes.
const (
	maxTime      = 16
	maxMemoryKiB = 256 * 1024
	maxThreads   = 16
	minKeyLen    = 16
	maxKeyLen    = 64
	minSaltLen   = 8
	maxSaltLen   = 64
)

// Argon2Params are the argon2id cost parameters for new hashes. Stored
// hashes carry their own parameters (PHC string), so changing them affects
// only hashes made afterwards and the dummy hash Identify verifies against
// for unknown member IDs.
type Argon2Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory per hash, KiB
	Threads   uint8  // lanes
	KeyLen    uint32 // hash length, bytes
	SaltLen   uint32 // random salt length, bytes
}

// DefaultArgon2Params returns the OWASP minimum for argon2id: t=2,
// m=19456 KiB (19 MiB), p=1, a 32-byte hash and a 16-byte salt.
func DefaultArgon2Params() Argon2Params {
	return Argon2Params{Time: 2, MemoryKiB: 19456, Threads: 1, KeyLen: 32, SaltLen: 16}
}

// Validate reports whether p is usable: Time 1..16, Threads 1..16,
// MemoryKiB at least 8 per thread and at most 256 MiB, KeyLen 16..64 and
// SaltLen 8..64. Errors wrap ErrInvalidParams.
func (p Argon2Params) Validate() error {
	switch {
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("time %d: want 1..%d: %w", p.Time, maxTime, ErrInvalidParams)
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("threads %d: want 1..%d: %w", p.Threads, maxThreads, ErrInvalidParams)
	case p.MemoryKiB < 8*uint32(p.Threads) || p.MemoryKiB > maxMemoryKiB:
		return fmt.Errorf("memory %d KiB: want %d..%d: %w", p.MemoryKiB, 8*uint32(p.Threads), maxMemoryKiB, ErrInvalidParams)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("key length %d: want %d..%d: %w", p.KeyLen, minKeyLen, maxKeyLen, ErrInvalidParams)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("salt length %d: want %d..%d: %w", p.SaltLen, minSaltLen, maxSaltLen, ErrInvalidParams)
	}
	return nil
}

// phcHash is one argon2id hash with its salt and parameters.
type phcHash struct {
	p    Argon2Params // KeyLen and SaltLen match sum and salt
	salt []byte
	sum  []byte
}

// idKey runs argon2id over secret with h's salt and parameters.
func (h phcHash) idKey(secret []byte) []byte {
	return argon2.IDKey(secret, h.salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, h.p.KeyLen)
}

// phcB64 is the PHC string format's base64: standard alphabet, no padding.
var phcB64 = base64.RawStdEncoding.Strict() //nolint:gochecknoglobals // read-only encoding

// String encodes h in the PHC string format:
// $argon2id$v=19$m=19456,t=2,p=1$<b64 salt>$<b64 hash>.
func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.p.MemoryKiB, h.p.Time, h.p.Threads, phcB64.EncodeToString(h.salt), phcB64.EncodeToString(h.sum))
}

// parsePHC decodes an argon2id PHC string. It accepts only the canonical
// form String produces, within the parameter limits. Errors wrap ErrCorrupt
// and never quote the input.
func parsePHC(s string) (phcHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phcHash{}, fmt.Errorf("hash is not an argon2id v=%d PHC string: %w", argon2.Version, ErrCorrupt)
	}
	var h phcHash
	for i, kv := range strings.Split(parts[3], ",") {
		name, val, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(val, 10, 32)
		if !ok || err != nil || i > 2 || name != [...]string{"m", "t", "p"}[i] {
			return phcHash{}, fmt.Errorf("hash parameters: want m=,t=,p=: %w", ErrCorrupt)
		}
		switch name {
		case "m":
			h.p.MemoryKiB = uint32(n)
		case "t":
			h.p.Time = uint32(n)
		default:
			if n > maxThreads {
				return phcHash{}, fmt.Errorf("hash parameters: threads out of range: %w", ErrCorrupt)
			}
			h.p.Threads = uint8(n)
		}
	}
	var err error
	if h.salt, err = phcB64.DecodeString(parts[4]); err != nil {
		return phcHash{}, fmt.Errorf("hash salt: bad base64: %w", ErrCorrupt)
	}
	if h.sum, err = phcB64.DecodeString(parts[5]); err != nil {
		return phcHash{}, fmt.Errorf("hash value: bad base64: %w", ErrCorrupt)
	}
	h.p.SaltLen, h.p.KeyLen = uint32(len(h.salt)), uint32(len(h.sum))
	if err := h.p.Validate(); err != nil {
		return phcHash{}, fmt.Errorf("hash parameters out of range (%w): %w", err, ErrCorrupt)
	}
	if h.String() != s {
		return phcHash{}, fmt.Errorf("hash is not in canonical PHC form: %w", ErrCorrupt)
	}
	return h, nil
}
