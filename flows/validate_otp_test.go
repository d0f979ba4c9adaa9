package flows_test

import (
	"testing"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// otpFlow is identity then a step: otp node "code" (at 9:3) that gets the
// given lines from line 11 on; ok and fail are targets.
func otpFlow(otp ...string) []byte {
	lines := []string{
		"id: t",         // 1
		"entry: member", // 2
		"nodes:",        // 3
		"  member: {kind: collect, prompts: [enter_member_id], into: member_id, max_digits: 8, secure: true, next: dob}",                    // 4
		"  dob: {kind: collect, prompts: [enter_dob], into: dob, max_digits: 8, secure: true, next: identity}",                              // 5
		"  identity: {kind: verify, step: identity, inputs: {member_id: member_id, dob: dob}, retry: member, next: code, on_failure: fail}", // 6
		"  ok: {kind: hangup}",   // 7
		"  fail: {kind: hangup}", // 8
		"  code:",                // 9
		"    kind: verify",       // 10
	}
	return doc(append(lines, otp...)...)
}

// The PIN step and a partial-level target, for fallbacks.
const (
	pinCollect = "  pin: {kind: collect, prompts: [enter_pin], into: pin, max_digits: 4, secure: true, next: pin_check}"
	pinCheck   = "  pin_check: {kind: verify, step: pin, inputs: {pin: pin}, retry: pin, next: ok, on_failure: fail}"
	partial    = "  partial: {kind: play, prompts: [verify_failed_transfer], next: ok}"
)

func TestValidateOTPAccepts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     []byte
		channel flows.OTPChannel
		mode    flows.Unavailable
	}{
		{"sms, pin fallback to the PIN collect", otpFlow(
			"    step: otp", "    channel: sms", "    tries: 3", "    timeout: 20s",
			"    on_unavailable: pin", "    fallback: pin", "    next: ok", "    on_failure: fail",
			pinCollect, pinCheck,
		), flows.ChannelSMS, flows.UnavailablePIN},
		{"call, pin fallback to the PIN verify node", otpFlow(
			"    step: otp", "    channel: call",
			"    on_unavailable: pin", "    fallback: pin_check", "    next: ok", "    on_failure: pin",
			pinCollect, pinCheck,
		), flows.ChannelCall, flows.UnavailablePIN},
		{"default channel, partial", otpFlow(
			"    step: otp",
			"    on_unavailable: partial", "    fallback: partial", "    next: ok", "    on_failure: fail",
			partial,
		), "", flows.UnavailablePartial},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := flows.Load(tc.src, testOptions())
			require.NoError(t, err)
			n := f.Nodes["code"]
			assert.Equal(t, flows.StepOTP, n.Step)
			assert.Equal(t, tc.channel, n.Channel, "an empty channel is the runtime's default, sms")
			assert.Equal(t, tc.mode, n.OnUnavailable)
			assert.Equal(t, "otp_sending_sms", flows.OTPSendingPrompt(""))
		})
	}
}

