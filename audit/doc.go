// Package audit is callgate's tamper-evident audit ledger: an append-only
// JSON-lines file in which every entry carries the SHA-256 of the entry
// before it, so that an edited byte, a deleted or reordered line, or a
// truncated write is detected by Verify with the line where the chain
// breaks.
//
// It is the record compliance officers read: which member fields were
// disclosed to whom, for which call and purpose (the accounting of
// disclosures, 45 CFR 164.528, see Ledger.Disclosures), who signed in or
// failed to, who published which flow or policy version. Entries hold
// field names and opaque references, never PHI: Append rejects a subject
// that is not an opaque m_ reference and a Detail value that looks like a
// member ID or date of birth (a run of 8 or more digits).
//
// # File format
//
// One entry per line, each line terminated by "\n", nothing else in the
// file. Append writes each line as
//
//	json.Marshal(entry) + "\n"
//
// which is canonical: encoding/json writes struct fields in declaration
// order (seq, time, kind, actor, call_id, subject, purpose, fields,
// policy, detail, prev, hash), omits empty optional fields, sorts Detail
// keys, writes time in UTC as RFC 3339 with nanoseconds and trailing
// zeros trimmed, and escapes <, > and & as \u003c, \u003e and \u0026. The
// same Entry always gives the same bytes.
//
// # Hash chain
//
//	hash = hex(SHA-256(json.Marshal(entry with Hash = ""))), lower case
//	prev = hash of the previous line; 64 "0" for the first line (GenesisPrev)
//	seq  = 1, 2, 3, ... with no gaps
//
// The hashed bytes keep the "hash" key with an empty value. Since "hash"
// is the last key, they are the line itself with its trailing
// `"hash":"<64 hex>"}` replaced by `"hash":""}`, and that is how Verify
// (or anyone, without this package) recomputes a hash: over the line's
// own bytes, so that no edit can hide in whitespace or escaping, and
// without decoding each entry, so that a long ledger verifies at about a
// microsecond a line. Because Hash covers every other byte of its line,
// Prev chains whole lines.
//
// The chain has no key: it proves the lines present are the lines written,
// in order, but it cannot show that whole lines were cut from the end, or
// that someone able to write the file rebuilt it from some line onwards
// with fresh hashes. Record Ledger.Head somewhere the ledger's writer
// cannot change (another system's log, a signed report) to anchor it.
//
// # Durability and concurrency
//
// Open takes an exclusive advisory lock on the file (flock, where the
// platform has it), so two processes never interleave chains. Append is
// safe for concurrent use; it writes one line with O_APPEND and fsyncs
// before it returns, so an acknowledged entry survives a crash. After a
// failed write or fsync the Ledger refuses further appends (ErrFailed):
// reopen it, which verifies the file again.
package audit
