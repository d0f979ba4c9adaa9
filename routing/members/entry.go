package members

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// entry is one member as a backend holds it: hashes and display content,
// no secret in clear.
type entry struct {
	member *Member // Subject, display Fields (with "name" and "dob"), Restrictions, Representatives
	dob    phcHash
	pin    phcHash
	codes  []phcHash // codes[i] is the code of member.Representatives[i]
}

// prepare hashes the secrets of a validated record (it does not validate)
// and builds its entry.
func (h *hasher) prepare(ctx context.Context, r *Record) (*entry, error) {
	subject := h.subject(r.MemberID)
	fields := maps.Clone(r.Fields)
	if fields == nil {
		fields = make(map[string]string, 2)
	}
	fields[colName] = r.Name
	fields[colDOB] = displayDOB(r.DOB)
	e := &entry{member: &Member{Subject: subject, Fields: fields, Restrictions: nilIfEmpty(r.Restrictions)}}
	var err error
	if e.dob, err = h.hash(ctx, kindDOB, r.DOB); err != nil {
		return nil, err
	}
	if e.pin, err = h.hash(ctx, kindPIN, r.PIN); err != nil {
		return nil, err
	}
	for i, rep := range r.Representatives {
		code, err := h.hash(ctx, kindRep, rep.Code)
		if err != nil {
			return nil, err
		}
		e.codes = append(e.codes, code)
		e.member.Representatives = append(e.member.Representatives, Representative{
			ID: h.repID(subject, i), Name: rep.Name, Relationship: rep.Relationship, Scope: nilIfEmpty(rep.Scope),
		})
	}
	return e, nil
}

// prepareAll validates recs, rejects duplicate member IDs and hashes the
// records concurrently (bounded by the hasher's slots). Errors name the
// record by its 1-based index, never by its content.
func (h *hasher) prepareAll(ctx context.Context, recs []Record) ([]*entry, error) {
	seen := make(map[string]int, len(recs))
	for i := range recs {
		if fe := recs[i].validate(); fe != nil {
			fe.Record = i + 1
			return nil, fe
		}
		s := h.subject(recs[i].MemberID)
		if j, dup := seen[s]; dup {
			return nil, fmt.Errorf("record %d has the member ID of record %d: %w", i+1, j+1, ErrDuplicateMember)
		}
		seen[s] = i
	}
	out := make([]*entry, len(recs))
	errs := make([]error, len(recs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(len(recs), cap(h.sem)) {
		wg.Go(func() {
			for i := range jobs {
				out[i], errs[i] = h.prepare(ctx, &recs[i])
			}
		})
	}
feed:
	for i := range recs {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("hash records: %w", err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("hash records: %w", err)
	}
	return out, nil
}

// checkRepCode verifies code against every representative's code hash (not
// stopping at a match, and verifying the dummy when there is none) and
// returns a copy of the matching representative.
func (h *hasher) checkRepCode(ctx context.Context, e *entry, code []byte) (*Representative, bool, error) {
	if len(e.codes) == 0 {
		_, err := h.verifyOrDummy(ctx, kindRep, nil, code)
		return nil, false, err
	}
	match := -1
	for i := range e.codes {
		ok, err := h.verify(ctx, kindRep, e.codes[i], code)
		if err != nil {
			return nil, false, err
		}
		if ok && match < 0 {
			match = i
		}
	}
	if match < 0 {
		return nil, false, nil
	}
	rep := e.member.Representatives[match].clone()
	return &rep, true, nil
}

// nilIfEmpty returns a copy of s, or nil when s is empty.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}
