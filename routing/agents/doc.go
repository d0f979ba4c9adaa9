// Package agents is callgate's directory of users (agents, supervisors,
// admins, ops) and the pure choice of which agent a call is offered to.
//
// # Directory
//
// [ParseDirectory] reads the directory from YAML, strictly and with
// line:column errors; [LoadDemo] returns the bundled demo users. Passwords
// are stored only as argon2id hashes in the PHC string format
// ([HashPassword], [VerifyPassword]); a directory hash must meet OWASP's
// argon2id minimum. An optional TOTP secret (base32, at least 128 bits)
// turns on the second factor, and an optional static SIP contact serves
// phones that do not REGISTER. An [Agent] never prints or logs its hash or
// secret (String, GoString, LogValue).
//
// # Selection
//
// [Select] picks, among the [Candidate] agents presence reports, the one
// that has been idle longest and is available, reachable, not on a call,
// has every skill the call's [Requirement] names and, when required,
// clinical clearance, skipping agents already tried for the call. Ties go
// to the smaller username, so every node picks the same agent from the
// same state. [SelectionOrder] lists all eligible candidates in the order
// they would be tried. Both are pure: time enters only as IdleSince, and
// Select does not allocate.
package agents
