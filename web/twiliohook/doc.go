// Package twiliohook is callgate's Twilio front door: the Voice webhook
// that hands a call arriving at a Twilio number to callgate over SIP, and
// the status callback that records how it ended.
//
//	POST /twilio/voice   (signed) → 200 TwiML: <Dial answerOnBridge="true"><Sip …>SIP_URI?X-Callgate-CallSid=CA…</Sip></Dial>
//	POST /twilio/status  (signed) → 204; logs CallSid and status, counts the status
//
// Every request must carry a valid X-Twilio-Signature: the HMAC-SHA1, keyed
// with the account's auth token, of the exact URL Twilio called (Config.PublicURL
// plus the request path and query) and the POST parameters
// (https://www.twilio.com/docs/usage/security#validating-requests).
// The raw body is read before anything parses it. A missing or bad
// signature gets 403, is counted by a bounded reason and logged without
// the request's parameters.
//
// The SIP URI carries the inbound call's CallSid as a URI header, which
// Twilio turns into an X- header of the INVITE
// (https://www.twilio.com/docs/voice/twiml/sip#custom-headers); Twilio adds
// its own X-Twilio-CallSid for the dialled leg, so ours has another name.
// The call then runs the same flows as any SIP call. Nothing about the
// caller (From, To, caller name, location) is logged or passed on.
package twiliohook
