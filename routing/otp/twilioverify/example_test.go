package twilioverify_test

import (
	"fmt"

	"github.com/callgate/callgate/routing/otp/twilioverify"
)

func ExampleE164() {
	for _, onFile := range []string{"+1 207 555 0190 (mobile)", "(207) 555-0190"} {
		to, ok := twilioverify.E164(onFile)
		fmt.Printf("%q %v\n", to, ok)
	}
	// Output:
	// "+12075550190" true
	// "" false
}
