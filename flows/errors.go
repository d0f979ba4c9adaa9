package flows

import (
	"errors"
	"strconv"
	"strings"
)

var (
	// ErrInvalidFlow means a flow failed to parse or validate. The error
	// returned by Load and Publish is an Errors (use errors.As) listing every
	// problem with its line and column.
	ErrInvalidFlow = errors.New("invalid flow")

	// ErrUnknownFlow means the registry has no published flow with that ID.
	ErrUnknownFlow = errors.New("unknown flow")

	// ErrUnknownVersion means the flow exists but has no such version.
	ErrUnknownVersion = errors.New("unknown flow version")

	// ErrNilFlow means a nil *Flow was given where a flow is required.
	ErrNilFlow = errors.New("nil flow")

	// ErrInvalidHours means an hours-of-operation schedule is malformed (a
	// bad day name, time range or holiday date) or has no time zone.
	ErrInvalidHours = errors.New("invalid hours of operation")

	// ErrNoTimeZone means the flow names no time zone, or one that the time
	// zone database does not know.
	ErrNoTimeZone = errors.New("no usable time zone")

	// ErrInvalidDuration means a duration is not written like "5s" or
	// "1500ms".
	ErrInvalidDuration = errors.New("invalid duration")

	// ErrInvalidChoice means a menu choice is neither a node name nor a
	// mapping with next and set.
	ErrInvalidChoice = errors.New("invalid menu choice")

	// ErrInvalidID means a flow ID given to a Store or Catalog is not
	// ^[a-z0-9][a-z0-9-]{0,62}$.
	ErrInvalidID = errors.New("invalid flow id")

	// ErrNoDraft means the flow has no saved draft to publish.
	ErrNoDraft = errors.New("no draft")

	// ErrStale means the live version changed since the caller looked
	// (another admin published): review the diff again.
	ErrStale = errors.New("live version changed")

	// ErrDraftChanged means the draft was saved again between its
	// validation and its publication.
	ErrDraftChanged = errors.New("draft changed")

	// ErrNoChange means a publish or rollback would make live what is
	// already live.
	ErrNoChange = errors.New("same as the live version")

	// ErrInvalidComment means a publish comment is not one line of at most
	// MaxComment bytes without a run of 8 digits.
	ErrInvalidComment = errors.New("invalid comment")
)

// Error is one problem in a flow, at a 1-based line and column of its source
// (both 0 when the flow was not parsed from YAML). Path is the Positions key
// the problem is about, e.g. "role.choices.1"; Message is a sentence that
// names the node and says what to change.
type Error struct {
	Line, Column int
	Path         string
	Message      string
}

// Error formats e as "LINE:COL: message", or just the message when e has no
// position.
func (e Error) Error() string {
	if e.Line <= 0 {
		return e.Message
	}
	return strconv.Itoa(e.Line) + ":" + strconv.Itoa(e.Column) + ": " + e.Message
}

// Errors is a list of flow problems, sorted by position by Parse and
// Validate.
type Errors []Error

// Error returns one "LINE:COL: message" line per problem.
func (e Errors) Error() string {
	var b strings.Builder
	for i, err := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

// Err returns e as an error, or nil when e is empty.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Is reports whether target is ErrInvalidFlow, so that
// errors.Is(err, ErrInvalidFlow) holds for any non-empty Errors.
func (e Errors) Is(target error) bool {
	return target == ErrInvalidFlow && len(e) > 0
}

// Unwrap returns each problem as an error, for errors.As with Error.
func (e Errors) Unwrap() []error {
	out := make([]error, len(e))
	for i, err := range e {
		out[i] = err
	}
	return out
}
