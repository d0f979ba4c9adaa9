package audit

import "time"

// Entry is one line of the ledger. The caller fills the facts; Append
// assigns Seq, Time, Prev and Hash. An entry holds field names and opaque
// references, never PHI.
type Entry struct {
	// Seq is the entry's position in the ledger: 1, 2, 3, ...
	Seq uint64 `json:"seq"`
	// Time is when Append wrote the entry, from the Ledger's clock, in UTC.
	Time time.Time `json:"time"`
	// Kind is what the entry records.
	Kind Kind `json:"kind"`
	// Actor is the username that acted or, for a disclosure, the user the
	// fields were shown to.
	Actor string `json:"actor,omitempty"`
	// CallID is the SIP Call-ID of the call concerned, if any.
	CallID string `json:"call_id,omitempty"`
	// Subject is the member's opaque reference (m_...), never a member ID
	// or name.
	Subject string `json:"subject,omitempty"`
	// Purpose is the call's purpose, e.g. scheduling.
	Purpose string `json:"purpose,omitempty"`
	// Fields are the NAMES of the member fields disclosed, never values.
	Fields []string `json:"fields,omitempty"`
	// Policy is the disclosure policy version that permitted them.
	Policy string `json:"policy,omitempty"`
	// Detail holds a few bounded extra facts (reason, version, hashes),
	// never PHI.
	Detail map[string]string `json:"detail,omitempty"`
	// Prev is the Hash of the previous entry, or GenesisPrev for the first.
	Prev string `json:"prev"`
	// Hash is the hex SHA-256 of this entry's canonical JSON with Hash
	// empty, which is the entry's line with the hash value emptied (see
	// the package documentation).
	Hash string `json:"hash"`
}

// GenesisPrev is the Prev of the first entry: 64 zeros.
const GenesisPrev = "0000000000000000000000000000000000000000000000000000000000000000"

// Limits on what an entry may hold, so that lines stay bounded.
const (
	// MaxDetailValue is the most bytes a Detail value may hold.
	MaxDetailValue = 200
	// MaxDetail is the most keys Detail may hold.
	MaxDetail = 16
	// MaxFields is the most field names an entry may hold.
	MaxFields = 64
	// MaxName is the most bytes a field name or Detail key may hold.
	MaxName = 64
	// MaxText is the most bytes Actor, CallID, Purpose or Policy may hold.
	MaxText = 256
	// MaxLine is the longest line Verify reads; entries within the limits
	// above always fit.
	MaxLine = 64 << 10
)

// clone returns e with its own copies of Fields and Detail, empty ones
// made nil so that e equals the entry read back from the file.
func (e Entry) clone() Entry {
	if len(e.Fields) == 0 {
		e.Fields = nil
	} else {
		e.Fields = append([]string(nil), e.Fields...)
	}
	if len(e.Detail) == 0 {
		e.Detail = nil
	} else {
		d := make(map[string]string, len(e.Detail))
		for k, v := range e.Detail {
			d[k] = v
		}
		e.Detail = d
	}
	return e
}
