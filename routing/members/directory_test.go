package members

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testDirectory is the table test every Directory passes with the demo
// table loaded under testKey.
func testDirectory(t *testing.T, d Directory) {
	t.Helper()
	ctx := context.Background()
	unknown := SubjectOf(testKey, []byte("99999999"))

	t.Run("Identify", func(t *testing.T) {
		tests := []struct {
			name    string
			id, dob string
			want    string // subject; "" for ok=false
		}{
			{"right ID and DOB (Maria)", maria.id, maria.dob, maria.subject()},
			{"right ID and DOB (James)", james.id, james.dob, james.subject()},
			{"wrong DOB", maria.id, "04121981", ""},
			{"unknown ID", "99999999", maria.dob, ""},
			{"DOB of another member", maria.id, james.dob, ""},
			{"display form of the DOB", maria.id, maria.dobDisplay, ""},
			{"empty input", "", "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				subject, ok, err := d.Identify(ctx, []byte(tt.id), []byte(tt.dob))
				require.NoError(t, err)
				assert.Equal(t, tt.want != "", ok)
				assert.Equal(t, tt.want, subject)
			})
		}
	})

	t.Run("CheckPIN", func(t *testing.T) {
		tests := []struct {
			name    string
			subject string
			pin     string
			want    bool
			wantErr error
		}{
			{"right PIN (Maria)", maria.subject(), maria.pin, true, nil},
			{"right PIN (James)", james.subject(), james.pin, true, nil},
			{"wrong PIN", maria.subject(), "4320", false, nil},
			{"PIN of another member", maria.subject(), james.pin, false, nil},
			{"representative code as PIN", maria.subject(), maria.repCode, false, nil},
			{"empty PIN", maria.subject(), "", false, nil},
			{"unknown subject", unknown, maria.pin, false, ErrNotFound},
			{"member ID instead of subject", maria.id, maria.pin, false, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ok, err := d.CheckPIN(ctx, tt.subject, []byte(tt.pin))
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, tt.want, ok)
			})
		}
	})

	t.Run("CheckRepCode", func(t *testing.T) {
		tests := []struct {
			name    string
			subject string
			code    string
			want    *Representative
			wantErr error
		}{
			{"Carlos for Maria", maria.subject(), maria.repCode, &Representative{
				ID: repID(testKey, maria.subject(), 0), Name: "Carlos Lopez", Relationship: "spouse", Scope: []string{"scheduling", "billing"},
			}, nil},
			{"Ann for James", james.subject(), james.repCode, &Representative{
				ID: repID(testKey, james.subject(), 0), Name: "Ann Carter", Relationship: "daughter", Scope: []string{"scheduling"},
			}, nil},
			{"code of another member's representative", maria.subject(), james.repCode, nil, nil},
			{"member's own PIN as code", maria.subject(), maria.pin, nil, nil},
			{"wrong code", maria.subject(), "7789", nil, nil},
			{"unknown subject", unknown, maria.repCode, nil, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rep, ok, err := d.CheckRepCode(ctx, tt.subject, []byte(tt.code))
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
				} else {
					require.NoError(t, err)
				}
				assert.Equal(t, tt.want != nil, ok)
				assert.Equal(t, tt.want, rep)
			})
		}
	})

	t.Run("Restrictions", func(t *testing.T) {
		tests := []struct {
			name    string
			subject string
			want    []string
			wantErr error
		}{
			{"James", james.subject(), []string{"no-family-disclosure", "contact-mobile-only"}, nil},
			{"Maria has none", maria.subject(), nil, nil},
			{"unknown subject", unknown, nil, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := d.Restrictions(ctx, tt.subject)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			})
		}
	})

	t.Run("Record", func(t *testing.T) {
		tests := []struct {
			name    string
			subject string
			want    *Member
			wantErr error
		}{
			{"Maria", maria.subject(), &Member{
				Subject: maria.subject(),
				Fields: map[string]string{
					"name": "Maria Lopez", "dob": "04/12/1980", "phone": "+1 217 555 0117",
					"address": "118 Cedar Lane, Springfield, IL 62704", "plan": "Gold PPO, group 55012",
					"appointments": "2025-07-14 09:30 Dr. Anita Patel, family medicine", "balance": "$42.10",
					"claims": "CLM-55120 paid; CLM-55231 pending", "prescriptions": "levothyroxine 50 mcg daily",
					"lab_results": "2025-05-02 TSH 2.1 mIU/L (normal)",
				},
				Representatives: []Representative{{
					ID: repID(testKey, maria.subject(), 0), Name: "Carlos Lopez", Relationship: "spouse",
					Scope: []string{"scheduling", "billing"},
				}},
			}, nil},
			{"James", james.subject(), &Member{
				Subject: james.subject(),
				Fields: map[string]string{
					"name": "James Carter", "dob": "07/22/1955", "phone": "+1 207 555 0190 (mobile)",
					"address": "27 Harbor View Rd, Apt 5, Portland, ME 04101", "plan": "Medicare Advantage HMO",
					"appointments": "2025-07-21 14:00 Dr. Samuel Okafor, cardiology", "balance": "$0.00",
					"claims": "CLM-60417 in review", "prescriptions": "atorvastatin 20 mg daily; lisinopril 10 mg daily",
					"lab_results": "2025-06-10 lipid panel: LDL 96 mg/dL",
				},
				Restrictions: []string{"no-family-disclosure", "contact-mobile-only"},
				Representatives: []Representative{{
					ID: repID(testKey, james.subject(), 0), Name: "Ann Carter", Relationship: "daughter",
					Scope: []string{"scheduling"},
				}},
			}, nil},
			{"unknown subject", unknown, nil, ErrNotFound},
			{"empty subject", "", nil, ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := d.Record(ctx, tt.subject)
				if tt.wantErr != nil {
					require.ErrorIs(t, err, tt.wantErr)
					assert.Nil(t, got)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)

				// The record is the caller's copy.
				got.Fields["name"] = "changed"
				got.Representatives[0].Scope[0] = "changed"
				again, err := d.Record(ctx, tt.subject)
				require.NoError(t, err)
				assert.Equal(t, tt.want, again)
			})
		}
	})
}

