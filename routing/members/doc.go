// Package members is callgate's member directory: it answers the questions
// identity verification and the agent's screen pop ask about a health-plan
// member, without holding or leaking the member's identifiers in clear.
//
// # What is stored
//
// A member is known by its [Subject], an opaque reference derived from the
// member ID with HMAC-SHA256 under a deployment key ([SubjectOf]). Nodes that
// share the key agree on subjects; without the key a subject cannot be
// turned back into a member ID. The date of birth, PIN and representative
// codes are never stored in clear: each is peppered with HMAC-SHA256 under
// the same key and then hashed with argon2id and a random salt
// ([Argon2Params], PHC string format). A copy of the stored data without the
// key is therefore useless for guessing the short numeric secrets offline.
// What remains in clear is the record's display content ([Member.Fields]:
// name, display date of birth, phone, plan, ...), which the screen pop shows
// when the disclosure policy permits.
//
// # Backends
//
// [Static] holds the directory in memory ([LoadDemo] for the bundled demo
// members, [NewStatic] for any []Record). [Redis] keeps one hash per member
// under "callgate:member:<subject>" and is filled by [Redis.Import], usually
// from [ParseCSV]. Both implement [Directory].
//
// # PHI rules
//
//   - Member IDs, names, dates of birth, PINs and representative codes never
//     appear in error strings or Redis keys, and the package never logs.
//     Validation errors name the CSV line (or record) and the column, never
//     the value ([FieldError]).
//   - Digits arrive as []byte so the caller can [Wipe] them after use; the
//     package never keeps or modifies the caller's slices, and wipes its own
//     intermediate copies (pepper and argon2 outputs).
//   - Hash comparisons are constant-time (crypto/subtle).
//   - A caller cannot learn whether a member ID exists: [Directory.Identify]
//     takes the member ID and the date of birth together and returns the
//     same result (ok=false, nil error) for an unknown ID and for a wrong
//     date of birth. It also does the same work in both cases: for an unknown
//     ID it verifies the date of birth against a dummy argon2id hash made at
//     construction with the directory's parameters, so both paths cost one
//     HMAC, one lookup (one Redis round trip) and one argon2id verification.
//     The dummy matches nothing. Tests prove the verification count; timing
//     is deliberately not asserted in unit tests.
//
// Argon2id verifications are bounded to GOMAXPROCS-1 at a time per
// directory (at least one), so one P stays free for SIP and media while
// verifications queue, and each one allocates Argon2Params.MemoryKiB;
// waiting for a slot honours the context.
package members
