package flows

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// ValidateOptions are what Validate checks a flow against besides itself.
type ValidateOptions struct {
	// PromptExists reports whether a prompt exists in a language; nil skips prompt checks.
	PromptExists func(lang, name string) bool
	// Queues, when non-nil, lists the queues a route may name.
	Queues []string
	// Unavailable lists verification steps this deployment cannot run,
	// each with the reason (what to configure), e.g. StepOTP without a
	// one-time code provider. A verify node using one is an error.
	Unavailable map[VerifyStep]string
}

// defaultLanguage is the flow language when a flow lists none.
const defaultLanguage = "en"

// Validate checks a parsed flow: names, kinds and the fields each kind needs
// and allows, targets, tags, hours, verification inputs, reachability,
// loops that never wait for the caller and, when opts says how, prompts and
// queues. It returns every problem found, sorted by line and column; none
// means the flow may be published. Validate does not modify f.
func Validate(f *Flow, opts ValidateOptions) []Error {
	if f == nil {
		return []Error{{Message: "there is no flow to validate"}}
	}
	v := &validator{f: f, opts: opts, langs: f.Languages}
	if len(v.langs) == 0 {
		v.langs = []string{defaultLanguage}
	}
	v.names = make([]string, 0, len(f.Nodes))
	for name := range f.Nodes {
		v.names = append(v.names, name)
	}
	slices.Sort(v.names)

	v.document()
	for _, name := range v.names {
		v.node(name, f.Nodes[name])
	}
	v.verification()
	v.graph()
	v.prompts()
	sortErrors(v.errs)
	return v.errs
}

// Load parses and validates a flow. On any problem it returns a nil Flow
// and an Errors (errors.Is(err, ErrInvalidFlow) holds) listing them all,
// sorted by position; Validate's findings about a field that already failed
// to parse are left out, so each mistake is reported once.
func Load(src []byte, opts ValidateOptions) (*Flow, error) {
	f, parseErrs := Parse(src)
	errs := Errors(parseErrs)
	if f != nil {
		for _, e := range Validate(f, opts) {
			if !coveredBy(e.Path, parseErrs) {
				errs = append(errs, e)
			}
		}
	}
	if len(errs) > 0 {
		sortErrors(errs)
		return nil, errs
	}
	return f, nil
}

// coveredBy reports whether a parse error was already about path or a
// field that contains it.
func coveredBy(path string, parseErrs []Error) bool {
	for _, pe := range parseErrs {
		if pe.Path != "" && (path == pe.Path || strings.HasPrefix(path, pe.Path+".")) {
			return true
		}
	}
	return false
}

// validator holds the state of one Validate.
type validator struct {
	f     *Flow
	opts  ValidateOptions
	errs  []Error
	names []string // node names, sorted
	langs []string // the flow's languages; the first is the default
}

// pos returns where path is, or where the closest enclosing path is
// ("a.b.c", then "a.b", "a", the document).
func (v *validator) pos(path string) Position {
	for {
		if p, ok := v.f.Pos[path]; ok {
			return p
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return v.f.Pos[""]
		}
		path = path[:i]
	}
}

// errorf records a problem about path.
func (v *validator) errorf(path, format string, args ...any) {
	p := v.pos(path)
	v.errs = append(v.errs, Error{Line: p.Line, Column: p.Column, Path: path, Message: fmt.Sprintf(format, args...)})
}

// given reports whether a node field was written in the source or has a
// non-zero value.
func (v *validator) given(name string, n *Node, spec *fieldSpec) bool {
	if spec.present(n) {
		return true
	}
	_, ok := v.f.Pos[name+"."+spec.name]
	return ok
}

// document checks the top-level fields.
func (v *validator) document() {
	f := v.f
	switch {
	case f.ID == "":
		v.errorf("id", "the flow has no id; add id: with a name such as member-services")
	case !isFlowID(f.ID):
		v.errorf("id", "flow id %q is not valid: use 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit", f.ID)
	}
	if f.Version < 0 {
		v.errorf("version", "version %d is negative; versions are assigned when the flow is published", f.Version)
	}
	if f.Entry == "" {
		v.errorf("entry", "the flow has no entry; add entry: with the name of the first node")
	}
	if len(f.Nodes) == 0 {
		v.errorf("nodes", "the flow has no nodes; add nodes: with at least the entry node")
	}
	seen := make(map[string]bool, len(f.Languages))
	for i, lang := range f.Languages {
		path := fmt.Sprintf("languages.%d", i)
		switch {
		case !isLanguage(lang):
			v.errorf(path, "language %q is not valid: use a lowercase code such as en or es", lang)
		case seen[lang]:
			v.errorf(path, "language %q is listed twice; remove one", lang)
		}
		seen[lang] = true
	}
	if f.TimeZone != "" {
		if err := checkTimeZone(f.TimeZone); err != "" {
			v.errorf("timezone", "%s", err)
		}
	}
}

// checkTimeZone returns why tz is not a usable time zone, or "".
func checkTimeZone(tz string) string {
	if tz == "Local" {
		return `timezone "Local" depends on the server; name an IANA zone such as America/New_York`
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return fmt.Sprintf("timezone %q is not a known IANA time zone; use one such as America/New_York", tz)
	}
	return ""
}

// isLanguageOf reports whether lang is one of the flow's languages.
func (v *validator) isLanguageOf(lang string) bool {
	return slices.Contains(v.langs, lang)
}
