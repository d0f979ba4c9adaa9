package flows

import (
	"slices"
	"strings"
)

// branch checks a branch node: exactly one of tag, hours and language, and
// the fields that mode needs.
func (c nodeCheck) branch() {
	n := c.n
	var modes []string
	if n.Tag != "" || c.given(c.name, n, mustField("tag")) {
		modes = append(modes, "tag")
	}
	if n.Hours != nil || c.given(c.name, n, mustField("hours")) {
		modes = append(modes, "hours")
	}
	if n.Language {
		modes = append(modes, "language")
	}
	switch len(modes) {
	case 0:
		c.errorf("", "a branch node needs one of tag, hours or language: true")
		return
	case 1:
	default:
		c.errorf(modes[1], "a branch node takes only one of tag, hours and language: true; this one has %s", strings.Join(modes, " and "))
		return
	}
	mode := modes[0]
	if mode == "hours" {
		c.hoursBranch()
		return
	}
	for _, field := range []string{"hours", "open", "closed"} {
		if c.given(c.name, n, mustField(field)) {
			c.errorf(field, "%s does not apply to %s %s branch; use cases and default", field, article(mode), mode)
		}
	}
	c.need("cases", len(n.Cases) > 0)
	c.need("default", n.Default != "")
	if mode == "language" {
		c.caseValues("", nil, true)
		return
	}
	allowed, ok := BranchTags[n.Tag]
	switch {
	case n.Tag == "language":
		c.errorf("tag", "to branch on the call's language, write language: true instead of tag: language")
		return
	case !ok:
		names := sortedKeys(BranchTags)
		c.errorf("tag", "cannot branch on tag %q; use one of %s%s", n.Tag, strings.Join(names, ", "), didYouMean(n.Tag, names))
		return
	}
	c.caseValues(n.Tag, allowed, false)
}

// caseValues checks a branch's case values: one of allowed when it is set,
// one of the flow's languages when language is true, else a lowercase word.
func (c nodeCheck) caseValues(tag string, allowed []string, language bool) {
	for _, value := range sortedKeys(c.n.Cases) {
		field := "cases." + value
		switch {
		case language:
			if !c.isLanguageOf(value) {
				c.errorf(field, "case %q is not one of the flow's languages (%s)", value, strings.Join(c.langs, ", "))
			}
		case allowed != nil:
			if !slices.Contains(allowed, value) {
				c.errorf(field, "case %q is not a value of %s; use one of %s", value, tag, strings.Join(allowed, ", "))
			}
		case !isWord(value):
			c.errorf(field, "case %q is not valid: use a lowercase word such as billing", value)
		}
	}
}

// hoursBranch checks an hours branch: its schedule, open and closed, and
// that the flow has a time zone.
func (c nodeCheck) hoursBranch() {
	n := c.n
	for _, field := range []string{"cases", "default"} {
		if c.given(c.name, n, mustField(field)) {
			c.errorf(field, "%s does not apply to an hours branch; use open and closed", field)
		}
	}
	c.need("open", n.Open != "")
	c.need("closed", n.Closed != "")
	if c.f.TimeZone == "" {
		c.errorf("hours", "an hours branch needs the flow's timezone; add timezone: with a zone such as America/New_York at the top of the flow")
	}
	if n.Hours == nil {
		return
	}
	_, problems := compileHours(n.Hours)
	for _, p := range problems {
		c.errorf("hours."+p.path, "%s", p.msg)
	}
}
