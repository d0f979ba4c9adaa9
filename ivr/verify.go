package ivr

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/callgate/callgate/flows"
)

// Verification results, as metric label values.
const (
	resultOK      = "ok"
	resultFail    = "fail"
	resultLocked  = "locked"
	resultMissing = "missing_input"
	resultError   = "error"
	// One-time codes only: the provider could not be used (the flow fell
	// back), and the code had expired or was never sent.
	resultUnavailable = "unavailable"
	resultExpired     = "expired"
)

// verify runs one verification step on collected (secure) slots. The
// slots are wiped whatever happens. A failed attempt with tries left goes
// to Retry after InvalidPrompt; the last goes to OnFailure with the level
// proven so far kept and verification_failed flagged.
func (s *session) verify(ctx context.Context, name string, n *flows.Node) (string, error) {
	in := map[string][]byte{}
	for key, slot := range n.Inputs {
		in[key] = s.slots[slot]
		delete(s.slots, slot)
	}
	defer func() {
		for _, b := range in {
			wipe(b)
		}
	}()
	ok, result, err := s.check(ctx, n.Step, in)
	if s.r.Observer != nil {
		s.r.Observer.Verification(n.Step, result)
	}
	s.log.Info("verification attempt", "node", name, "step", string(n.Step), "result", result, "attempt", s.tries[name]+1)
	if err != nil {
		// A directory or store failure is not the caller's fault and proves
		// nothing: treat as a failed attempt without counting it against
		// the member, and keep the call going.
		s.storeErr("verify", err)
	}
	if ok {
		delete(s.tries, name)
		return n.Next, nil
	}
	s.tries[name]++
	if s.tries[name] < orInt(n.Tries, DefaultTries) {
		_ = s.play(ctx, []string{orString(n.InvalidPrompt, DefaultNoMatchPrompt)}, false)
		return n.Retry, nil
	}
	delete(s.tries, name)
	s.addFlag(ctx, FlagVerificationFailed)
	return s.failure(n)
}

// check performs a step. It returns whether it passed and a bounded result
// label; err reports infrastructure failures only.
func (s *session) check(ctx context.Context, step flows.VerifyStep, in map[string][]byte) (bool, string, error) {
	switch step {
	case flows.StepIdentity:
		return s.checkIdentity(ctx, in["member_id"], in["dob"])
	case flows.StepPIN:
		if s.subject == "" || len(in["pin"]) == 0 {
			return false, resultMissing, nil
		}
		ok, err := s.r.Members.CheckPIN(ctx, s.subject, in["pin"])
		if err != nil {
			return false, resultError, err
		}
		if !ok {
			return false, resultFail, s.countFailure(ctx, s.subject)
		}
		s.success(ctx, s.subject)
		s.setTags(ctx, map[string]string{TagVerificationLevel: "full", TagCallerRole: "self"})
		return true, resultOK, nil
	case flows.StepRepCode:
		if s.subject == "" || len(in["code"]) == 0 {
			return false, resultMissing, nil
		}
		rep, ok, err := s.r.Members.CheckRepCode(ctx, s.subject, in["code"])
		if err != nil {
			return false, resultError, err
		}
		if !ok {
			return false, resultFail, s.countFailure(ctx, s.subject)
		}
		s.success(ctx, s.subject)
		s.rep = &rep
		s.setTags(ctx, map[string]string{TagVerificationLevel: "full", TagCallerRole: "representative"})
		return true, resultOK, nil
	}
	return false, resultError, fmt.Errorf("ivr: unknown verification step %q", step)
}

// checkIdentity checks member ID and DOB together, after the lockout and
// pretexting checks. The caller hears the same thing for an unknown member,
// a wrong date of birth and a locked member.
func (s *session) checkIdentity(ctx context.Context, memberID, dob []byte) (bool, string, error) {
	if len(memberID) == 0 || len(dob) == 0 {
		return false, resultMissing, nil
	}
	ref := ""
	if s.r.MemberRef != nil {
		ref = s.r.MemberRef(memberID)
	}
	if s.r.Guard != nil && ref != "" {
		if s.caller != "" {
			pretext, err := s.r.Guard.Tried(ctx, s.caller, ref)
			if err != nil {
				s.storeErr("guard", err)
			} else if pretext {
				s.addFlag(ctx, FlagSuspectedPretexting)
			}
		}
		locked, err := s.r.Guard.Locked(ctx, ref)
		if err != nil {
			s.storeErr("guard", err)
		} else if locked {
			s.addFlag(ctx, FlagLockedOut)
			return false, resultLocked, nil
		}
	}
	subject, ok, err := s.r.Members.Identify(ctx, memberID, dob)
	if err != nil {
		return false, resultError, err
	}
	if !ok {
		return false, resultFail, s.countFailure(ctx, ref)
	}
	s.subject = subject
	// Failures are not cleared here: a caller who knows the member ID and
	// date of birth but not the PIN must not reset the PIN lockout by
	// re-identifying. Only full verification clears them.
	restr, err := s.r.Members.Restrictions(ctx, subject)
	if err != nil {
		s.storeErr("restrictions", err)
	}
	s.setTags(ctx, map[string]string{
		TagVerificationLevel: "partial",
		TagSubject:           subject,
		TagRestrictions:      strings.Join(slices.Sorted(slices.Values(restr)), ","),
	})
	return true, resultOK, nil
}

// countFailure records a failed attempt against a member reference and
// flags the call when it locks the member.
func (s *session) countFailure(ctx context.Context, ref string) error {
	if s.r.Guard == nil || ref == "" {
		return nil
	}
	lockedNow, err := s.r.Guard.Failure(ctx, ref)
	if err != nil {
		s.storeErr("guard", err)
		return nil
	}
	if lockedNow {
		s.addFlag(ctx, FlagLockedOut)
	}
	return nil
}

func (s *session) success(ctx context.Context, ref string) {
	if s.r.Guard == nil || ref == "" {
		return
	}
	if err := s.r.Guard.Success(ctx, ref); err != nil {
		s.storeErr("guard", err)
	}
}
