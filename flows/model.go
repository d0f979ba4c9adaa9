package flows

import "time"

// Flow is a parsed call flow. A published Flow is never modified: calls hold
// a pointer to the version they started on.
type Flow struct {
	// ID names the flow, e.g. "member-services" ([a-z0-9-]+).
	ID string `yaml:"id"`
	// Version is assigned when published (0 in a draft).
	Version int `yaml:"version,omitempty"`
	// Description is free text for admins.
	Description string `yaml:"description,omitempty"`
	// Entry is the first node.
	Entry string `yaml:"entry"`
	// Languages the flow's prompts exist in; the first is the default.
	Languages []string `yaml:"languages,omitempty"`
	// TimeZone (IANA) for hours-of-operation branches, e.g. America/New_York.
	TimeZone string `yaml:"timezone,omitempty"`
	// Nodes by name.
	Nodes map[string]*Node `yaml:"nodes"`

	// Source is the YAML the flow was loaded from (kept for diff/versions).
	Source []byte `yaml:"-"`
	// Pos holds the position of each node and field for error messages.
	Pos Positions `yaml:"-"`
}

// Kind is a node kind.
type Kind string

// The node kinds.
const (
	KindPlay     Kind = "play"
	KindMenu     Kind = "menu"
	KindCollect  Kind = "collect"
	KindVerify   Kind = "verify"
	KindConsent  Kind = "consent"
	KindSet      Kind = "set"
	KindBranch   Kind = "branch"
	KindRoute    Kind = "route"
	KindTransfer Kind = "transfer"
	KindHangup   Kind = "hangup"
	// KindCallback records a callback request for a queue, confirms it to
	// the caller and ends the call.
	KindCallback Kind = "callback"
)

// Node is one step of a flow. Which fields apply depends on Kind; the
// validator rejects fields that do not belong to the kind.
type Node struct {
	Kind Kind `yaml:"kind"`

	// play, hangup (optional), menu, collect, consent, route: prompts to play
	// in order (names of prompt files without .wav). Menus and collects
	// allow barge-in: a key stops the prompt and counts as input.
	Prompts []string `yaml:"prompts,omitempty"`

	// Next is where to go on success (every kind but branch and hangup).
	Next string `yaml:"next,omitempty"`

	// menu: single-key choices. A choice is a target node, or a target plus
	// tags to set (for example caller_role or language).
	Choices map[string]Choice `yaml:"choices,omitempty"`

	// menu, collect, consent: how long to wait for the first key.
	Timeout Duration `yaml:"timeout,omitempty"`
	// menu, collect: attempts before OnFailure (default 3).
	Retries int `yaml:"retries,omitempty"`
	// menu, collect: prompt after a timeout (default "no_input") and after
	// an invalid entry (default "invalid"), before the node's prompts again.
	NoInputPrompt string `yaml:"no_input_prompt,omitempty"`
	NoMatchPrompt string `yaml:"no_match_prompt,omitempty"`
	// menu, collect, verify: where to go when retries are exhausted.
	OnFailure string `yaml:"on_failure,omitempty"`

	// collect: multi-digit entry into a named slot of the call's memory.
	Into              string   `yaml:"into,omitempty"`
	MinDigits         int      `yaml:"min_digits,omitempty"`
	MaxDigits         int      `yaml:"max_digits,omitempty"`
	Terminator        string   `yaml:"terminator,omitempty"` // "#", "*" or "" (none)
	InterDigitTimeout Duration `yaml:"inter_digit_timeout,omitempty"`
	// Secure marks secure input: never logged, never in a tag or error,
	// wiped after use. Required for collects that feed verification.
	Secure bool `yaml:"secure,omitempty"`

	// verify: one verification step. Inputs name the collect slots it
	// reads; Retry is where to go after a failed attempt with tries left
	// (after InvalidPrompt); Next on success; OnFailure after the last try.
	Step          VerifyStep        `yaml:"step,omitempty"`
	Inputs        map[string]string `yaml:"inputs,omitempty"`
	Tries         int               `yaml:"tries,omitempty"`
	Retry         string            `yaml:"retry,omitempty"`
	InvalidPrompt string            `yaml:"invalid_prompt,omitempty"`

	// verify, step otp: a one-time code sent to the member's phone number
	// on file (never to a number the caller gives) by Channel (default
	// sms), which the caller keys in; the node asks for it, checks it and
	// retries itself (Tries, default 3; Timeout waits for the first key).
	// When the code cannot be sent or checked (the provider is down or
	// slow), OnUnavailable says what the call falls back to and Fallback
	// where it goes: the start of the PIN step, or onward at partial.
	Channel       OTPChannel  `yaml:"channel,omitempty"`
	OnUnavailable Unavailable `yaml:"on_unavailable,omitempty"`
	Fallback      string      `yaml:"fallback,omitempty"`

	// consent: the keys that grant and decline (default "1" and "2").
	Grant   string `yaml:"grant,omitempty"`
	Decline string `yaml:"decline,omitempty"`

	// set: tags to write (only the settable fields of the tag contract).
	Set map[string]string `yaml:"set,omitempty"`

	// branch: exactly one of Tag, Hours or Language.
	Tag      string            `yaml:"tag,omitempty"`      // branch on this tag's value
	Language bool              `yaml:"language,omitempty"` // branch on the call's language
	Cases    map[string]string `yaml:"cases,omitempty"`    // value -> target
	Default  string            `yaml:"default,omitempty"`  // when no case matches
	Hours    *Hours            `yaml:"hours,omitempty"`
	Open     string            `yaml:"open,omitempty"`   // hours: target when open
	Closed   string            `yaml:"closed,omitempty"` // hours: target when closed

	// route: the queue and what an agent must have.
	Queue    string   `yaml:"queue,omitempty"`
	Skills   []string `yaml:"skills,omitempty"`
	Clinical bool     `yaml:"clinical,omitempty"`
	// route: longest wait in queue before OnFailure (overflow).
	MaxWait Duration `yaml:"max_wait,omitempty"`
	// route: how often a waiting caller hears their place in the queue
	// (default 30s).
	AnnounceEvery Duration `yaml:"announce_every,omitempty"`

	// transfer: a SIP URI.
	To string `yaml:"to,omitempty"`
}

