package members

import (
	"crypto/subtle"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// csvDisplayColumns are the CSV columns that become Record.Fields.
var csvDisplayColumns = []string{ //nolint:gochecknoglobals // read-only table
	"phone", "address", "plan", "appointments", "balance", "claims", "prescriptions", "lab_results",
}

// CSVHeader lists the columns ParseCSV requires (in any order).
func CSVHeader() []string {
	h := []string{colMemberID, colName, colDOB, colPIN}
	h = append(h, csvDisplayColumns...)
	return append(h, colRestrictions, colRepName, colRepRelationship, colRepCode, colRepScope)
}

// ParseCSV reads member records from CSV with a header row naming the
// columns of CSVHeader:
//
//	member_id,name,dob,pin,phone,address,plan,appointments,balance,claims,prescriptions,lab_results,restrictions,rep_name,rep_relationship,rep_code,rep_scope
//
// member_id is 8 digits, dob 8 digits MMDDYYYY, pin and rep_code 4 digits;
// restrictions and rep_scope are lowercase words separated by "+" or ";".
// Each row carries at most one representative (the rep_ columns all empty
// or all set); further rows with the same member_id add representatives and
// leave the member columns empty or equal to the member's first row.
// Records come out in order of first appearance.
//
// Validation errors are *FieldError values naming the line and column but
// never the value, e.g. "line 3: dob: want 8 digits MMDDYYYY". The input is
// PHI: ParseCSV cannot wipe what encoding/csv buffers, so keep the file
// itself out of shared places and Wipe the records after import.
func ParseCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("members: CSV has no header row: %w", ErrInvalidCSV)
	}
	if err != nil {
		return nil, fmt.Errorf("members: CSV header: %w: %w", ErrInvalidCSV, err)
	}
	idx, err := csvColumns(header)
	if err != nil {
		return nil, fmt.Errorf("members: CSV header: %w", err)
	}
	var recs []Record
	first := map[string]int{} // member ID -> index in recs
	var firstLine []int       // recs[i] starts on line firstLine[i]
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			// csv.ParseError names the line and column and the kind of
			// problem, not the field's content.
			return nil, fmt.Errorf("members: %w: %w", ErrInvalidCSV, err)
		}
		line, _ := cr.FieldPos(0)
		get := func(col string) string { return strings.TrimSpace(row[idx[col]]) }
		id := get(colMemberID)
		if !isDigits([]byte(id), MemberIDDigits) {
			return nil, &FieldError{Line: line, Column: colMemberID, Reason: reasonDigits(MemberIDDigits)}
		}
		i, seen := first[id]
		if !seen {
			rec, fe := csvMember(get)
			if fe != nil {
				fe.Line = line
				return nil, fe
			}
			i = len(recs)
			first[id] = i
			firstLine = append(firstLine, line)
			recs = append(recs, rec)
		} else if col := csvSameMember(get, &recs[i]); col != "" {
			return nil, &FieldError{Line: line, Column: col,
				Reason: fmt.Sprintf("differs from the member's first row (line %d): leave it empty or repeat it", firstLine[i])}
		}
		rep, fe := csvRep(get)
		if fe != nil {
			fe.Line = line
			return nil, fe
		}
		if rep != nil {
			for _, other := range recs[i].Representatives {
				if subtle.ConstantTimeCompare(other.Code, rep.Code) == 1 {
					return nil, &FieldError{Line: line, Column: colRepCode, Reason: reasonDupCode}
				}
			}
			recs[i].Representatives = append(recs[i].Representatives, *rep)
		}
	}
}

// csvColumns maps each required column to its index in header.
func csvColumns(header []string) (map[string]int, error) {
	want := CSVHeader()
	idx := make(map[string]int, len(want))
	known := make(map[string]bool, len(want))
	for _, c := range want {
		known[c] = true
	}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, fmt.Errorf("column %d: unknown column (want %s): %w", i+1, strings.Join(want, ","), ErrInvalidCSV)
		}
		if _, dup := idx[h]; dup {
			return nil, fmt.Errorf("column %q appears twice: %w", h, ErrInvalidCSV)
		}
		idx[h] = i
	}
	for _, c := range want {
		if _, ok := idx[c]; !ok {
			return nil, fmt.Errorf("column %q missing: %w", c, ErrInvalidCSV)
		}
	}
	return idx, nil
}

// splitWords splits a "+" or ";" separated list, dropping empty items.
func splitWords(s string) []string {
	var out []string
	for w := range strings.FieldsFuncSeq(s, func(r rune) bool { return r == '+' || r == ';' }) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// csvMember builds and validates the member part of a member's first row.
func csvMember(get func(string) string) (Record, *FieldError) {
	rec := Record{
		MemberID:     []byte(get(colMemberID)),
		Name:         get(colName),
		DOB:          []byte(get(colDOB)),
		PIN:          []byte(get(colPIN)),
		Restrictions: splitWords(get(colRestrictions)),
	}
	for _, c := range csvDisplayColumns {
		if v := get(c); v != "" {
			if rec.Fields == nil {
				rec.Fields = make(map[string]string, len(csvDisplayColumns))
			}
			rec.Fields[c] = v
		}
	}
	if fe := rec.validate(); fe != nil {
		rec.Wipe()
		return Record{}, fe
	}
	return rec, nil
}

// csvSameMember returns the first member column of a continuation row that
// is neither empty nor equal to the member's first row, or "".
func csvSameMember(get func(string) string, rec *Record) string {
	secret := func(col string, have []byte) bool {
		v := get(col)
		return v == "" || subtle.ConstantTimeCompare([]byte(v), have) == 1
	}
	text := func(col, have string) bool { v := get(col); return v == "" || v == have }
	switch {
	case !text(colName, rec.Name):
		return colName
	case !secret(colDOB, rec.DOB):
		return colDOB
	case !secret(colPIN, rec.PIN):
		return colPIN
	case get(colRestrictions) != "" && strings.Join(splitWords(get(colRestrictions)), ",") != strings.Join(rec.Restrictions, ","):
		return colRestrictions
	}
	for _, c := range csvDisplayColumns {
		if !text(c, rec.Fields[c]) {
			return c
		}
	}
	return ""
}

// csvRep returns the row's representative, nil if the rep_ columns are empty.
func csvRep(get func(string) string) (*RepRecord, *FieldError) {
	rep := RepRecord{
		Name:         get(colRepName),
		Relationship: get(colRepRelationship),
		Code:         []byte(get(colRepCode)),
		Scope:        splitWords(get(colRepScope)),
	}
	if rep.Name == "" && rep.Relationship == "" && len(rep.Code) == 0 && get(colRepScope) == "" {
		return nil, nil
	}
	if fe := rep.validate(); fe != nil {
		Wipe(rep.Code)
		return nil, fe
	}
	return &rep, nil
}
