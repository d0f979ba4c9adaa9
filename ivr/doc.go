// Package ivr runs the interactive part of a call on top of the call core:
// prompts, digit collection with barge-in and type-ahead, and (with package
// flows) published call flows. It sees a call only through the small Call
// interface, so it is tested without SIP.
package ivr
