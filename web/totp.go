package web

import (
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters (RFC 6238 with the authenticator-app defaults): 30 s
// steps, 6 digits, HMAC-SHA1, one step of clock skew either way.
const (
	totpPeriod = 30
	totpSkew   = 1
)

// totpSteps remembers the last time step each user signed in with, so a
// code is accepted once (RFC 6238 § 5.2).
type totpSteps struct {
	mu   sync.Mutex
	last map[string]int64
}

// checkTOTP reports whether code is the user's TOTP code for a step within
// the skew of now that is later than any step already used, and if so
// marks that step used.
func (s *Server) checkTOTP(username, secret, code string, now time.Time) bool {
	opts := totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	cur := now.Unix() / totpPeriod
	matched := int64(-1)
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		ok, err := totp.ValidateCustom(code, secret, time.Unix(step*totpPeriod, 0), opts)
		if err == nil && ok {
			matched = step
		}
	}
	if matched < 0 {
		return false
	}
	st := &s.steps
	st.mu.Lock()
	defer st.mu.Unlock()
	if last, ok := st.last[username]; ok && matched <= last {
		return false
	}
	st.last[username] = matched
	return true
}
