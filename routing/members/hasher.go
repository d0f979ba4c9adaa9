package members

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"runtime"
	"sync/atomic"
)

// Pepper domains: a secret is hashed as argon2id(HMAC(key, kind+"\x00"+secret)),
// so the same digits as a PIN and as a representative code hash differently.
const (
	kindDOB   = "dob"
	kindPIN   = "pin"
	kindRep   = "rep_code"
	kindDummy = "dummy"
)

// hasher makes and verifies the peppered argon2id hashes of one directory
// and derives its opaque references. It is safe for concurrent use.
type hasher struct {
	key    []byte // the caller's key, copied
	params Argon2Params
	dummy  phcHash       // matches nothing; verified for unknown member IDs
	sem    chan struct{} // bounds concurrent argon2id runs (memory)

	// verifies counts argon2id verifications, dummy ones included. Tests
	// use it to prove that unknown IDs and wrong DOBs cost the same.
	verifies atomic.Int64
}

func newHasher(key []byte, p Argon2Params) (*hasher, error) {
	if len(key) < MinKeyLen {
		return nil, fmt.Errorf("key is %d bytes, want at least %d: %w", len(key), MinKeyLen, ErrInvalidKey)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	h := &hasher{key: bytes.Clone(key), params: p, sem: make(chan struct{}, hashSlots(runtime.GOMAXPROCS(0)))}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("dummy hash secret: %w", err)
	}
	dummy, err := h.hash(context.Background(), kindDummy, secret)
	clear(secret)
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// hashSlots is how many argon2id runs may go at once with procs Ps: all
// but one, and at least one. A verification holds its P for ~20 ms of
// pure computation; with every P hashing, SIP and RTP goroutines wait
// behind it, so one P is kept free for them. Verification throughput is
// bounded by the cores either way; this trades one core's worth of it
// (half, on two cores) for signalling and media latency under load.
func hashSlots(procs int) int { return max(1, procs-1) }

func (h *hasher) subject(memberID []byte) string { return SubjectOf(h.key, memberID) }

func (h *hasher) repID(subject string, n int) string { return repID(h.key, subject, n) }

// acquire takes an argon2id slot, or fails when ctx ends first.
func (h *hasher) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("wait for a hash slot: %w", err)
	}
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for a hash slot: %w", ctx.Err())
	}
}

func (h *hasher) release() { <-h.sem }

// pepper returns HMAC-SHA256(key, kind+"\x00"+secret); wipe it after use.
func (h *hasher) pepper(kind string, secret []byte) []byte {
	mac := hmac.New(sha256.New, h.key)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write(secret)
	return mac.Sum(nil)
}

// hash makes a new salted hash of secret with the directory's parameters.
func (h *hasher) hash(ctx context.Context, kind string, secret []byte) (phcHash, error) {
	out := phcHash{p: h.params, salt: make([]byte, h.params.SaltLen)}
	if _, err := rand.Read(out.salt); err != nil {
		return phcHash{}, fmt.Errorf("salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return phcHash{}, err
	}
	defer h.release()
	pep := h.pepper(kind, secret)
	out.sum = out.idKey(pep)
	clear(pep)
	return out, nil
}

// verify reports whether secret matches stored, in constant time.
func (h *hasher) verify(ctx context.Context, kind string, stored phcHash, secret []byte) (bool, error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	h.verifies.Add(1)
	pep := h.pepper(kind, secret)
	sum := stored.idKey(pep)
	ok := subtle.ConstantTimeCompare(sum, stored.sum) == 1
	clear(pep)
	clear(sum)
	return ok, nil
}

// verifyOrDummy verifies secret against stored, or, when stored is nil,
// against the dummy hash so that a missing record costs the same as a wrong
// secret. A nil stored hash always reports false.
func (h *hasher) verifyOrDummy(ctx context.Context, kind string, stored *phcHash, secret []byte) (bool, error) {
	if stored == nil {
		_, err := h.verify(ctx, kind, h.dummy, secret)
		return false, err
	}
	return h.verify(ctx, kind, *stored, secret)
}
