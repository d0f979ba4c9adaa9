package audit

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// Disclosures returns, oldest first, the disclosure and reveal entries
// for subject: the accounting of disclosures a member may request (45 CFR
// 164.528: date, recipient, what was disclosed and why). It reads the
// file as of the call, verifying the whole chain on the way, and refuses
// to answer from a broken one (ErrBroken) or from a file whose last entry
// is not the one this Ledger wrote. Appends continue meanwhile. It
// returns an empty, non-nil slice when there are none, and
// ErrInvalidEntry for a malformed subject.
func (l *Ledger) Disclosures(ctx context.Context, subject string) ([]Entry, error) {
	if !IsSubject(subject) {
		return nil, fmt.Errorf("%w: subject must be \"m_\" and 16 to 64 of a-z and 2-7", ErrInvalidEntry)
	}
	if err := l.acquire(ctx); err != nil {
		return nil, fmt.Errorf("audit: disclosures: %w", err)
	}
	closed, size, seq, head := l.closed, l.size, l.seq, l.head
	l.release()
	if closed {
		return nil, ErrClosed
	}

	out := []Entry{}
	c := newChain()
	// Lines that do not name the subject are skipped undecoded: inside a
	// JSON string a quote is escaped, so the pattern only matches the
	// subject key itself.
	pattern := []byte(`"subject":"` + subject + `"`)
	// ReadAt leaves the append offset alone, and os.File keeps the
	// descriptor alive until the read returns even if Close runs.
	err := c.scan(ctx, io.NewSectionReader(l.f, 0, size), func(no int, line []byte) error {
		if !bytes.Contains(line, pattern) {
			return nil
		}
		e, err := decodeLine(no, line)
		if err != nil {
			return err
		}
		if e.Subject == subject && e.Kind.IsDisclosure() {
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: disclosures: %w", err)
	}
	if c.seq != seq || c.headString() != head {
		return nil, fmt.Errorf("audit: disclosures: %w", broken(max(c.n, 1),
			"the file no longer ends with the last entry this process wrote: it was rewritten"))
	}
	return out, nil
}
