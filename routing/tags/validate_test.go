package tags

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSubject = "m_abcdefghijk234567"

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		field Field
		value string
		ok    bool
	}{
		{"level none", FieldVerificationLevel, "none", true},
		{"level partial", FieldVerificationLevel, "partial", true},
		{"level full", FieldVerificationLevel, "full", true},
		{"level upper case", FieldVerificationLevel, "FULL", false},
		{"level empty", FieldVerificationLevel, "", false},
		{"role unknown", FieldCallerRole, "unknown", true},
		{"role self", FieldCallerRole, "self", true},
		{"role representative", FieldCallerRole, "representative", true},
		{"role involved", FieldCallerRole, "involved", true},
		{"role other", FieldCallerRole, "spouse", false},
		{"consent granted", FieldRecordingConsent, "granted", true},
		{"consent declined", FieldRecordingConsent, "declined", true},
		{"consent unanswered", FieldRecordingConsent, "unanswered", true},
		{"consent yes", FieldRecordingConsent, "yes", false},
		{"subject 16", FieldSubject, "m_" + strings.Repeat("a", 16), true},
		{"subject 64", FieldSubject, "m_" + strings.Repeat("z", 32) + strings.Repeat("7", 32), true},
		{"subject 15", FieldSubject, "m_" + strings.Repeat("a", 15), false},
		{"subject 65", FieldSubject, "m_" + strings.Repeat("a", 65), false},
		{"subject digit 1", FieldSubject, "m_abcdefghijk23451", false},
		{"subject upper case", FieldSubject, "m_ABCDEFGHIJK234567", false},
		{"subject without prefix", FieldSubject, "abcdefghijk234567x", false},
		{"subject member id", FieldSubject, "W123456789", false},
		{"subject empty", FieldSubject, "", false},
		{"restrictions empty", FieldRestrictions, "", true},
		{"restrictions one", FieldRestrictions, "no_voicemail", true},
		{"restrictions list", FieldRestrictions, "confidential,no-voicemail,x2", true},
		{"restrictions empty item", FieldRestrictions, "a,,b", false},
		{"restrictions trailing comma", FieldRestrictions, "a,", false},
		{"restrictions space", FieldRestrictions, "a, b", false},
		{"restrictions digit first", FieldRestrictions, "2fa", false},
		{"restrictions too long", FieldRestrictions, strings.Repeat("abcdefg,", 128) + "a", false},
		{"flags list", FieldFlags, "locked_out,verification_failed", true},
		{"flags upper case", FieldFlags, "Locked_out", false},
		{"purpose", FieldPurpose, "scheduling", true},
		{"purpose dotted", FieldPurpose, "billing.v2", true},
		{"purpose digit first", FieldPurpose, "2nd-opinion", true},
		{"purpose empty", FieldPurpose, "", false},
		{"purpose dash first", FieldPurpose, "-x", false},
		{"purpose space", FieldPurpose, "pharmacy refill", false},
		{"purpose too long", FieldPurpose, strings.Repeat("a", 129), false},
		{"flow", FieldFlow, "main-menu", true},
		{"queue", FieldQueue, "nurse_line", true},
		{"agent username", FieldAgent, "j.doe", true},
		{"agent email", FieldAgent, "j.doe@clinic", false},
		{"state", FieldState, "queued", true},
		{"state upper case", FieldState, "Queued", false},
		{"flow version", FieldFlowVersion, "42", true},
		{"flow version v", FieldFlowVersion, "v42", false},
		{"flow version empty", FieldFlowVersion, "", false},
		{"flow version too long", FieldFlowVersion, strings.Repeat("9", 19), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.field, tc.value)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidValue)
			assert.Contains(t, err.Error(), string(tc.field)+" ", "the error names the field")
		})
	}
}

// TestValidateNeverShowsValue feeds every field PHI-looking values typed
// by mistake and checks the error does not contain them.
func TestValidateNeverShowsValue(t *testing.T) {
	phi := []string{"W123456789", "Jane Doe", "1970-01-31", "01/31/1970", "4815162342", "jane.doe@example.org"}
	for _, f := range Fields {
		for _, v := range phi {
			t.Run(string(f)+"/"+v, func(t *testing.T) {
				err := Validate(f, v)
				if err == nil {
					return // a value the field allows is not an error to leak
				}
				assert.NotContains(t, err.Error(), v)
			})
		}
	}
}

func TestValidateUnknownField(t *testing.T) {
	tests := []struct {
		name  string
		field Field
		shown bool
	}{
		{"identifier shown", "colour", true},
		{"odd name not shown", "Jane Doe", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.field, "x")
			require.ErrorIs(t, err, ErrUnknownField)
			if tc.field != "" {
				assert.Equal(t, tc.shown, strings.Contains(err.Error(), string(tc.field)))
			}
		})
	}
}

func TestValidateFlag(t *testing.T) {
	tests := []struct {
		name string
		flag string
		ok   bool
	}{
		{"name", FlagLockedOut, true},
		{"dash", "after-hours", true},
		{"empty", "", false},
		{"comma", "a,b", false},
		{"upper case", "Locked", false},
		{"digits", "4815162342", false},
		{"too long", "a" + strings.Repeat("b", 128), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateFlag(tc.flag)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidValue)
			if tc.flag != "" {
				assert.NotContains(t, err.Error(), tc.flag)
			}
		})
	}
}

func TestValidateCallID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ok   bool
	}{
		{"typical", "a84b4c76e66710@pc33.atlanta.example.com", true},
		{"empty", "", false},
		{"space", "a b", false},
		{"newline", "a\nb", false},
		{"non-ascii", "caf\u00e9", false},
		{"too long", strings.Repeat("a", 257), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := validateCallID(tc.id)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, ErrBadCallID)
			}
		})
	}
}

func TestNormalizeList(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"sorted", "b,a,c", "a,b,c"},
		{"duplicates", "b,a,b,a", "a,b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, normalizeList(tc.in))
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Validate(FieldVerificationLevel, "partial")
		_ = Validate(FieldSubject, testSubject)
		_ = Validate(FieldFlags, "locked_out,verification_failed")
		_ = Validate(FieldAgent, "j.doe")
	}
}
