// Package guard keeps the lockout and pretexting signals that every
// callgate node shares through Redis:
//
//   - failed verification attempts against one member (by its opaque
//     subject) within a window lock that member out for a while;
//   - distinct members tried from one caller number within a window raise
//     suspected pretexting.
//
// Counters and locks expire by Redis expiry, so every node sees the same
// state and nothing needs cleaning up. Caller numbers and member
// references are stored only as HMACs under a key the nodes share; keys
// are callgate:guard:fail:{subject}, callgate:guard:lock:{subject} and
// callgate:guard:tried:{hmac(caller number)}. Every operation is one round
// trip.
//
// When Redis cannot be reached the operations fail with
// ErrStoreUnavailable; callers should fail closed (treat the member as
// locked and the call as unverified).
package guard
