package members

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Redis hash layout of one member, key <prefix>member:<subject>:
//
//	dob_hash                argon2id PHC string of the peppered DOB
//	pin_hash                argon2id PHC string of the peppered PIN
//	restrictions            comma list (may be empty; always present)
//	f:<field>               display field, e.g. f:name, f:dob (MM/DD/YYYY)
//	rep:<n>:name            representative n (0-based, contiguous)
//	rep:<n>:relationship
//	rep:<n>:scope           comma list
//	rep:<n>:code_hash       argon2id PHC string of the peppered code
const (
	hfDOBHash      = "dob_hash"
	hfPINHash      = "pin_hash"
	hfRestrictions = "restrictions"
	hfFieldPrefix  = "f:"
	hfRepPrefix    = "rep:"

	repName         = "name"
	repRelationship = "relationship"
	repScope        = "scope"
	repCodeHash     = "code_hash"

	maxReps = 100 // representatives per member, bounds a tampered record
)

// encodeEntry returns e as HSET field/value pairs.
func encodeEntry(e *entry) []any {
	m := e.member
	kv := make([]any, 0, 6+2*len(m.Fields)+8*len(m.Representatives))
	kv = append(kv, hfDOBHash, e.dob.String(), hfPINHash, e.pin.String(), hfRestrictions, strings.Join(m.Restrictions, ","))
	for _, k := range slices.Sorted(maps.Keys(m.Fields)) {
		kv = append(kv, hfFieldPrefix+k, m.Fields[k])
	}
	for i, rep := range m.Representatives {
		p := hfRepPrefix + strconv.Itoa(i) + ":"
		kv = append(kv,
			p+repName, rep.Name,
			p+repRelationship, rep.Relationship,
			p+repScope, strings.Join(rep.Scope, ","),
			p+repCodeHash, e.codes[i].String())
	}
	return kv
}

// splitList splits a comma list; "" is nil.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// decodeEntry rebuilds an entry from HGETALL output. Unknown fields are
// ignored; missing required fields, bad hashes and incomplete
// representatives are ErrCorrupt. Errors name fields, never values.
func (h *hasher) decodeEntry(subject string, m map[string]string) (*entry, error) {
	e := &entry{member: &Member{Subject: subject, Fields: map[string]string{}}}
	var err error
	for _, f := range []struct {
		name string
		dst  *phcHash
	}{{hfDOBHash, &e.dob}, {hfPINHash, &e.pin}} {
		v, ok := m[f.name]
		if !ok {
			return nil, fmt.Errorf("field %s missing: %w", f.name, ErrCorrupt)
		}
		if *f.dst, err = parsePHC(v); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.name, err)
		}
	}
	restr, ok := m[hfRestrictions]
	if !ok {
		return nil, fmt.Errorf("field %s missing: %w", hfRestrictions, ErrCorrupt)
	}
	e.member.Restrictions = splitList(restr)
	type rawRep struct{ name, relationship, scope, code *string }
	var reps []rawRep
	for k, v := range m {
		if name, ok := strings.CutPrefix(k, hfFieldPrefix); ok {
			e.member.Fields[name] = v
			continue
		}
		rest, ok := strings.CutPrefix(k, hfRepPrefix)
		if !ok {
			continue
		}
		ns, attr, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(ns)
		if err != nil || n < 0 || n >= maxReps || strconv.Itoa(n) != ns {
			return nil, fmt.Errorf("representative field with a bad index: %w", ErrCorrupt)
		}
		if n >= len(reps) {
			reps = append(reps, make([]rawRep, n+1-len(reps))...)
		}
		switch attr {
		case repName:
			reps[n].name = &v
		case repRelationship:
			reps[n].relationship = &v
		case repScope:
			reps[n].scope = &v
		case repCodeHash:
			reps[n].code = &v
		}
	}
	for i, r := range reps {
		if r.name == nil || r.relationship == nil || r.scope == nil || r.code == nil {
			return nil, fmt.Errorf("representative %d incomplete: %w", i, ErrCorrupt)
		}
		code, err := parsePHC(*r.code)
		if err != nil {
			return nil, fmt.Errorf("representative %d code hash: %w", i, err)
		}
		e.codes = append(e.codes, code)
		e.member.Representatives = append(e.member.Representatives, Representative{
			ID: h.repID(subject, i), Name: *r.name, Relationship: *r.relationship, Scope: splitList(*r.scope),
		})
	}
	return e, nil
}
