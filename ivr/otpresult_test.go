package ivr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOTPResultString(t *testing.T) {
	for r, want := range map[OTPResult]string{
		OTPWrong: "wrong", OTPApproved: "approved", OTPExpired: "expired", OTPTooManyChecks: "too_many_checks", 200: "unknown",
	} {
		assert.Equal(t, want, r.String())
	}
}
