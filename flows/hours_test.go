package flows_test

import (
	"testing"
	"time"

	"github.com/callgate/callgate/flows"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pharmacyHours is the pharmacy-refill demo schedule.
func pharmacyHours() *flows.Hours {
	return &flows.Hours{
		Weekly:   map[string]string{"mon-fri": "08:00-20:00", "sat": "09:00-13:00"},
		Holidays: []string{"2026-12-25", "2027-01-01"},
	}
}

func TestHoursOpenAt(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	utc := func(s string) time.Time {
		t.Helper()
		ts, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return ts
	}
	nightShift := &flows.Hours{Weekly: map[string]string{"sun": "01:00-02:00", "mon-sat": "00:00-24:00"}}
	springGap := &flows.Hours{Weekly: map[string]string{"sun": "02:00-03:00"}}
	split := &flows.Hours{Weekly: map[string]string{"mon-fri": "08:00-12:00, 13:00-17:00"}}
	allDay := &flows.Hours{Weekly: map[string]string{"mon-sun": "00:00-24:00"}, Holidays: []string{"2026-12-25"}}
	cases := []struct {
		name  string
		hours *flows.Hours
		at    time.Time
		want  bool
	}{
		{"weekday midday", pharmacyHours(), utc("2026-06-10T16:00:00Z"), true},     // Wed 12:00 EDT
		{"weekday at opening", pharmacyHours(), utc("2026-06-10T12:00:00Z"), true}, // Wed 08:00 EDT
		{"weekday a minute before opening", pharmacyHours(), utc("2026-06-10T11:59:59Z"), false},
		{"weekday at closing", pharmacyHours(), utc("2026-06-11T00:00:00Z"), false},  // Wed 20:00 EDT
		{"weekday last minute", pharmacyHours(), utc("2026-06-10T23:59:00Z"), true},  // Wed 19:59 EDT
		{"saturday morning", pharmacyHours(), utc("2026-06-13T14:00:00Z"), true},     // Sat 10:00 EDT
		{"saturday afternoon", pharmacyHours(), utc("2026-06-13T18:00:00Z"), false},  // Sat 14:00 EDT
		{"sunday is closed", pharmacyHours(), utc("2026-06-14T16:00:00Z"), false},    // Sun 12:00 EDT
		{"christmas is closed", pharmacyHours(), utc("2026-12-25T17:00:00Z"), false}, // Fri 12:00 EST
		{"new year is closed", pharmacyHours(), utc("2027-01-01T17:00:00Z"), false},  // Fri 12:00 EST
		{"day after christmas", pharmacyHours(), utc("2026-12-26T15:00:00Z"), true},  // Sat 10:00 EST
		// 12:30 UTC is 07:30 in winter (EST) and 08:30 in summer (EDT).
		{"12:30 UTC before DST", pharmacyHours(), utc("2026-03-06T12:30:00Z"), false},
		{"12:30 UTC after DST", pharmacyHours(), utc("2026-03-09T12:30:00Z"), true},
		{"12:30 UTC after DST ends", pharmacyHours(), utc("2026-11-02T12:30:00Z"), false},
		// 2026-11-01: 01:00-02:00 happens twice (EDT, then EST).
		{"first 01:30 on fall-back day", nightShift, utc("2026-11-01T05:30:00Z"), true},
		{"second 01:30 on fall-back day", nightShift, utc("2026-11-01T06:30:00Z"), true},
		{"02:30 on fall-back day", nightShift, utc("2026-11-01T07:30:00Z"), false},
		// 2026-03-08: 02:00-03:00 does not exist.
		{"01:59 on spring-forward day", springGap, utc("2026-03-08T06:59:00Z"), false},
		{"03:00 on spring-forward day", springGap, utc("2026-03-08T07:00:00Z"), false},
		{"lunch break", split, utc("2026-06-10T16:30:00Z"), false}, // 12:30 EDT
		{"after lunch", split, utc("2026-06-10T17:00:00Z"), true},  // 13:00 EDT
		// Holidays are local dates: 22:00 on Dec 24 in New York is Dec 25 in UTC.
		{"christmas eve late evening", allDay, utc("2026-12-25T03:00:00Z"), true},
		{"christmas late evening", allDay, utc("2026-12-26T03:00:00Z"), false},
		{"24:00 closes at midnight", allDay, utc("2026-06-10T03:59:00Z"), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			open, err := tc.hours.OpenAt(tc.at, ny)
			require.NoError(t, err)
			assert.Equal(t, tc.want, open, "at %s", tc.at.In(ny))
		})
	}
}

func TestHoursOpenAtErrors(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	at := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		hours *flows.Hours
		loc   *time.Location
		want  error
	}{
		{"nil hours", nil, ny, flows.ErrInvalidHours},
		{"no location", pharmacyHours(), nil, flows.ErrNoTimeZone},
		{"no weekly times", &flows.Hours{}, ny, flows.ErrInvalidHours},
		{"bad day", &flows.Hours{Weekly: map[string]string{"monday": "08:00-17:00"}}, ny, flows.ErrInvalidHours},
		{"bad range", &flows.Hours{Weekly: map[string]string{"mon": "17:00-08:00"}}, ny, flows.ErrInvalidHours},
		{"24:30", &flows.Hours{Weekly: map[string]string{"mon": "08:00-24:30"}}, ny, flows.ErrInvalidHours},
		{"bad holiday", &flows.Hours{Weekly: map[string]string{"mon": "08:00-17:00"}, Holidays: []string{"2026-02-30"}}, ny, flows.ErrInvalidHours},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			open, err := tc.hours.OpenAt(at, tc.loc)
			require.ErrorIs(t, err, tc.want)
			assert.False(t, open)
		})
	}
}

func TestFlowLocation(t *testing.T) {
	cases := []struct {
		name    string
		tz      string
		wantErr bool
	}{
		{"new york", "America/New_York", false},
		{"utc", "UTC", false},
		{"unset", "", true},
		{"unknown", "Mars/Olympus_Mons", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := (&flows.Flow{ID: "t", TimeZone: tc.tz}).Location()
			if tc.wantErr {
				require.ErrorIs(t, err, flows.ErrNoTimeZone)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.tz, loc.String())
		})
	}
}

func BenchmarkOpenAt(b *testing.B) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(b, err)
	h := pharmacyHours()
	at := time.Date(2026, 6, 10, 16, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := h.OpenAt(at, ny); err != nil {
			b.Fatal(err)
		}
	}
}
