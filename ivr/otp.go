package ivr

import (
	"context"
	"errors"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media"
	"github.com/callgate/callgate/media/prompt"
)

// One-time code defaults.
const (
	// DefaultOTPTimeout bounds each send and check when Runner.OTPTimeout
	// is not set.
	DefaultOTPTimeout = 5 * time.Second
	// DefaultOTPEntryTimeout is how long an otp step waits for the first
	// key of the code when the node sets no timeout: the caller has to
	// read a text message or take a call first.
	DefaultOTPEntryTimeout = 20 * time.Second
	// otpInterDigit ends an entry after a pause between keys.
	otpInterDigit = 5 * time.Second
	// Codes are 4 to 10 digits (the provider's range), then #.
	otpMinDigits = 4
	otpMaxDigits = 10
	// maxOTPResends bounds new codes per otp node visit: each one is a
	// message to the member's phone.
	maxOTPResends = 2
	// otpCheckHoldAfter is how long a check may take before the caller
	// hears hold audio.
	otpCheckHoldAfter = time.Second
)

// errNoOTP stands in for a missing provider.
var errNoOTP = errors.New("ivr: no one-time code provider")

// otp runs a verify node with step otp on a call that has passed the
// identity step: send a code to the member's phone on file (hold audio
// while it goes), ask for it (secure input: never logged, wiped after the
// check), and check it. Approved gives full verification as the member.
// A wrong code or no entry costs a try (Tries, default 3); a wrong code
// also counts against the member in the guard. An expired code offers a
// new one (press 1). Too many checks at the provider locks the member
// out. When the provider cannot be used the call goes to Fallback
// (OnUnavailable says whether that is the PIN step or onward at partial).
func (s *session) otp(ctx context.Context, name string, n *flows.Node) (string, error) {
	switch {
	case s.subject == "":
		s.otpResult(name, resultMissing, 1)
		s.addFlag(ctx, FlagVerificationFailed)
		return s.failure(n)
	case s.r.OTP == nil:
		return s.otpUnavailable(name, n, errNoOTP)
	}
	if s.r.Guard != nil {
		locked, err := s.r.Guard.Locked(ctx, s.subject)
		if err != nil {
			s.storeErr("guard", err)
		} else if locked {
			// A locked member gets no code: nothing is sent to the phone.
			s.otpResult(name, resultLocked, 1)
			s.addFlag(ctx, FlagLockedOut)
			s.addFlag(ctx, FlagVerificationFailed)
			return s.failure(n)
		}
	}
	if err := s.sendOTP(ctx, n); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return s.otpUnavailable(name, n, err)
	}
	limit := orInt(n.Tries, DefaultTries)
	tries, resends := 0, 0
	for {
		if err := s.play(ctx, []string{flows.OTPEntryPrompt}, true); err != nil {
			return "", err
		}
		res, result, err := s.enterOTP(ctx, n)
		switch {
		case ctx.Err() != nil:
			return "", ctx.Err()
		case err != nil:
			return s.otpUnavailable(name, n, err)
		}
		s.otpResult(name, result, tries+1)
		switch {
		case result == resultMissing:
			tries++
		case res == OTPApproved:
			s.success(ctx, s.subject)
			s.setTags(ctx, map[string]string{TagVerificationLevel: "full", TagCallerRole: "self"})
			return n.Next, nil
		case res == OTPTooManyChecks:
			if s.r.Guard != nil {
				if err := s.r.Guard.Lock(ctx, s.subject); err != nil {
					s.storeErr("guard", err)
				}
			}
			s.addFlag(ctx, FlagLockedOut)
			s.addFlag(ctx, FlagVerificationFailed)
			return s.failure(n)
		case res == OTPExpired:
			if resends >= maxOTPResends || !s.offerResend(ctx) {
				if ctx.Err() != nil {
					return "", ctx.Err()
				}
				s.addFlag(ctx, FlagVerificationFailed)
				return s.failure(n)
			}
			resends++
			if err := s.sendOTP(ctx, n); err != nil {
				if ctx.Err() != nil {
					return "", ctx.Err()
				}
				return s.otpUnavailable(name, n, err)
			}
			continue // a new code is not a failed try
		default: // OTPWrong
			_ = s.countFailure(ctx, s.subject)
			tries++
			if s.flags[FlagLockedOut] {
				s.addFlag(ctx, FlagVerificationFailed)
				return s.failure(n)
			}
		}
		if tries >= limit {
			s.addFlag(ctx, FlagVerificationFailed)
			return s.failure(n)
		}
		again := orString(n.InvalidPrompt, DefaultNoMatchPrompt)
		if result == resultMissing {
			again = DefaultNoInputPrompt
		}
		_ = s.play(ctx, []string{again}, true)
	}
}

