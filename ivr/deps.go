package ivr

import (
	"context"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/callgate/callgate/media/prompt"
)

// Tag field names of the call tag contract (DESIGN.md "Call tags in Redis").
const (
	TagVerificationLevel = "verification_level"
	TagCallerRole        = "caller_role"
	TagRecordingConsent  = "recording_consent"
	TagRestrictions      = "restrictions"
	TagPurpose           = "purpose"
	TagSubject           = "subject"
	TagFlags             = "flags"
	TagFlow              = "flow"
	TagFlowVersion       = "flow_version"
	TagQueue             = "queue"
	TagAgent             = "agent"
	TagState             = "state"
)

// Flags the IVR raises.
const (
	FlagVerificationFailed  = "verification_failed"
	FlagLockedOut           = "locked_out"
	FlagSuspectedPretexting = "suspected_pretexting"
)

// Directory verifies callers against member records. Digits arrive as
// byte slices the runner wipes after the call returns.
type Directory interface {
	Identify(ctx context.Context, memberID, dob []byte) (subject string, ok bool, err error)
	CheckPIN(ctx context.Context, subject string, pin []byte) (bool, error)
	CheckRepCode(ctx context.Context, subject string, code []byte) (rep Representative, ok bool, err error)
	Restrictions(ctx context.Context, subject string) ([]string, error)
}

// Representative is what verification keeps of a personal representative:
// an opaque ID and the purposes they may act for.
type Representative struct {
	ID    string
	Scope []string
}

// Tagger writes one call's tags. Begin creates it with the initial fields;
// each method is one round trip.
type Tagger interface {
	Set(ctx context.Context, kv map[string]string) error
	// End writes kv and the final state and starts the after-hang-up expiry.
	End(ctx context.Context, state string, kv map[string]string) error
}

// TagStore starts a call's tags.
type TagStore interface {
	Begin(ctx context.Context, callID string, initial map[string]string) (Tagger, error)
}

// Guard keeps lockout and pretexting signals shared by all nodes.
type Guard interface {
	Locked(ctx context.Context, subject string) (bool, error)
	Failure(ctx context.Context, subject string) (lockedNow bool, err error)
	Success(ctx context.Context, subject string) error
	Tried(ctx context.Context, callerNumber, memberRef string) (pretexting bool, err error)
	// Lock locks subject at once (a one-time code provider saw too many
	// codes tried).
	Lock(ctx context.Context, subject string) error
}

// OTP sends one-time codes to a member's phone number on file and checks
// the codes callers key in. The implementation looks the number up by
// subject itself, so it never passes through the IVR, and the caller's own
// number plays no part. Both methods return promptly when ctx is done. An
// error means the provider could not be used (unreachable, too slow,
// refused, or no usable number on file): the flow falls back. Codes arrive
// as byte slices the runner wipes after the call returns.
type OTP interface {
	Send(ctx context.Context, subject string, channel flows.OTPChannel) error
	Check(ctx context.Context, subject string, code []byte) (OTPResult, error)
}

// FlowSource gives the live version of a flow when a call starts
// (flows.Catalog: one small store round trip). The returned Flow is never
// modified, so a call keeps the version it started on whatever is
// published later. An unpublished flow is an error wrapping
// flows.ErrUnknownFlow.
type FlowSource interface {
	Live(ctx context.Context, id string) (*flows.Flow, error)
}

// FlowSourceFunc adapts a function to FlowSource.
type FlowSourceFunc func(ctx context.Context, id string) (*flows.Flow, error)

// Live calls f.
func (f FlowSourceFunc) Live(ctx context.Context, id string) (*flows.Flow, error) { return f(ctx, id) }

var (
	_ FlowSource = FlowSourceFunc(nil)
	_ FlowSource = (*flows.Catalog)(nil)
)

// Evidence records what a caller was told and when (consent notices).
type Evidence interface {
	Consent(ctx context.Context, callID string, e ConsentEvidence) error
}

// ConsentEvidence is the record of one consent exchange.
type ConsentEvidence struct {
	Prompts []string  // prompt names, in the order played
	Hashes  []string  // SHA-256 of each prompt's audio, the version heard
	Played  time.Time // when the notice started
	Result  string    // granted, declined, unanswered
	At      time.Time // when the result was known
}

// Observer is told about IVR events for metrics. Implementations must not
// block; labels are bounded (node kinds, step names, results).
type Observer interface {
	Step(kind flows.Kind, d time.Duration)
	Verification(step flows.VerifyStep, result string)
	Signal(flag string)
	StoreError(op string)
}

// Dispatcher connects a routed call to an agent and returns when the
// bridged call is over (or no agent answered within the wait).
type Dispatcher interface {
	Dispatch(ctx context.Context, c Call, req DispatchRequest) (agent string, err error)
}

// PromptSource gives prompts by language and name (uploaded prompts).
type PromptSource interface {
	Get(lang, name string) (*prompt.Prompt, bool)
}

// Callbacks takes callback requests (callback nodes).
type Callbacks interface {
	Request(ctx context.Context, r CallbackRequest) error
}

// CallbackRequest is a caller's request to be called back for a queue.
// To is "on_file" when the caller was identified (call the member's number
// on file, which honours contact restrictions) or "caller" (call back the
// number the caller is calling from, Number).
type CallbackRequest struct {
	Queue, CallID, Subject, Purpose, Level, To, Number string
	// Enqueued is when the call first joined Queue (zero when it never did).
	Enqueued time.Time
}

// DispatchRequest is what a route node asks for.
type DispatchRequest struct {
	Queue    string
	Skills   []string
	Clinical bool
	MaxWait  time.Duration
	Tags     map[string]string // the call's tags as the IVR knows them
	RepScope []string
	// Enqueued is when the call first joined this queue: a call that comes
	// back to the queue (after an overflow menu, say) keeps its place.
	Enqueued time.Time
	// OnPosition is told the call's place in the queue (1 is next; 0
	// unknown) whenever it changes.
	OnPosition func(place int)
}