// Choice is a menu choice: where to go and which tags to set first.
// In YAML it is either a node name or {next: node, set: {tag: value}}.
type Choice struct {
	Next string            `yaml:"next"`
	Set  map[string]string `yaml:"set,omitempty"`
}

// VerifyStep is what a verify node checks.
type VerifyStep string

// Verification steps.
const (
	// StepIdentity checks member ID and date of birth together (-> partial).
	StepIdentity VerifyStep = "identity"
	// StepPIN checks the member's PIN (-> full, caller_role self).
	StepPIN VerifyStep = "pin"
	// StepRepCode checks a personal representative's code
	// (-> full, caller_role representative, the representative's scope).
	StepRepCode VerifyStep = "rep_code"
	// StepOTP sends a one-time code to the member's phone number on file
	// and checks the code the caller keys in (-> full, caller_role self).
	// It follows identity; it reads no collect slots.
	StepOTP VerifyStep = "otp"
)

// OTPChannel is how a one-time code reaches the member.
type OTPChannel string

// One-time code channels.
const (
	// ChannelSMS sends the code by text message (the default).
	ChannelSMS OTPChannel = "sms"
	// ChannelCall speaks the code in a phone call to the number on file.
	ChannelCall OTPChannel = "call"
)

// Unavailable is what an otp step falls back to when the code cannot be
// sent or checked.
type Unavailable string

// Fallbacks of an otp step.
const (
	// UnavailablePIN goes to the PIN step (Fallback names its first node).
	UnavailablePIN Unavailable = "pin"
	// UnavailablePartial carries on at partial verification (Fallback
	// names where).
	UnavailablePartial Unavailable = "partial"
)

// StepInputs are the input slot keys each step needs.
var StepInputs = map[VerifyStep][]string{ //nolint:gochecknoglobals // read-only table
	StepIdentity: {"member_id", "dob"},
	StepPIN:      {"pin"},
	StepRepCode:  {"code"},
	StepOTP:      {}, // the node collects the code itself
}

// Hours is an hours-of-operation schedule in the flow's time zone.
type Hours struct {
	// Weekly opening times by day: keys mon..sun (or ranges "mon-fri"),
	// values "HH:MM-HH:MM" (several separated by commas).
	Weekly map[string]string `yaml:"weekly"`
	// Holidays (YYYY-MM-DD) when closed all day.
	Holidays []string `yaml:"holidays,omitempty"`
}

// Duration is a time.Duration written as "5s" in YAML.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// Position is a 1-based line and column in the flow source.
type Position struct {
	Line, Column int
}

// Positions maps "node" and "node.field" paths ("" for the document,
// "nodes", "entry", ...) to where they are in the source.
type Positions map[string]Position

// SettableTags are the tag fields a set node or menu choice may write,
// with their allowed values (nil: any lowercase word).
var SettableTags = map[string][]string{ //nolint:gochecknoglobals // read-only table
	"purpose":     nil,
	"caller_role": {"unknown", "self", "representative", "involved"},
	"language":    nil, // the call's language, not a Redis tag
}