// enterOTP reads the code the caller keys in and checks it. The entered
// digits are wiped before it returns. result is the metric label:
// missing_input for no or a malformed entry (not sent to the provider),
// else by res. err is a provider failure.
func (s *session) enterOTP(ctx context.Context, n *flows.Node) (OTPResult, string, error) {
	entry := &flows.Node{
		MinDigits: otpMinDigits, MaxDigits: otpMaxDigits, Terminator: "#",
		Timeout:           flows.Duration(orDuration(n.Timeout, DefaultOTPEntryTimeout)),
		InterDigitTimeout: flows.Duration(otpInterDigit),
	}
	code, err := s.readEntry(ctx, entry)
	defer wipe(code)
	switch {
	case ctx.Err() != nil:
		return OTPWrong, "", ctx.Err()
	case err != nil:
		s.c.Digits().Clear()
		return OTPWrong, resultMissing, nil
	}
	res, err := s.checkOTP(ctx, code)
	if err != nil {
		return res, resultUnavailable, err
	}
	switch res {
	case OTPApproved:
		return res, resultOK, nil
	case OTPExpired:
		return res, resultExpired, nil
	case OTPTooManyChecks:
		return res, resultLocked, nil
	case OTPWrong:
	}
	return res, resultFail, nil
}

// sendOTP sends a code by the node's channel, playing the sending notice
// (which a key may cut) and then hold music until the provider answers or
// OTPTimeout passes.
func (s *session) sendOTP(ctx context.Context, n *flows.Node) error {
	channel := n.Channel
	if channel == "" {
		channel = flows.DefaultOTPChannel
	}
	notice, err := s.prompt(flows.OTPSendingPrompt(channel))
	if err != nil {
		notice = nil // validated flows have it; hold music alone will do
	}
	sctx, cancel := context.WithTimeout(ctx, s.r.otpTimeout())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.r.OTP.Send(sctx, s.subject, channel) }()
	return s.holdUntil(ctx, done, notice, 0)
}

// checkOTP checks a code, with hold music if the provider is slow.
func (s *session) checkOTP(ctx context.Context, code []byte) (OTPResult, error) {
	cctx, cancel := context.WithTimeout(ctx, s.r.otpTimeout())
	defer cancel()
	var res OTPResult
	done := make(chan error, 1)
	go func() {
		var err error
		res, err = s.r.OTP.Check(cctx, s.subject, code)
		done <- err
	}()
	err := s.holdUntil(ctx, done, nil, otpCheckHoldAfter)
	return res, err
}

// holdUntil waits for done while the caller hears notice in full (if any;
// a key cuts it), then, from holdAfter on, hold music until done. It
// returns done's value once the audio has stopped. The goroutine sending
// to done must return when its context (derived from ctx, with a
// deadline) ends.
func (s *session) holdUntil(ctx context.Context, done <-chan error, notice *prompt.Prompt, holdAfter time.Duration) error {
	hold, err := s.prompt(orString(s.r.HoldPrompt, "hold_music"))
	if err != nil {
		hold = prompt.Silence(10 * time.Second)
	}
	hctx, stopHold := context.WithCancel(ctx)
	played := make(chan struct{})
	go func() {
		defer close(played)
		if notice != nil {
			_ = s.c.Play(ctx, notice, media.PlayOptions{BargeIn: true})
		}
		if holdAfter > 0 {
			t := time.NewTimer(holdAfter)
			defer t.Stop()
			select {
			case <-t.C:
			case <-hctx.Done():
				return
			}
		}
		for hctx.Err() == nil {
			if err := s.c.Play(hctx, hold, media.PlayOptions{}); err != nil {
				return
			}
		}
	}()
	err = <-done
	stopHold()
	<-played
	return err
}

// offerResend says the code has expired and reports whether the caller
// pressed the resend key. Keys typed before the offer are dropped.
func (s *session) offerResend(ctx context.Context) bool {
	s.c.Digits().Clear()
	if err := s.play(ctx, []string{flows.OTPExpiredPrompt}, true); err != nil {
		return false
	}
	dg, err := s.nextKey(ctx, DefaultTimeout)
	return err == nil && string(dg.Key) == flows.OTPResendKey
}

// otpUnavailable goes to the node's fallback when the provider cannot be
// used. The level proven so far (partial) stands; nothing is flagged, as
// the caller did nothing wrong.
func (s *session) otpUnavailable(name string, n *flows.Node, err error) (string, error) {
	s.otpResult(name, resultUnavailable, 0)
	s.log.Warn("one-time code unavailable; falling back", "node", name, "on_unavailable", string(n.OnUnavailable),
		"fallback", n.Fallback, "error", err)
	if n.Fallback == "" {
		return s.failure(n)
	}
	return n.Fallback, nil
}

// otpResult counts and logs one otp outcome (never the digits).
func (s *session) otpResult(name, result string, attempt int) {
	if s.r.Observer != nil {
		s.r.Observer.Verification(flows.StepOTP, result)
	}
	if attempt > 0 {
		s.log.Info("verification attempt", "node", name, "step", string(flows.StepOTP), "result", result, "attempt", attempt)
	}
}

func (r *Runner) otpTimeout() time.Duration {
	if r.OTPTimeout > 0 {
		return r.OTPTimeout
	}
	return DefaultOTPTimeout
}
