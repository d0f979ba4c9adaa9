package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
	"unicode"
	"unicode/utf8"
)

// Record is one published version of a flow as a Store keeps it. Records
// are immutable: a rollback publishes a copy as a new version.
type Record struct {
	ID string
	// Version numbers start at 1 and go up by one per publish or rollback.
	Version int
	// Source is the flow's YAML exactly as published.
	Source []byte
	// SHA256 is the hex SHA-256 of Source.
	SHA256 string
	// Author and Comment say who published it and why.
	Author  string
	Comment string
	// Published is when it was published.
	Published time.Time
	// RollbackOf is the version this one copies when a rollback published
	// it (0 otherwise).
	RollbackOf int
}

// Draft is a flow source saved for review before publication. A flow has
// at most one draft; saving replaces it.
type Draft struct {
	ID     string
	Source []byte
	SHA256 string
	Author string
	Saved  time.Time
}

// PublishCondition guards a Store.Publish.
type PublishCondition struct {
	// CheckLive requires the live version to still be Live (0: no version
	// yet); otherwise Publish fails with ErrStale.
	CheckLive bool
	Live      int
	// DraftSHA256, when set, requires the saved draft to hash to it
	// (ErrDraftChanged otherwise) and deletes the draft with the publish.
	DraftSHA256 string
}

// Store keeps flow versions and drafts where every node sees them (Redis
// in production, see routing/flowstore; MemStore in tests). Versions are
// never deleted or changed. IDs passed to a Store are valid flow IDs.
// Errors other than the flows sentinels mean the store could not be used.
type Store interface {
	// IDs lists the flows that have a version or a draft, sorted.
	IDs(ctx context.Context) ([]string, error)
	// LiveVersion returns the live version of flow id, 0 when it has none.
	// It is one small round trip: the IVR asks it at every call's start.
	LiveVersion(ctx context.Context, id string) (int, error)
	// Record returns one version (ErrUnknownVersion when there is none).
	Record(ctx context.Context, id string, version int) (Record, error)
	// Records returns every version of flow id, oldest first (none: nil).
	Records(ctx context.Context, id string) ([]Record, error)
	// Publish stores rec as the flow's next version and makes it live, in
	// one atomic step: concurrent publishes get distinct versions, and a
	// condition that fails changes nothing. rec.Version is ignored; the
	// stored record and the version live before are returned.
	Publish(ctx context.Context, rec Record, cond PublishCondition) (stored Record, before int, err error)
	// Seed publishes rec as version 1 when flow rec.ID has no version yet,
	// atomically; otherwise it changes nothing. It returns the live version
	// after the call and whether it published.
	Seed(ctx context.Context, rec Record) (live int, created bool, err error)
	// Draft returns the saved draft of flow id, if any.
	Draft(ctx context.Context, id string) (Draft, bool, error)
	// SaveDraft saves d as the draft of flow d.ID, replacing any.
	SaveDraft(ctx context.Context, d Draft) error
	// DeleteDraft removes the draft of flow id, if any.
	DeleteDraft(ctx context.Context, id string) error
}

// CheckID returns an error wrapping ErrInvalidID unless id is a valid flow
// ID (^[a-z0-9][a-z0-9-]{0,62}$).
func CheckID(id string) error {
	if !isFlowID(id) {
		return fmt.Errorf("%w: use 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit", ErrInvalidID)
	}
	return nil
}

// MaxComment is the longest publish comment, in bytes.
const MaxComment = 200

// commentDigitRun is the shortest run of digits a comment may not hold: a
// member ID or a date of birth as keyed (the audit ledger refuses them).
const commentDigitRun = 8

// CheckComment returns an error wrapping ErrInvalidComment unless c is one
// line of printable UTF-8 of at most MaxComment bytes without a run of 8
// digits (comments go to the audit ledger, which holds no PHI).
func CheckComment(c string) error {
	if len(c) > MaxComment {
		return fmt.Errorf("%w: %d bytes; at most %d", ErrInvalidComment, len(c), MaxComment)
	}
	if !utf8.ValidString(c) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidComment)
	}
	run := 0
	for _, r := range c {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w: one line of printable text", ErrInvalidComment)
		}
		if !unicode.IsDigit(r) {
			run = 0
			continue
		}
		if run++; run >= commentDigitRun {
			return fmt.Errorf("%w: %d or more digits in a row could be a member ID or a date of birth", ErrInvalidComment, commentDigitRun)
		}
	}
	return nil
}

// SourceSHA256 returns the hex SHA-256 of a flow source, as Record and
// Draft keep it.
func SourceSHA256(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}
