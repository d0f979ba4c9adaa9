package ivr

// OTPResult is what checking a one-time code found.
type OTPResult uint8

// One-time code check results.
const (
	// OTPWrong: the code did not match; the verification stays pending.
	OTPWrong OTPResult = iota
	// OTPApproved: the code matched.
	OTPApproved
	// OTPExpired: there is no pending code to check against (it expired,
	// was used, or was never sent); a new one may be sent.
	OTPExpired
	// OTPTooManyChecks: the provider refuses further checks of this
	// code; the member is locked out.
	OTPTooManyChecks
)

func (r OTPResult) String() string {
	switch r {
	case OTPWrong:
		return "wrong"
	case OTPApproved:
		return "approved"
	case OTPExpired:
		return "expired"
	case OTPTooManyChecks:
		return "too_many_checks"
	}
	return "unknown"
}
