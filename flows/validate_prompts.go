package flows

import "strconv"

// prompts checks every prompt a node names (and the default prompts the
// runtime falls back on): the name must be valid and, when
// opts.PromptExists is set, the prompt must exist in the flow's default
// language.
func (v *validator) prompts() {
	for _, name := range v.names {
		n := v.f.Nodes[name]
		if n == nil {
			continue
		}
		c := nodeCheck{validator: v, name: name, n: n}
		for i, p := range n.Prompts {
			c.prompt("prompts."+strconv.Itoa(i), p, "")
		}
		c.prompt("no_input_prompt", n.NoInputPrompt, "")
		c.prompt("no_match_prompt", n.NoMatchPrompt, "")
		c.prompt("invalid_prompt", n.InvalidPrompt, "")
		c.defaultPrompts()
	}
}

// defaultPrompts checks the prompts the runtime plays when a node names
// none: no_input and invalid for menus and collects, invalid after a failed
// verification and after a wrong key at consent.
func (c nodeCheck) defaultPrompts() {
	n := c.n
	switch n.Kind {
	case KindMenu, KindCollect:
		if n.NoInputPrompt == "" {
			c.prompt("", DefaultNoInputPrompt, "no_input_prompt")
		}
		if n.NoMatchPrompt == "" {
			c.prompt("", DefaultNoMatchPrompt, "no_match_prompt")
		}
	case KindVerify:
		if n.InvalidPrompt == "" {
			c.prompt("", DefaultNoMatchPrompt, "invalid_prompt")
		}
		if n.Step == StepOTP {
			names := []string{OTPEntryPrompt, OTPExpiredPrompt}
			if n.Channel == "" || n.Channel == ChannelSMS || n.Channel == ChannelCall {
				names = append([]string{OTPSendingPrompt(n.Channel)}, names...)
			}
			for _, name := range names {
				c.prompt("step", name, "otp")
			}
		}
	case KindConsent:
		c.prompt("", DefaultNoMatchPrompt, "wrong key")
	default:
	}
}

// prompt checks one prompt name at field. defaultFor names the field whose
// default it is, when the node did not name it.
func (c nodeCheck) prompt(field, name, defaultFor string) {
	if name == "" && defaultFor == "" {
		return
	}
	if !isPromptName(name) {
		c.errorf(field, "prompt name %q is not valid: use lowercase letters, digits, _ and -, without .wav", name)
		return
	}
	lang := c.langs[0]
	if c.opts.PromptExists == nil || c.opts.PromptExists(lang, name) {
		return
	}
	switch defaultFor {
	case "":
	case "wrong key":
		c.errorf(field, "a consent node plays %q after a wrong key, but there is no %s/%s.wav; add the prompt", name, lang, name)
		return
	case "otp":
		c.errorf(field, "an otp step plays %q, but there is no %s/%s.wav; add the prompt", name, lang, name)
		return
	default:
		c.errorf(field, "the default %s %q has no %s/%s.wav; add the prompt or set %s", defaultFor, name, lang, name, defaultFor)
		return
	}
	c.errorf(field, "prompt %q has no %s/%s.wav", name, lang, name)
}

// isPromptName reports whether s matches ^[a-z0-9][a-z0-9_-]{0,62}$.
func isPromptName(s string) bool {
	if s == "" || len(s) > maxNameLen || s[0] == '_' || s[0] == '-' {
		return false
	}
	for i := range len(s) {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}
