// Package tags writes what the IVR learns about a call to the shared
// store, one Redis hash per inbound call:
//
//	callgate:call:{Call-ID}
//
// with the fields listed as Field constants. Values are lowercase words
// checked by Validate; PHI (names, dates of birth, member IDs, digits
// entered) is never written, and the subject is an opaque reference.
//
// A Writer serves one call. Begin writes the initial fields with a safety
// expiry while the call is up; End sets the final state and the expiry
// after hang-up. Every operation is one round trip.
//
// When Redis cannot be reached, writes fail with ErrStoreUnavailable and
// the IVR treats the call as unverified for disclosure; the Writer keeps
// what it knows and rewrites the whole hash with its next successful
// write, so a call recovers a complete hash.
package tags
