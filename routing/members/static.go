package members

import (
	"context"
	"fmt"
	"slices"
)

// Static is an in-memory Directory, built once and read-only afterwards.
type Static struct {
	h       *hasher
	entries map[string]*entry // by subject
}

var _ Directory = (*Static)(nil)

// NewStatic hashes members' secrets with params under key (at least
// MinKeyLen bytes) and returns the directory. It keeps no clear secret and
// none of the records' slices; the caller may Wipe the records afterwards.
// Invalid records fail with a *FieldError naming the record and field,
// repeated member IDs with ErrDuplicateMember.
func NewStatic(key []byte, members []Record, params Argon2Params) (*Static, error) {
	h, err := newHasher(key, params)
	if err != nil {
		return nil, fmt.Errorf("members: static directory: %w", err)
	}
	entries, err := h.prepareAll(context.Background(), members)
	if err != nil {
		return nil, fmt.Errorf("members: static directory: %w", err)
	}
	s := &Static{h: h, entries: make(map[string]*entry, len(entries))}
	for _, e := range entries {
		s.entries[e.member.Subject] = e
	}
	return s, nil
}

// Len returns the number of members.
func (s *Static) Len() int { return len(s.entries) }

// Identify implements Directory. An unknown member ID verifies dob against
// the dummy hash, so it costs the same as a wrong DOB.
func (s *Static) Identify(ctx context.Context, memberID, dob []byte) (string, bool, error) {
	subject := s.h.subject(memberID)
	var stored *phcHash
	if e, ok := s.entries[subject]; ok {
		stored = &e.dob
	}
	ok, err := s.h.verifyOrDummy(ctx, kindDOB, stored, dob)
	if err != nil {
		return "", false, fmt.Errorf("members: identify: %w", err)
	}
	if !ok {
		return "", false, nil
	}
	return subject, true, nil
}

// CheckPIN implements Directory.
func (s *Static) CheckPIN(ctx context.Context, subject string, pin []byte) (bool, error) {
	e, err := s.lookup(subject)
	if err != nil {
		return false, fmt.Errorf("members: check PIN: %w", err)
	}
	ok, err := s.h.verify(ctx, kindPIN, e.pin, pin)
	if err != nil {
		return false, fmt.Errorf("members: check PIN: %w", err)
	}
	return ok, nil
}

// CheckRepCode implements Directory.
func (s *Static) CheckRepCode(ctx context.Context, subject string, code []byte) (*Representative, bool, error) {
	e, err := s.lookup(subject)
	if err != nil {
		return nil, false, fmt.Errorf("members: check representative code: %w", err)
	}
	rep, ok, err := s.h.checkRepCode(ctx, e, code)
	if err != nil {
		return nil, false, fmt.Errorf("members: check representative code: %w", err)
	}
	return rep, ok, nil
}

// Restrictions implements Directory.
func (s *Static) Restrictions(_ context.Context, subject string) ([]string, error) {
	e, err := s.lookup(subject)
	if err != nil {
		return nil, fmt.Errorf("members: restrictions: %w", err)
	}
	return slices.Clone(e.member.Restrictions), nil
}

// Record implements Directory. The returned Member is the caller's copy.
func (s *Static) Record(_ context.Context, subject string) (*Member, error) {
	e, err := s.lookup(subject)
	if err != nil {
		return nil, fmt.Errorf("members: record: %w", err)
	}
	return e.member.clone(), nil
}

func (s *Static) lookup(subject string) (*entry, error) {
	e, ok := s.entries[subject]
	if !ok {
		// The subject is not echoed: a confused caller might pass PHI.
		return nil, ErrNotFound
	}
	return e, nil
}
