package members

import (
	"crypto/subtle"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Entry formats of the secure digits.
const (
	MemberIDDigits = 8 // member ID
	DOBDigits      = 8 // date of birth, MMDDYYYY
	PINDigits      = 4 // member PIN
	RepCodeDigits  = 4 // representative code
)

// maxTextLen bounds a display value, in bytes.
const maxTextLen = 4096

// Record is one member as imported, with the secrets in clear. NewStatic
// and Redis.Import hash the secrets and keep none of the slices; call Wipe
// when the record is no longer needed.
type Record struct {
	MemberID []byte // MemberIDDigits digits
	Name     string
	DOB      []byte // DOBDigits digits, MMDDYYYY
	PIN      []byte // PINDigits digits
	// Fields are the other display fields (phone, address, plan, ...):
	// keys are lowercase [a-z][a-z0-9_]*, not "name" or "dob".
	Fields          map[string]string
	Restrictions    []string // lowercase words, e.g. "no-family-disclosure"
	Representatives []RepRecord
}

// RepRecord is one personal representative of a Record.
type RepRecord struct {
	Name         string
	Relationship string
	Code         []byte   // RepCodeDigits digits, unique within the member
	Scope        []string // lowercase words, at least one
}

// Wipe zeroes the record's secret digits (member ID, DOB, PIN and
// representative codes).
func (r *Record) Wipe() {
	Wipe(r.MemberID)
	Wipe(r.DOB)
	Wipe(r.PIN)
	for i := range r.Representatives {
		Wipe(r.Representatives[i].Code)
	}
}

// FieldError is a validation error of an import row or record. Its message
// names where the problem is and what is expected, never the value.
type FieldError struct {
	Line   int    // CSV line (1-based); 0 for a Record passed directly
	Record int    // 1-based record index, when Line is 0
	Rep    int    // 1-based representative index within a Record, or 0
	Column string // CSV column or field name, e.g. "dob", "rep_code"
	Reason string // what is expected, e.g. "want 8 digits MMDDYYYY"
}

// Error formats e as "line 3: dob: want 8 digits MMDDYYYY" or
// "record 2: representative 1: rep_code: want 4 digits".
func (e *FieldError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Column, e.Reason)
	case e.Rep > 0:
		return fmt.Sprintf("record %d: representative %d: %s: %s", e.Record, e.Rep, e.Column, e.Reason)
	default:
		return fmt.Sprintf("record %d: %s: %s", e.Record, e.Column, e.Reason)
	}
}

// Unwrap returns ErrInvalidRecord.
func (e *FieldError) Unwrap() error { return ErrInvalidRecord }

// Column and field names, shared by the CSV header, FieldError and the
// display fields.
const (
	colMemberID        = "member_id"
	colName            = "name"
	colDOB             = "dob"
	colPIN             = "pin"
	colRestrictions    = "restrictions"
	colRepName         = "rep_name"
	colRepRelationship = "rep_relationship"
	colRepCode         = "rep_code"
	colRepScope        = "rep_scope"
)

// Validation reasons.
const (
	reasonRequired = "required"
	reasonText     = "want printable text of at most 4096 bytes"
	reasonWords    = "want lowercase words (a-z, 0-9, -, _) separated by + or ;"
	reasonDOB      = "want 8 digits MMDDYYYY"
	reasonDate     = "not a calendar date (MMDDYYYY)"
	reasonFieldKey = "want a lowercase field name (a-z, 0-9, _)"
	reasonReserved = "reserved field name: set Name or DOB instead"
	reasonDupCode  = "two representatives of the member have the same code"
)

func reasonDigits(n int) string { return fmt.Sprintf("want %d digits", n) }

// isDigits reports whether b is exactly n ASCII digits.
func isDigits(b []byte, n int) bool {
	if len(b) != n {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// dobReason returns "" if b is a valid MMDDYYYY date from 1900 on, else why not.
func dobReason(b []byte) string {
	if !isDigits(b, DOBDigits) {
		return reasonDOB
	}
	num := func(s []byte) int {
		n := 0
		for _, c := range s {
			n = n*10 + int(c-'0')
		}
		return n
	}
	m, d, y := num(b[0:2]), num(b[2:4]), num(b[4:8])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if y < 1900 || m < 1 || m > 12 || t.Day() != d || int(t.Month()) != m {
		return reasonDate
	}
	return ""
}

// displayDOB formats MMDDYYYY digits as MM/DD/YYYY.
func displayDOB(b []byte) string {
	return string(b[0:2]) + "/" + string(b[2:4]) + "/" + string(b[4:8])
}

// isText reports whether s is valid UTF-8 without control characters and
// at most maxTextLen bytes.
func isText(s string) bool {
	if len(s) > maxTextLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// isWord reports whether s matches [a-z0-9][a-z0-9_-]*.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && (c == '-' || c == '_')
		if !ok {
			return false
		}
	}
	return true
}

// isFieldKey reports whether s matches [a-z][a-z0-9_]*.
func isFieldKey(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// textReason returns "" if s is required-and-present (or optional) text.
func textReason(s string, required bool) string {
	switch {
	case s == "" && required:
		return reasonRequired
	case !isText(s):
		return reasonText
	}
	return ""
}

// wordsReason returns "" if every word is valid and, when required, there
// is at least one.
func wordsReason(words []string, required bool) string {
	if required && len(words) == 0 {
		return reasonRequired
	}
	for _, w := range words {
		if !isWord(w) {
			return reasonWords
		}
	}
	return ""
}

// validate checks r; the returned error has Column, Reason and Rep set.
func (r *Record) validate() *FieldError {
	bad := func(col, reason string) *FieldError { return &FieldError{Column: col, Reason: reason} }
	if !isDigits(r.MemberID, MemberIDDigits) {
		return bad(colMemberID, reasonDigits(MemberIDDigits))
	}
	if why := textReason(r.Name, true); why != "" {
		return bad(colName, why)
	}
	if why := dobReason(r.DOB); why != "" {
		return bad(colDOB, why)
	}
	if !isDigits(r.PIN, PINDigits) {
		return bad(colPIN, reasonDigits(PINDigits))
	}
	for k, v := range r.Fields {
		switch {
		case !isFieldKey(k):
			return bad("fields", reasonFieldKey)
		case k == colName || k == colDOB:
			return bad(k, reasonReserved)
		case !isText(v):
			return bad(k, reasonText)
		}
	}
	if why := wordsReason(r.Restrictions, false); why != "" {
		return bad(colRestrictions, why)
	}
	for i, rep := range r.Representatives {
		if e := rep.validate(); e != nil {
			e.Rep = i + 1
			return e
		}
		for j := range i {
			if subtle.ConstantTimeCompare(rep.Code, r.Representatives[j].Code) == 1 {
				return &FieldError{Rep: i + 1, Column: colRepCode, Reason: reasonDupCode}
			}
		}
	}
	return nil
}

func (rep *RepRecord) validate() *FieldError {
	bad := func(col, reason string) *FieldError { return &FieldError{Column: col, Reason: reason} }
	if why := textReason(rep.Name, true); why != "" {
		return bad(colRepName, why)
	}
	if why := textReason(rep.Relationship, true); why != "" {
		return bad(colRepRelationship, why)
	}
	if !isDigits(rep.Code, RepCodeDigits) {
		return bad(colRepCode, reasonDigits(RepCodeDigits))
	}
	if why := wordsReason(rep.Scope, true); why != "" {
		return bad(colRepScope, why)
	}
	return nil
}
