package members

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const csvHeader = "member_id,name,dob,pin,phone,address,plan,appointments,balance,claims,prescriptions,lab_results,restrictions,rep_name,rep_relationship,rep_code,rep_scope\n"

func TestDemoCSVMatchesDemoYAML(t *testing.T) {
	fromYAML, err := DemoRecords()
	require.NoError(t, err)
	fromCSV := demoCSVRecords(t)
	require.Len(t, fromCSV, len(fromYAML))
	for i := range fromYAML {
		t.Run(fromYAML[i].Name, func(t *testing.T) {
			y, c := fromYAML[i], fromCSV[i]
			y.Restrictions, c.Restrictions = nilIfEmpty(y.Restrictions), nilIfEmpty(c.Restrictions)
			assert.Equal(t, y, c)
		})
	}
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Record
	}{
		{
			name:  "one member, no representative",
			input: csvHeader + "10001234,Maria Lopez,04121980,4321,,,,,,,,,,,,,\n",
			want:  []Record{{MemberID: []byte("10001234"), Name: "Maria Lopez", DOB: []byte("04121980"), PIN: []byte("4321")}},
		},
		{
			name: "rows with the same member ID add representatives",
			input: csvHeader +
				"10001234,Maria Lopez,04121980,4321,555 0117,,,,,,,,,Carlos Lopez,spouse,7788,scheduling+billing\n" +
				"10001234,,,,,,,,,,,,,Eva Lopez,sister,5566,scheduling\n" +
				"10001234,Maria Lopez,04121980,4321,555 0117,,,,,,,,,Luis Lopez,son,1122,billing\n",
			want: []Record{{
				MemberID: []byte("10001234"), Name: "Maria Lopez", DOB: []byte("04121980"), PIN: []byte("4321"),
				Fields: map[string]string{"phone": "555 0117"},
				Representatives: []RepRecord{
					{Name: "Carlos Lopez", Relationship: "spouse", Code: []byte("7788"), Scope: []string{"scheduling", "billing"}},
					{Name: "Eva Lopez", Relationship: "sister", Code: []byte("5566"), Scope: []string{"scheduling"}},
					{Name: "Luis Lopez", Relationship: "son", Code: []byte("1122"), Scope: []string{"billing"}},
				},
			}},
		},
		{
			name: "separators + and ; with spaces, columns in any order, BOM",
			input: "\ufeffrep_scope,rep_code,rep_relationship,rep_name,restrictions,lab_results,prescriptions,claims,balance,appointments,plan,address,phone,pin,dob,name,member_id\n" +
				"billing ; scheduling,3344,daughter,Ann Carter,no-family-disclosure + contact-mobile-only,,,,,,,,,8642,07221955,James Carter,10005678\n",
			want: []Record{{
				MemberID: []byte("10005678"), Name: "James Carter", DOB: []byte("07221955"), PIN: []byte("8642"),
				Restrictions: []string{"no-family-disclosure", "contact-mobile-only"},
				Representatives: []RepRecord{
					{Name: "Ann Carter", Relationship: "daughter", Code: []byte("3344"), Scope: []string{"billing", "scheduling"}},
				},
			}},
		},
		{
			name:  "header only",
			input: csvHeader,
			want:  nil,
		},
		{
			name: "members in order of first appearance",
			input: csvHeader +
				"10005678,James Carter,07221955,8642,,,,,,,,,,,,,\n" +
				"10001234,Maria Lopez,04121980,4321,,,,,,,,,,,,,\n",
			want: []Record{
				{MemberID: []byte("10005678"), Name: "James Carter", DOB: []byte("07221955"), PIN: []byte("8642")},
				{MemberID: []byte("10001234"), Name: "Maria Lopez", DOB: []byte("04121980"), PIN: []byte("4321")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV(strings.NewReader(tt.input))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseCSVErrors(t *testing.T) {
	const maria = "10001234,Maria Lopez,04121980,4321,,,,,,,,,,Carlos Lopez,spouse,7788,scheduling\n"
	tests := []struct {
		name    string
		input   string
		wantErr error
		wantMsg string
	}{
		{"empty input", "", ErrInvalidCSV, "members: CSV has no header row: invalid member CSV"},
		{"missing column", strings.Replace(csvHeader, ",rep_scope", "", 1), ErrInvalidCSV, `column "rep_scope" missing`},
		{"repeated column", strings.Replace(csvHeader, "rep_scope", "rep_code", 1), ErrInvalidCSV, `column "rep_code" appears twice`},
		{"unknown column", strings.Replace(csvHeader, "rep_scope", "ssn", 1), ErrInvalidCSV, "column 17: unknown column"},
		{"member ID", csvHeader + "1000123,Maria Lopez,04121980,4321,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 2: member_id: want 8 digits"},
		{"DOB third line", csvHeader + maria + "10005678,James Carter,0722195,8642,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 3: dob: want 8 digits MMDDYYYY"},
		{"DOB not a date", csvHeader + "10001234,Maria Lopez,02301980,4321,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 2: dob: not a calendar date (MMDDYYYY)"},
		{"DOB before 1900", csvHeader + "10001234,Maria Lopez,04121880,4321,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 2: dob: not a calendar date (MMDDYYYY)"},
		{"PIN", csvHeader + "10001234,Maria Lopez,04121980,432,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 2: pin: want 4 digits"},
		{"name missing", csvHeader + "10001234,,04121980,4321,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 2: name: required"},
		{"representative code", csvHeader + "10001234,Maria Lopez,04121980,4321,,,,,,,,,,Carlos Lopez,spouse,77a8,scheduling\n", ErrInvalidRecord, "line 2: rep_code: want 4 digits"},
		{"representative scope missing", csvHeader + "10001234,Maria Lopez,04121980,4321,,,,,,,,,,Carlos Lopez,spouse,7788,\n", ErrInvalidRecord, "line 2: rep_scope: required"},
		{"representative scope word", csvHeader + "10001234,Maria Lopez,04121980,4321,,,,,,,,,,Carlos Lopez,spouse,7788,Billing\n", ErrInvalidRecord, "line 2: rep_scope: want lowercase words"},
		{"continuation changes the name", csvHeader + maria + "10001234,Mario Lopez,,,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 3: name: differs from the member's first row (line 2)"},
		{"continuation changes the PIN", csvHeader + maria + "10001234,,,1234,,,,,,,,,,,,,\n", ErrInvalidRecord, "line 3: pin: differs from the member's first row (line 2)"},
		{"continuation changes restrictions", csvHeader + maria + "10001234,,,,,,,,,,,,billing-hold,,,,\n", ErrInvalidRecord, "line 3: restrictions: differs"},
		{"continuation changes a field", csvHeader + maria + "10001234,,,,555 0000,,,,,,,,,,,,\n", ErrInvalidRecord, "line 3: phone: differs"},
		{"same code twice", csvHeader + maria + "10001234,,,,,,,,,,,,,Eva Lopez,sister,7788,billing\n", ErrInvalidRecord, "line 3: rep_code: two representatives of the member have the same code"},
		{"field count", csvHeader + "10001234,Maria Lopez\n", ErrInvalidCSV, "record on line 2: wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCSV(strings.NewReader(tt.input))
			require.ErrorIs(t, err, tt.wantErr)
			assert.Contains(t, err.Error(), tt.wantMsg)
			assert.Nil(t, got)
		})
	}
}

func TestRecordValidate(t *testing.T) {
	tests := []struct {
		name    string
		mut     func(*Record)
		wantMsg string
	}{
		{"valid", func(*Record) {}, ""},
		{"reserved field name", func(r *Record) { r.Fields["dob"] = "x" }, "record 1: dob: reserved field name"},
		{"field name", func(r *Record) { r.Fields["Phone"] = "x" }, "record 1: fields: want a lowercase field name"},
		{"field value", func(r *Record) { r.Fields["phone"] = "555\n0117" }, "record 1: phone: want printable text"},
		{"long value", func(r *Record) { r.Fields["phone"] = strings.Repeat("5", maxTextLen+1) }, "record 1: phone: want printable text"},
		{"representative", func(r *Record) { r.Representatives[0].Relationship = "" }, "record 1: representative 1: rep_relationship: required"},
		{"same code twice", func(r *Record) {
			r.Representatives = append(r.Representatives, r.Representatives[0])
		}, "record 1: representative 2: rep_code: two representatives"},
		{"leap day", func(r *Record) { r.DOB = []byte("02292000") }, ""},
		{"no leap day", func(r *Record) { r.DOB = []byte("02291900") }, "record 1: dob: not a calendar date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs := demoCSVRecords(t)[:1]
			tt.mut(&recs[0])
			_, err := NewStatic(testKey, recs, testParams)
			if tt.wantMsg == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, ErrInvalidRecord)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			assert.Contains(t, err.Error(), tt.wantMsg)
		})
	}
}
