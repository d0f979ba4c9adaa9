package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/callgate/callgate/audit"
)

// Accounting answers the accounting of disclosures for one member.
type Accounting interface {
	Disclosures(ctx context.Context, subject string) ([]audit.Entry, error)
}

// WithAccounting serves GET /api/v1/audit/disclosures from a (supervisors
// only). Without it the route answers 503.
func WithAccounting(a Accounting) Option {
	return func(s *Server) error {
		if a == nil {
			return fmt.Errorf("%w: nil accounting", ErrInvalidConfig)
		}
		s.accounting = a
		return nil
	}
}

// accountingResponse is the body of GET /api/v1/audit/disclosures.
type accountingResponse struct {
	Subject     string        `json:"subject"`
	Disclosures []audit.Entry `json:"disclosures"`
}

// handleDisclosures lists, oldest first, the disclosure and reveal
// entries for ?subject= (45 CFR 164.528): when, to whom, which fields
// (names), for which call, purpose and policy version.
func (s *Server) handleDisclosures(w http.ResponseWriter, r *http.Request, p principal) {
	subject := r.URL.Query().Get("subject")
	if !audit.IsSubject(subject) {
		s.writeError(w, fmt.Errorf("%w: subject is not a member reference", ErrBadRequest))
		return
	}
	if s.accounting == nil {
		s.writeError(w, fmt.Errorf("%w: no ledger", ErrUnavailable))
		return
	}
	entries, err := s.accounting.Disclosures(r.Context(), subject)
	if err != nil {
		if errors.Is(err, audit.ErrBroken) {
			s.log.ErrorContext(r.Context(), "accounting refused: the ledger fails verification", "username", p.username, "error", err)
		} else {
			s.log.ErrorContext(r.Context(), "accounting", "username", p.username, "error", err)
		}
		s.writeError(w, fmt.Errorf("%w: ledger: %w", ErrUnavailable, err))
		return
	}
	s.log.InfoContext(r.Context(), "accounting of disclosures", "username", p.username, "subject", subject, "entries", len(entries))
	s.writeJSON(w, http.StatusOK, accountingResponse{Subject: subject, Disclosures: entries})
}
