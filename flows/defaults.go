package flows

// What a node does when a field is left out. The runtime applies these; the
// validator checks the default prompts exist.
const (
	// DefaultGrant and DefaultDecline are a consent node's keys.
	DefaultGrant   = "1"
	DefaultDecline = "2"
	// DefaultRetries is a menu's or collect's attempts before on_failure.
	DefaultRetries = 3
	// DefaultTries is a verify node's attempts before on_failure.
	DefaultTries = 3
	// DefaultNoInputPrompt is what a menu or collect plays after a timeout.
	DefaultNoInputPrompt = "no_input"
	// DefaultNoMatchPrompt is what a menu or collect plays after an invalid
	// entry.
	DefaultNoMatchPrompt = "invalid"
	// DefaultOTPChannel is how an otp step sends its code.
	DefaultOTPChannel = ChannelSMS
	// OTPEntryPrompt asks for the one-time code; OTPExpiredPrompt says the
	// code has expired and offers a new one on OTPResendKey.
	OTPEntryPrompt   = "enter_otp"
	OTPExpiredPrompt = "otp_expired"
	OTPResendKey     = "1"
)

// OTPSendingPrompt is what an otp step plays while the code is being sent
// by channel ("otp_sending_sms", "otp_sending_call").
func OTPSendingPrompt(channel OTPChannel) string {
	if channel == "" {
		channel = DefaultOTPChannel
	}
	return "otp_sending_" + string(channel)
}
