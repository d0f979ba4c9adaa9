package audit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/callgate/callgate/audit"
)

func TestValidate(t *testing.T) {
	withDetail := func(k, v string) audit.Entry {
		return audit.Entry{Kind: audit.KindStatus, Actor: "alice", Detail: map[string]string{k: v}}
	}
	valid := []struct {
		name  string
		entry audit.Entry
	}{
		{"disclosure", disclosure(maria, "name", "appointments")},
		{"reveal", audit.Entry{Kind: audit.KindReveal, Actor: "bob", Subject: james, Fields: []string{"lab_results"}}},
		{"signin without subject", audit.Entry{Kind: audit.KindSignin, Actor: "sam"}},
		{"policy publish", audit.Entry{Kind: audit.KindPolicyPublish, Actor: "ada", Policy: "3"}},
		{"subject of 64 base32", disclosure("m_"+strings.Repeat("a2", 32), "name")},
		{"detail 7 digits", withDetail("reason", "code 1234567")},
		{"detail date with dashes", withDetail("version", "2026-03-01")},
		{"detail 200 bytes", withDetail("note", strings.Repeat("x", 200))},
		{"detail sha256 digest", withDetail("sha256", "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c18354209876543214f1b")},
		{"detail prefixed digest", withDetail("hash", "sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c18354209876543214f1b")},
		{"detail key with digits", withDetail("reason_2", "x")},
		{"call id with a long digit run", audit.Entry{Kind: audit.KindStatus, Actor: "alice", CallID: "123456789012@10.0.0.1"}},
	}
	for _, tt := range valid {
		t.Run("valid/"+tt.name, func(t *testing.T) {
			assert.NoError(t, audit.Validate(tt.entry))
		})
	}

	tooManyFields := make([]string, audit.MaxFields+1)
	for i := range tooManyFields {
		tooManyFields[i] = "f"
	}
	tooMuchDetail := map[string]string{}
	for i := range audit.MaxDetail + 1 {
		tooMuchDetail["k"+strings.Repeat("a", i)] = "v"
	}
	invalid := []struct {
		name  string
		entry audit.Entry
		msg   string
	}{
		{"empty kind", audit.Entry{Actor: "alice"}, "unknown kind"},
		{"unknown kind", audit.Entry{Kind: "Disclosure", Actor: "alice"}, "unknown kind"},
		{"subject is a member ID", disclosure("10001234", "name"), "subject"},
		{"subject too short", disclosure("m_abcdefghijklmno", "name"), "subject"},
		{"subject upper case", disclosure("m_MFRGGZDFMZTWQ2LK", "name"), "subject"},
		{"subject with 0", disclosure("m_0frggzdfmztwq2lk", "name"), "subject"},
		{"field upper case", disclosure(maria, "Name"), "fields[0]"},
		{"field with dash", disclosure(maria, "name", "lab-results"), "fields[1]"},
		{"field empty", disclosure(maria, ""), "fields[0]"},
		{"field a member ID", disclosure(maria, "m10001234"), "digits"},
		{"too many fields", disclosure(maria, tooManyFields...), "fields, limit"},
		{"detail value is a member ID", withDetail("reason", "10001234"), "possible PHI"},
		{"detail value holds a DOB", withDetail("reason", "dob 04121980 given"), "possible PHI"},
		{"detail full-width digits", withDetail("reason", "１０００１２３４"), "possible PHI"},
		{"detail digest upper case", withDetail("sha256", strings.ToUpper("3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c18354209876543214f1b")), "possible PHI"},
		{"detail value 201 bytes", withDetail("note", strings.Repeat("x", 201)), "limit 200"},
		{"detail value not UTF-8", withDetail("note", "\xff"), "UTF-8"},
		{"detail key upper case", withDetail("Reason", "x"), "detail key"},
		{"detail key empty", withDetail("", "x"), "detail key"},
		{"too much detail", audit.Entry{Kind: audit.KindStatus, Detail: tooMuchDetail}, "detail keys"},
		{"actor too long", audit.Entry{Kind: audit.KindSignin, Actor: strings.Repeat("a", audit.MaxText+1)}, "actor"},
		{"purpose not UTF-8", audit.Entry{Kind: audit.KindSignin, Purpose: "\xc3"}, "purpose"},
		{"disclosure without actor", func() audit.Entry { e := disclosure(maria, "name"); e.Actor = ""; return e }(), "actor"},
		{"disclosure without subject", disclosure("", "name"), "needs the subject"},
		{"reveal without fields", audit.Entry{Kind: audit.KindReveal, Actor: "bob", Subject: maria}, "needs the fields"},
	}
	for _, tt := range invalid {
		t.Run("invalid/"+tt.name, func(t *testing.T) {
			err := audit.Validate(tt.entry)
			require.ErrorIs(t, err, audit.ErrInvalidEntry)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), "10001234")
			assert.NotContains(t, err.Error(), "04121980")
		})
	}
}

func TestIsSubject(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{maria, true},
		{"m_" + strings.Repeat("a", 16), true},
		{"m_" + strings.Repeat("7", 64), true},
		{"m_" + strings.Repeat("a", 15), false},
		{"m_" + strings.Repeat("a", 65), false},
		{"x_" + strings.Repeat("a", 16), false},
		{"m_" + strings.Repeat("a", 15) + "8", false},
		{"", false},
		{"10001234", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, audit.IsSubject(tt.in))
		})
	}
}
