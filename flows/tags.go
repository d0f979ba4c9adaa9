package flows

import (
	"slices"
	"strings"
)

// Tag names and values with a meaning of their own in flows.
const (
	// TagFlags is the comma-separated flags tag. A set node or choice may
	// add FlagVerificationFailed to it (the runtime appends, it does not
	// replace); no other flag may be set from a flow.
	TagFlags = "flags"
	// FlagVerificationFailed marks a call whose caller failed verification.
	FlagVerificationFailed = "verification_failed"
)

// BranchTags are the call tags a branch node may test with tag:, with the
// values a case may name (nil: any lowercase word). The runtime matches a
// case against the tag's whole value, so the comma-separated tags (flags,
// restrictions) are not here; the call's language is tested with
// language: true, not tag: language.
var BranchTags = map[string][]string{ //nolint:gochecknoglobals // read-only table
	"purpose":            nil,
	"caller_role":        {"unknown", "self", "representative", "involved"},
	"verification_level": {"none", "partial", "full"},
	"recording_consent":  {"granted", "declined", "unanswered"},
}

// settableNames lists what a flow may set, for messages.
func settableNames() []string {
	names := sortedKeys(SettableTags)
	names = append(names, TagFlags)
	slices.Sort(names)
	return names
}

// checkSet checks the tags a set node or a menu choice writes. path is the
// set field's path; what prefixes messages ("" or `choice "1" `).
func (c nodeCheck) checkSet(path string, set map[string]string, what string) {
	rel := strings.TrimPrefix(path, c.name+".")
	for _, tag := range sortedKeys(set) {
		value, field := set[tag], rel+"."+tag
		allowed, settable := SettableTags[tag]
		switch {
		case tag == TagFlags:
			if value != FlagVerificationFailed {
				c.errorf(field, "%sflags can only be set to %s, not %q", what, FlagVerificationFailed, value)
			}
		case !settable:
			c.errorf(field, "%scannot set tag %q; a flow may set %s%s", what, tag,
				strings.Join(settableNames(), ", "), didYouMean(tag, settableNames()))
		case tag == "language":
			if !c.isLanguageOf(value) {
				c.errorf(field, "%slanguage %q is not one of the flow's languages (%s)", what, value, strings.Join(c.langs, ", "))
			}
		case allowed != nil:
			if !slices.Contains(allowed, value) {
				c.errorf(field, "%s%s cannot be %q; use one of %s", what, tag, value, strings.Join(allowed, ", "))
			}
		case !isWord(value):
			c.errorf(field, "%s%s %q is not valid: use a lowercase word such as billing", what, tag, value)
		}
	}
}
