package tags

// Field is a field of the call hash. The names are a contract with the
// other programs that read the hash.
type Field string

// The fields of the call hash.
const (
	// FieldVerificationLevel is how far the caller has been verified: a Level.
	FieldVerificationLevel Field = "verification_level"
	// FieldCallerRole is who the caller is to the member: a Role.
	FieldCallerRole Field = "caller_role"
	// FieldRecordingConsent is the caller's answer to recording: a Consent.
	FieldRecordingConsent Field = "recording_consent"
	// FieldRestrictions is the member's restriction names, comma-separated,
	// empty when none.
	FieldRestrictions Field = "restrictions"
	// FieldPurpose is the flow's purpose, e.g. scheduling, billing,
	// pharmacy, nurse.
	FieldPurpose Field = "purpose"
	// FieldSubject is an opaque non-PHI reference to the member: "m_" and
	// 16 to 64 base32 characters, never the member ID, name or DOB.
	FieldSubject Field = "subject"
	// FieldFlags is the call's signals, comma-separated and sorted, e.g.
	// verification_failed, locked_out, suspected_pretexting.
	FieldFlags Field = "flags"
	// FieldFlow is the flow that ran.
	FieldFlow Field = "flow"
	// FieldFlowVersion is the flow's version, digits.
	FieldFlowVersion Field = "flow_version"
	// FieldQueue is the queue the call is in or went to.
	FieldQueue Field = "queue"
	// FieldAgent is the agent (username) who has the call.
	FieldAgent Field = "agent"
	// FieldState is where the call is, e.g. ivr, queued, agent, ended.
	FieldState Field = "state"
)

// Fields lists every field of the call hash.
var Fields = []Field{ //nolint:gochecknoglobals // read-only list of constants
	FieldVerificationLevel, FieldCallerRole, FieldRecordingConsent, FieldRestrictions,
	FieldPurpose, FieldSubject, FieldFlags, FieldFlow, FieldFlowVersion,
	FieldQueue, FieldAgent, FieldState,
}

// Level is a value of FieldVerificationLevel.
type Level string

// Verification levels.
const (
	None    Level = "none"
	Partial Level = "partial"
	Full    Level = "full"
)

// Role is a value of FieldCallerRole.
type Role string

// Caller roles.
const (
	Unknown        Role = "unknown"
	Self           Role = "self"
	Representative Role = "representative"
	Involved       Role = "involved"
)

// Consent is a value of FieldRecordingConsent.
type Consent string

// Recording consent answers.
const (
	Granted    Consent = "granted"
	Declined   Consent = "declined"
	Unanswered Consent = "unanswered"
)

// Signals commonly added with Writer.AddFlag.
const (
	FlagVerificationFailed  = "verification_failed"
	FlagLockedOut           = "locked_out"
	FlagSuspectedPretexting = "suspected_pretexting"
)

// StateIVR is the state Begin writes unless told otherwise.
const StateIVR = "ivr"
