package audit

// Kind is what an entry records.
type Kind string

// The kinds of entry the ledger accepts.
const (
	// KindDisclosure records member fields shown to an agent's screen.
	KindDisclosure Kind = "disclosure"
	// KindSignin records a successful sign-in.
	KindSignin Kind = "signin"
	// KindSigninFailed records a refused sign-in (Detail "reason").
	KindSigninFailed Kind = "signin_failed"
	// KindStatus records an agent status change (Detail "status").
	KindStatus Kind = "status"
	// KindFlowPublish records a call flow version published or rolled back.
	KindFlowPublish Kind = "flow_publish"
	// KindPolicyPublish records a disclosure policy version published.
	KindPolicyPublish Kind = "policy_publish"
	// KindReveal records a field revealed on demand beyond the screen pop.
	KindReveal Kind = "reveal"
	// KindSignout records a session's end (Detail "reason": logout, idle).
	KindSignout Kind = "signout"
	// KindScreenPop records a screen pop that disclosed no member field
	// (an unverified caller, a restriction): who took the call, and why
	// nothing was shown (Detail "reason").
	KindScreenPop Kind = "screen_pop"
	// KindPromptPublish records an uploaded prompt version (Detail lang,
	// prompt, version, sha256, comment).
	KindPromptPublish Kind = "prompt_publish"
)

// Kinds lists every known Kind, in the order above.
func Kinds() []Kind {
	return []Kind{
		KindDisclosure, KindSignin, KindSigninFailed, KindStatus,
		KindFlowPublish, KindPolicyPublish, KindReveal, KindSignout, KindScreenPop, KindPromptPublish,
	}
}

// Valid reports whether k is a known Kind.
func (k Kind) Valid() bool {
	switch k {
	case KindDisclosure, KindSignin, KindSigninFailed, KindStatus,
		KindFlowPublish, KindPolicyPublish, KindReveal, KindSignout, KindScreenPop, KindPromptPublish:
		return true
	}
	return false
}

// IsDisclosure reports whether entries of kind k belong in an accounting
// of disclosures: KindDisclosure and KindReveal.
func (k Kind) IsDisclosure() bool {
	return k == KindDisclosure || k == KindReveal
}

// String returns k as written in the ledger.
func (k Kind) String() string { return string(k) }
