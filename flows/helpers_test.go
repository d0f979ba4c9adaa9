package flows_test

import (
	"slices"
	"strings"

	"github.com/callgate/callgate/flows"
)

// doc joins lines into a YAML document; line i of the slice is line i+1 of
// the source, which keeps expected positions easy to read.
func doc(lines ...string) []byte {
	return []byte(strings.Join(lines, "\n") + "\n")
}

// bundledEnglish are the English prompts callgate bundles (ivr/prompts).
func bundledEnglish() []string {
	return []string{
		"welcome", "consent", "consent_thanks", "role", "enter_member_id",
		"enter_dob", "enter_pin", "enter_rep_code", "invalid", "not_verified",
		"verify_failed_transfer", "verified", "purpose", "no_input",
		"connecting", "queue_position", "goodbye", "language", "after_hours",
		"refill_enter_rx", "refill_confirm", "hold_music",
		"otp_sending_sms", "otp_sending_call", "enter_otp", "otp_expired",
		"queue_position_2", "queue_position_3", "queue_position_4", "queue_position_5", "queue_position_6",
		"queue_position_7", "queue_position_8", "queue_position_9", "queue_position_many",
		"callback_offer", "callback_confirm", "callback_confirm_caller", "all_busy",
	}
}

// bundledSpanish are the Spanish prompts callgate bundles.
func bundledSpanish() []string {
	return []string{"welcome", "consent", "role", "goodbye", "language"}
}

// promptExists reports whether a bundled prompt exists.
func promptExists(lang, name string) bool {
	switch lang {
	case "en":
		return slices.Contains(bundledEnglish(), name)
	case "es":
		return slices.Contains(bundledSpanish(), name)
	}
	return false
}

// testOptions checks prompts against the bundled names; queues are not
// checked.
func testOptions() flows.ValidateOptions {
	return flows.ValidateOptions{PromptExists: promptExists}
}
