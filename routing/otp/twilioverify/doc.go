// Package twilioverify sends one-time codes to members' phone numbers on
// file and checks them with Twilio Verify v2
// (https://www.twilio.com/docs/verify/api), for the IVR's otp step.
//
// The destination is looked up by member subject (Phones), so the number
// never passes through the IVR and a caller can never have a code sent to
// a number of their choosing. Only the destination number and the channel
// are sent to Twilio: no friendly name, no tags, nothing else about the
// member. Errors name a class, an HTTP status and a Twilio error code,
// never a number or a code.
//
// Requests authenticate with an API key (SK...), not the account's auth
// token, and honour the caller's context: twilio-go has no context in its
// API, so each call gets a client whose transport carries the context.
//
//	                  Send(subject, sms)                 POST /v2/Services/VA…/Verifications
//	ivr otp step ───────────────────────▶ Verifier ──────────────────────────────▶ verify.twilio.com
//	                  Check(subject, code)    │  Phones(subject) → +1…             POST …/VerificationCheck
//	                                          ▼
//	                                    member directory
package twilioverify
