package flows

// The validator and Hours check time zones with time.LoadLocation. The
// runtime image (debian:bookworm-slim) has no tzdata package, so embed the
// time zone database: validation and opening hours then behave the same on
// every machine. It adds about 450 KB to the binary.
import _ "time/tzdata"
