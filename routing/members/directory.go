package members

import (
	"context"
	"maps"
	"slices"
)

// Representative is a member's personal representative as the screen pop
// and the disclosure policy see it. The code is never part of it.
type Representative struct {
	// ID is opaque and stable for a given key and record layout:
	// "r_" + HMAC-SHA256(key, "rep:"+subject+":"+index), base32.
	ID           string
	Name         string
	Relationship string   // e.g. "spouse", "daughter"
	Scope        []string // what the representative may act on, e.g. "scheduling", "billing"
}

// Member is a member's record as the screen pop sees it: display content
// and policy inputs, no secrets. Fields holds the display fields ("name",
// "dob" as MM/DD/YYYY, "phone", "address", "plan", "appointments",
// "balance", "claims", "prescriptions", "lab_results", ...); the disclosure
// policy decides which of them may be shown or spoken.
type Member struct {
	Subject         string
	Fields          map[string]string
	Restrictions    []string // e.g. "no-family-disclosure", "contact-mobile-only"
	Representatives []Representative
}

// Directory is what verification and the screen pop need. Implementations
// are safe for concurrent use. No method keeps or modifies the []byte
// arguments; the caller should Wipe them afterwards.
type Directory interface {
	// Identify checks member ID and DOB (MMDDYYYY digits) together and
	// returns the member's subject when both match. An unknown ID and a
	// wrong DOB both return ("", false, nil) after the same work, so a
	// caller cannot learn whether a member ID exists. err is for
	// infrastructure failures only.
	Identify(ctx context.Context, memberID, dob []byte) (subject string, ok bool, err error)
	// CheckPIN reports whether pin is the member's PIN (ErrNotFound for an
	// unknown subject).
	CheckPIN(ctx context.Context, subject string, pin []byte) (bool, error)
	// CheckRepCode returns the member's representative whose code is code
	// (ErrNotFound for an unknown subject). Codes of other members' representatives do
	// not match.
	CheckRepCode(ctx context.Context, subject string, code []byte) (*Representative, bool, error)
	// Restrictions returns the member's restrictions (ErrNotFound for an
	// unknown subject).
	Restrictions(ctx context.Context, subject string) ([]string, error)
	// Record returns the member's record (ErrNotFound for an unknown subject).
	Record(ctx context.Context, subject string) (*Member, error)
}

// clone returns a deep copy of r.
func (r Representative) clone() Representative {
	r.Scope = slices.Clone(r.Scope)
	return r
}

// clone returns a deep copy of m.
func (m *Member) clone() *Member {
	out := &Member{
		Subject:      m.Subject,
		Fields:       maps.Clone(m.Fields),
		Restrictions: slices.Clone(m.Restrictions),
	}
	if m.Representatives != nil {
		out.Representatives = make([]Representative, len(m.Representatives))
		for i, r := range m.Representatives {
			out.Representatives[i] = r.clone()
		}
	}
	return out
}
