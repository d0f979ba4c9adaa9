package members

import (
	"context"
	"testing"
)

// BenchmarkIdentify is one successful Identify on the Static directory with
// the cheap test parameters: the directory's own overhead (HMAC subject,
// pepper, map lookup) plus a 64 KiB argon2id run.
func BenchmarkIdentify(b *testing.B) {
	s := newDemoStatic(b)
	ctx := context.Background()
	id, dob := []byte(maria.id), []byte(maria.dob)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.Identify(ctx, id, dob); err != nil || !ok {
			b.Fatal("identify failed")
		}
	}
}

// BenchmarkIdentifyUnknown is the dummy path: an unknown member ID.
func BenchmarkIdentifyUnknown(b *testing.B) {
	s := newDemoStatic(b)
	ctx := context.Background()
	id, dob := []byte("99999999"), []byte(maria.dob)
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := s.Identify(ctx, id, dob); err != nil || ok {
			b.Fatal("unknown member identified")
		}
	}
}

// BenchmarkSubjectOf is the HMAC that maps a member ID to its subject.
func BenchmarkSubjectOf(b *testing.B) {
	id := []byte(maria.id)
	b.ReportAllocs()
	for b.Loop() {
		_ = SubjectOf(testKey, id)
	}
}

// BenchmarkVerifyDefaultParams is the cost of one verification with the
// production parameters (DefaultArgon2Params: t=2, 19 MiB, p=1).
func BenchmarkVerifyDefaultParams(b *testing.B) {
	h, err := newHasher(testKey, DefaultArgon2Params())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	stored, err := h.hash(ctx, kindPIN, []byte(maria.pin))
	if err != nil {
		b.Fatal(err)
	}
	pin := []byte(maria.pin)
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := h.verify(ctx, kindPIN, stored, pin); err != nil || !ok {
			b.Fatal("verify failed")
		}
	}
}
