// Package flows is the call-flow model: a flow is a YAML document with an
// id, an entry node and named nodes (play, menu, collect, verify, consent,
// set, branch, route, transfer, hangup). This package loads flows keeping
// line:column positions, validates them into errors a person can act on,
// and keeps published versions immutable. It has no I/O beyond parsing.
package flows
