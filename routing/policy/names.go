package policy

// Verification levels, as in the call tag verification_level.
const (
	LevelNone    = "none"
	LevelPartial = "partial"
	LevelFull    = "full"
)

// Caller roles, as in the call tag caller_role.
const (
	RoleUnknown        = "unknown"
	RoleSelf           = "self"
	RoleRepresentative = "representative"
	RoleInvolved       = "involved"
)

// Banners: what the screen shows across the top for the call's effective
// verification level (a full verification shows none).
const (
	BannerUnverified = "UNVERIFIED"
	BannerPartial    = "PARTIALLY VERIFIED"
)

// Reasons a Decision gives for the ledger. They are bounded: besides these
// constants a reason is one of the prefixes below followed by names taken
// from the policy (never from the call), e.g. "rule full/self/scheduling",
// "out of scope: rule full/representative/billing",
// "restricted: no-family-disclosure", "flag: locked_out".
const (
	ReasonNoPolicy           = "no policy"
	ReasonLevelNone          = "level none"
	ReasonUnknownLevel       = "unknown level"
	ReasonUnknownRole        = "unknown role"
	ReasonNoRule             = "no rule"
	ReasonUnknownRestriction = "restricted: unknown restriction"

	ReasonRulePrefix       = "rule "
	ReasonOutOfScopePrefix = "out of scope: rule "
	ReasonRestrictedPrefix = "restricted: "
	ReasonFlagPrefix       = "flag: "
)

// Notices the policy adds on its own, besides those of restrictions and
// flags ("<name>: <notice>").
const (
	// NoticeUnknownRestriction: the member has a restriction the policy
	// does not know, so nothing is shown.
	NoticeUnknownRestriction = "unknown restriction: the member has a restriction this policy cannot enforce; nothing is shown, ask a supervisor"
	// NoticeClinical: a field would be shown to a clinically cleared agent.
	NoticeClinical = "clinical: more is available to a clinically cleared agent; transfer if the caller needs it"
)

// level and role are the indexes of the rule table.
type (
	level uint8
	role  uint8
)

const (
	levelNone level = iota
	levelPartial
	levelFull
	numLevels
)

const (
	roleUnknown role = iota
	roleSelf
	roleRepresentative
	roleInvolved
	numRoles
)

func levelOf(s string) (level, bool) {
	switch s {
	case LevelNone:
		return levelNone, true
	case LevelPartial:
		return levelPartial, true
	case LevelFull:
		return levelFull, true
	}
	return levelNone, false
}

func (l level) String() string { return [...]string{LevelNone, LevelPartial, LevelFull}[l] }

func roleOf(s string) (role, bool) {
	switch s {
	case RoleUnknown:
		return roleUnknown, true
	case RoleSelf:
		return roleSelf, true
	case RoleRepresentative:
		return roleRepresentative, true
	case RoleInvolved:
		return roleInvolved, true
	}
	return roleUnknown, false
}

func (r role) String() string {
	return [...]string{RoleUnknown, RoleSelf, RoleRepresentative, RoleInvolved}[r]
}

// Limits on names and notices.
const (
	maxNameLen   = 64
	maxNoticeLen = 200
	// MaxFields is the most member fields a policy can list.
	MaxFields = 64
)

// isFieldName matches ^[a-z][a-z0-9_]{0,63}$, the member field names.
func isFieldName(s string) bool { return isNameWith(s, "_") }

// isName matches ^[a-z][a-z0-9_-]{0,63}$: purposes, restriction and flag
// names, as the call tags write them.
func isName(s string) bool { return isNameWith(s, "_-") }

func isNameWith(s, punct string) bool {
	if s == "" || len(s) > maxNameLen || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && !containsByte(punct, c) {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := range len(s) {
		if s[i] == c {
			return true
		}
	}
	return false
}

// isNotice reports whether s is a usable notice: 1 to 200 bytes of
// printable text on one line.
func isNotice(s string) bool {
	if s == "" || len(s) > maxNoticeLen {
		return false
	}
	for _, r := range s {
		if r < ' ' || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == '\ufffd' {
			return false
		}
	}
	return true
}