func TestStaticDirectory(t *testing.T) {
	testDirectory(t, newDemoStatic(t))
}

func TestLoadDemoDirectory(t *testing.T) {
	// Production parameters: this is the directory `make run` uses.
	d, err := LoadDemo(testKey)
	require.NoError(t, err)
	assert.Equal(t, 2, d.Len())
	assert.Equal(t, DefaultArgon2Params(), d.h.params)
	testDirectory(t, d)
}

func TestRedisDirectory(t *testing.T) {
	for _, b := range redisBackends() {
		t.Run(b.name, func(t *testing.T) {
			testDirectory(t, newDemoRedis(t, b.client(t)))
		})
	}
}

func TestRedisAndStaticAgree(t *testing.T) {
	rdb, _ := miniRedisClient(t)
	r := newDemoRedis(t, rdb)
	s := newDemoStatic(t)
	ctx := context.Background()
	for _, p := range demoPeople {
		t.Run(p.name, func(t *testing.T) {
			fromRedis, err := r.Record(ctx, p.subject())
			require.NoError(t, err)
			fromStatic, err := s.Record(ctx, p.subject())
			require.NoError(t, err)
			assert.Equal(t, fromStatic, fromRedis)
		})
	}
}

func TestSubjectOf(t *testing.T) {
	tests := []struct {
		name     string
		key, id  string
		sameAs   string // another member ID under the same key, or ""
		otherKey string // another key for the same member ID, or ""
	}{
		{"deterministic", string(testKey), maria.id, maria.id, ""},
		{"differs by member ID", string(testKey), maria.id, "", ""},
		{"differs by key", string(testKey), maria.id, "", "another-key-0123456789"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := SubjectOf([]byte(tt.key), []byte(tt.id))
			assert.Regexp(t, `^m_[a-z2-7]{26}$`, s)
			assert.True(t, isSubject(s))
			assert.NotContains(t, s, tt.id)
			switch {
			case tt.sameAs != "":
				assert.Equal(t, s, SubjectOf([]byte(tt.key), []byte(tt.sameAs)))
			case tt.otherKey != "":
				assert.NotEqual(t, s, SubjectOf([]byte(tt.otherKey), []byte(tt.id)))
			default:
				assert.NotEqual(t, s, SubjectOf([]byte(tt.key), []byte(james.id)))
			}
		})
	}
}

func TestIsSubject(t *testing.T) {
	tests := []struct {
		name string
		s    string
		want bool
	}{
		{"subject", maria.subject(), true},
		{"member ID", maria.id, false},
		{"representative ID", repID(testKey, maria.subject(), 0), false},
		{"uppercase", "m_AAAAAAAAAAAAAAAAAAAAAAAAAA", false},
		{"too short", maria.subject()[:27], false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, isSubject(tt.s))
		})
	}
}
