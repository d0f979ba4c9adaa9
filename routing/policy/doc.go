// Package policy is callgate's disclosure policy as data, and the pure
// decision of what an agent's screen may show for a call: HIPAA's minimum
// necessary (45 CFR 164.514(d)) by verification level, caller role and
// purpose, with member restrictions (164.522), personal representatives'
// scope (164.502(g)) and the IVR's fraud signals enforced by the server
// rather than by the agent's memory.
//
// [Policy.Decide] takes the call's tags and the agent and returns a
// [Decision]: the permitted member fields, notices for the screen, a
// verification banner and a bounded reason for the disclosure ledger.
// [Policy.Project] then copies only those fields out of a member record.
// Both are pure: no I/O, no clock, no goroutines; a Policy is immutable and
// safe for concurrent use.
//
// # Format
//
// A policy is one YAML document ([Parse]; the bundled demo is
// demo-policy.yaml, [LoadDemo]):
//
//	version: 1
//	fields: [name, dob, phone, ...]        # member fields the policy may grant (at most 64)
//	sensitive: [dob, lab_results]          # optional: hidden on the agent page until revealed
//	rules:
//	  - level: full                        # partial or full
//	    role: self                         # self, representative or involved
//	    purposes:
//	      scheduling: [name, phone, appointments]
//	      nurse: [name, {field: lab_results, clinical: true}]
//	  - level: full
//	    role: representative
//	    in_scope: true                     # required for representatives
//	    purposes:
//	      billing: [name, plan, balance]
//	restrictions:                          # member restrictions, by name
//	  no-family-disclosure:
//	    deny_roles: [representative, involved]
//	    notice: disclose nothing to family or third parties
//	flags:                                 # call flags, by name
//	  locked_out:
//	    unverified: true
//	    notice: treat the caller as unverified
//
// Rules grant; nothing else does. A rule is for one level and one role
// (at most one rule each), and lists, per purpose, the fields it grants.
// A field written {field: x, clinical: true} is granted to clinically
// cleared agents only. A purpose a rule does not list, or lists as [],
// grants nothing. There are no rules for level none or role unknown, and
// Parse refuses them: an unverified caller, or one whose role is not
// established, is never disclosed anything. A representative rule must
// say in_scope: true: the purpose must be in the representative's scope.
//
// Restrictions and flags take away and inform, never grant. Each has any
// of deny_roles (the caller's role gets nothing), deny_fields (these fields
// are withheld whatever a rule grants) and notice (a line for the screen,
// shown as "<name>: <notice>" whenever the call has it); a flag may also
// say unverified: true, which makes the call count as level none. A
// restriction on the call that the policy does not list blocks every field
// and adds [NoticeUnknownRestriction]: the server cannot enforce what it
// does not know. A flag the policy does not list is ignored: flags are
// signals, not obligations.
//
// Names: member fields match ^[a-z][a-z0-9_]{0,63}$; purposes,
// restrictions and flags ^[a-z][a-z0-9_-]{0,63}$. Notices are one line of
// at most 200 bytes. Parse is strict; its errors are *[ParseError] values
// with the line and column of the problem.
//
// # Demo policy choices
//
// The demo policy is DESIGN.md's table. Where the table is silent:
//
//   - contact-mobile-only (confidential communications) restricts the
//     channel, not the number: the phone on file is the member's mobile,
//     so the phone field stays visible where a rule grants it, and the
//     screen carries the notice "contact only on the mobile number on
//     file ...". A deployment whose member records hold a home phone in
//     the phone field would add deny_fields: [phone].
//   - no-family-disclosure denies the roles representative and involved;
//     for the member themself it is a notice only.
//   - locked_out is unverified: a call can reach partial (member ID and
//     date of birth) and then lock the member by failing the PIN; such a
//     call is shown nothing and the banner reads UNVERIFIED.
//   - suspected_pretexting and verification_failed add notices and never
//     change the fields.
//   - A non-clinical agent on a nurse call gets [NoticeClinical] instead of
//     lab_results.
package policy
