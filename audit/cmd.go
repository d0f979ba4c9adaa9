package audit

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

const verifyUsage = `usage: callgate audit verify FILE...

Verifies each audit ledger FILE: every line parses in canonical form, its
hash recomputes, seq runs 1, 2, 3, ... and each prev is the hash of the
line before. Prints "FILE: N entries, chain intact" or
"FILE: line L: <problem>". Exit status: 0 all intact, 1 a chain broken or
a file unreadable, 2 usage.
`

// VerifyCommand runs `callgate audit verify FILE...`; args are the
// arguments after "verify". For each file it prints to stdout
// "FILE: N entries, chain intact" or "FILE: line L: <problem>"; a file
// that cannot be read is reported on stderr. It returns 0 when every file
// is intact, 1 when one is broken or unreadable, and 2 for a usage error
// (usage on stderr); -h prints the usage to stdout and returns 0.
func VerifyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("callgate audit verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, verifyUsage)
			return 0
		}
		_, _ = fmt.Fprintf(stderr, "callgate audit verify: %v\n%s", err, verifyUsage)
		return 2
	}
	if fs.NArg() == 0 {
		_, _ = io.WriteString(stderr, verifyUsage)
		return 2
	}
	status := 0
	for _, path := range fs.Args() {
		n, err := VerifyFile(path)
		var be *BrokenError
		switch {
		case err == nil:
			_, _ = fmt.Fprintf(stdout, "%s: %d entries, chain intact\n", path, n)
		case errors.As(err, &be):
			_, _ = fmt.Fprintf(stdout, "%s: line %d: %s\n", path, be.Line, be.Problem)
			status = 1
		default:
			_, _ = fmt.Fprintf(stderr, "%s: %v\n", path, err)
			status = 1
		}
	}
	return status
}