func TestValidateOTP(t *testing.T) {
	checkRuleCases(t, []ruleCase{
		{
			name: "needs next, on_failure, on_unavailable and fallback",
			src:  otpFlow("    step: otp"), // 11
			want: []string{
				`7:3 node "ok" is never reached`,
				`9:3 node "code": a verify node needs next`,
				`9:3 node "code": a verify node needs on_failure`,
				`9:3 node "code": a verify node needs on_unavailable: pin or partial`,
				`9:3 node "code": a verify node needs fallback, the node to go to when the code cannot be sent or checked`,
			},
		},
		{
			name: "bad channel and on_unavailable",
			src: otpFlow(
				"    step: otp",              // 11
				"    channel: smss",          // 12
				"    on_unavailable: partal", // 13
				"    fallback: partial",      // 14
				"    next: ok",               // 15
				"    on_failure: fail",       // 16
				partial,                      // 17
			),
			want: []string{
				`12:5 node "code": channel "smss" is not valid; use sms or call; did you mean "sms"?`,
				`13:5 node "code": on_unavailable "partal" is not valid; use pin (go to the PIN step) or partial (carry on at partial verification); did you mean "partial"?`,
			},
		},
		{
			name: "pin fallback that is not the PIN step",
			src: otpFlow(
				"    step: otp",           // 11
				"    on_unavailable: pin", // 12
				"    fallback: partial",   // 13
				"    next: ok",            // 14
				"    on_failure: pin",     // 15
				partial,                   // 16
				pinCollect,                // 17
				pinCheck,                  // 18
			),
			want: []string{
				`13:5 node "code": on_unavailable: pin needs fallback to name the PIN step: a collect node whose slot a step: pin verify node reads, or that verify node; "partial" is neither`,
			},
		},
		{
			name: "fallback to an undefined node",
			src: otpFlow(
				"    step: otp",               // 11
				"    on_unavailable: partial", // 12
				"    fallback: parital",       // 13
				"    next: ok",                // 14
				"    on_failure: partial",     // 15
				partial,                       // 16
			),
			want: []string{`13:5 node "code": fallback names undefined target "parital"; did you mean "partial"?`},
		},
		{
			name: "inputs, retry and a timeout out of range",
			src: otpFlow(
				"    step: otp",               // 11
				"    inputs: {code: dob}",     // 12
				"    retry: member",           // 13
				"    timeout: 5m",             // 14
				"    on_unavailable: partial", // 15
				"    fallback: partial",       // 16
				"    next: ok",                // 17
				"    on_failure: fail",        // 18
				partial,                       // 19
			),
			want: []string{
				`12:5 node "code": an otp step asks for the code itself and reads no inputs; remove inputs`,
				`13:5 node "code": an otp step asks again itself after a wrong code (tries sets how often); remove retry`,
				`14:5 node "code": timeout must be between 1s and 1m, not 5m`,
			},
		},
		{
			name: "otp fields on another step",
			src: otpFlow(
				"    step: pin",               // 11
				"    inputs: {pin: pin}",      // 12
				"    retry: pin",              // 13
				"    channel: sms",            // 14
				"    timeout: 10s",            // 15
				"    on_unavailable: partial", // 16
				"    fallback: partial",       // 17
				"    next: ok",                // 18
				"    on_failure: fail",        // 19
				partial,                       // 20
				"  pin: {kind: collect, prompts: [enter_pin], into: pin, max_digits: 4, secure: true, next: code}", // 21
			),
			want: []string{
				`14:5 node "code": field "channel" applies only to step otp, not to a pin step; remove it`,
				`15:5 node "code": field "timeout" applies only to step otp, not to a pin step; remove it`,
				`16:5 node "code": field "on_unavailable" applies only to step otp, not to a pin step; remove it`,
				`17:5 node "code": field "fallback" applies only to step otp, not to a pin step; remove it`,
			},
		},
		{
			name: "otp not configured in this deployment",
			src: otpFlow(
				"    step: otp",               // 11
				"    on_unavailable: partial", // 12
				"    fallback: partial",       // 13
				"    next: ok",                // 14
				"    on_failure: fail",        // 15
				partial,                       // 16
			),
			opts: &flows.ValidateOptions{
				PromptExists: promptExists,
				Unavailable:  map[flows.VerifyStep]string{flows.StepOTP: "configure twilio.verify_service_sid"},
			},
			want: []string{`11:5 node "code": step otp is not available in this deployment: configure twilio.verify_service_sid`},
		},
		{
			name: "otp prompts missing",
			src: otpFlow(
				"    step: otp",               // 11
				"    channel: call",           // 12
				"    on_unavailable: partial", // 13
				"    fallback: partial",       // 14
				"    next: ok",                // 15
				"    on_failure: fail",        // 16
				partial,                       // 17
			),
			opts: &flows.ValidateOptions{PromptExists: func(lang, name string) bool {
				return name != "otp_sending_call" && promptExists(lang, name)
			}},
			want: []string{`11:5 node "code": an otp step plays "otp_sending_call", but there is no en/otp_sending_call.wav; add the prompt`},
		},
	})
}
