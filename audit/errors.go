package audit

import (
	"errors"
	"strconv"
)

var (
	// ErrInvalidEntry means Append refused an entry: an unknown kind, a
	// subject that is not an opaque reference (^m_[a-z2-7]{16,64}$), a
	// field name or Detail key that is not ^[a-z][a-z0-9_]*$, a Detail
	// value over 200 bytes or holding a run of 8 or more digits (a member
	// ID or a date of birth), a value over its length limit or not UTF-8,
	// or a disclosure or reveal without actor, subject or fields.
	// Disclosures returns it for a malformed subject too. Messages name
	// the offending field, never quote a suspected PHI value.
	ErrInvalidEntry = errors.New("invalid audit entry")

	// ErrBroken means the ledger file is not an intact chain: a line that
	// does not parse or is not in canonical form, a hash that does not
	// recompute, a seq out of order, a prev that does not match the line
	// before, or a last line without its newline. The error is a
	// *BrokenError that says which line.
	ErrBroken = errors.New("audit chain broken")

	// ErrClosed means the Ledger was closed.
	ErrClosed = errors.New("audit ledger closed")

	// ErrFailed means an earlier write or fsync failed, so the file's tail
	// is uncertain and the Ledger refuses further appends. Reopen it: Open
	// verifies the chain again.
	ErrFailed = errors.New("audit ledger failed")

	// ErrLocked means another Ledger, in this process or another, holds
	// the file open for appending.
	ErrLocked = errors.New("audit ledger locked by another writer")
)

// BrokenError says where and how a ledger's chain is broken. It wraps
// ErrBroken.
type BrokenError struct {
	// Line is the 1-based line number of the first bad line.
	Line int
	// Problem says what is wrong with it, in words.
	Problem string
}

// Error returns "audit chain broken: line L: problem".
func (e *BrokenError) Error() string {
	return ErrBroken.Error() + ": line " + strconv.Itoa(e.Line) + ": " + e.Problem
}

// Unwrap returns ErrBroken.
func (e *BrokenError) Unwrap() error { return ErrBroken }

func broken(line int, problem string) error {
	return &BrokenError{Line: line, Problem: problem}
}
