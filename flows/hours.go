package flows

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// minutesPerDay is the end of the last opening time of a day (24:00).
const minutesPerDay = 24 * 60

// dayNames are the weekly keys, Monday first.
var dayNames = [...]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} //nolint:gochecknoglobals // read-only table

// span is an opening time: [from, to) in minutes after midnight.
type span struct{ from, to int }

// schedule is a checked Hours.
type schedule struct {
	days     [7][]span       // by time.Weekday, sorted
	holidays map[string]bool // YYYY-MM-DD
}

// hoursProblem is one mistake in an Hours: path is relative to the hours
// field ("weekly", "weekly.mon-fri", "holidays.0").
type hoursProblem struct {
	path, msg string
}

// OpenAt reports whether the schedule is open at t, read as wall-clock time
// in loc (so 08:00 means 08:00 local time on both sides of a DST change).
// Holidays are closed all day; days without opening times are closed; an
// opening time includes its start minute and excludes its end minute. It
// fails with ErrInvalidHours when the schedule is malformed and with
// ErrNoTimeZone when loc is nil.
func (h *Hours) OpenAt(t time.Time, loc *time.Location) (bool, error) {
	if h == nil {
		return false, fmt.Errorf("%w: no schedule", ErrInvalidHours)
	}
	if loc == nil {
		return false, fmt.Errorf("open at %s: %w", t.Format(time.RFC3339), ErrNoTimeZone)
	}
	s, problems := compileHours(h)
	if len(problems) > 0 {
		return false, fmt.Errorf("%w: %s", ErrInvalidHours, problems[0].msg)
	}
	return s.openAt(t.In(loc)), nil
}

// openAt reports whether local (already in the schedule's zone) is open.
func (s *schedule) openAt(local time.Time) bool {
	if s.holidays[local.Format(time.DateOnly)] {
		return false
	}
	minute := local.Hour()*60 + local.Minute()
	for _, sp := range s.days[local.Weekday()] {
		if minute >= sp.from && minute < sp.to {
			return true
		}
	}
	return false
}

// Location loads the flow's time zone, for Hours.OpenAt.
func (f *Flow) Location() (*time.Location, error) {
	if f.TimeZone == "" {
		return nil, fmt.Errorf("flow %q: %w: timezone is not set", f.ID, ErrNoTimeZone)
	}
	loc, err := time.LoadLocation(f.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w: %w", f.ID, ErrNoTimeZone, err)
	}
	return loc, nil
}

// compileHours checks h and builds its schedule.
func compileHours(h *Hours) (schedule, []hoursProblem) {
	var s schedule
	var problems []hoursProblem
	bad := func(path, format string, args ...any) {
		problems = append(problems, hoursProblem{path, fmt.Sprintf(format, args...)})
	}
	if len(h.Weekly) == 0 {
		bad("weekly", "hours need weekly opening times, such as mon-fri: 08:00-17:00")
	}
	var from [7]string // which key set each day, for duplicate messages
	for _, key := range sortedKeys(h.Weekly) {
		path := "weekly." + key
		days, msg := parseDays(key)
		if msg != "" {
			bad(path, "%s", msg)
			continue
		}
		spans, msg := parseSpans(h.Weekly[key])
		if msg != "" {
			bad(path, "opening times for %s: %s", key, msg)
			continue
		}
		for _, d := range days {
			if from[d] != "" {
				bad(path, "%s is given twice, in %q and %q; give each day once", dayNames[(d+6)%7], from[d], key)
				continue
			}
			from[d] = key
			s.days[d] = spans
		}
	}
	s.holidays = make(map[string]bool, len(h.Holidays))
	for i, day := range h.Holidays {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			bad("holidays."+strconv.Itoa(i), "holiday %q is not a date; write YYYY-MM-DD", day)
			continue
		}
		s.holidays[day] = true
	}
	return s, problems
}

// parseDays parses "mon" or "mon-fri" into weekdays.
func parseDays(key string) ([]time.Weekday, string) {
	first, last, isRange := strings.Cut(key, "-")
	if !isRange {
		last = first
	}
	lo, hi := slices.Index(dayNames[:], first), slices.Index(dayNames[:], last)
	if lo < 0 || hi < 0 {
		return nil, fmt.Sprintf("day %q is not valid: use mon, tue, wed, thu, fri, sat or sun, or a range such as mon-fri", key)
	}
	if lo > hi {
		return nil, fmt.Sprintf("day range %q runs backwards; weeks run mon to sun, so write it as two days or ranges", key)
	}
	days := make([]time.Weekday, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		days = append(days, time.Weekday((i+1)%7))
	}
	return days, ""
}

// parseSpans parses "HH:MM-HH:MM[,HH:MM-HH:MM...]".
func parseSpans(value string) ([]span, string) {
	parts := strings.Split(value, ",")
	spans := make([]span, 0, len(parts))
	for _, part := range parts {
		part = strings.TrimSpace(part)
		a, b, ok := strings.Cut(part, "-")
		from, okFrom := parseClock(a)
		to, okTo := parseClock(b)
		switch {
		case !ok || !okFrom || !okTo || from == minutesPerDay:
			return nil, fmt.Sprintf("%q is not valid; write HH:MM-HH:MM, several separated by commas, such as 08:00-12:00,13:00-17:00", part)
		case from >= to:
			return nil, fmt.Sprintf("%q ends before it starts; a range cannot cross midnight, so split it at 24:00", part)
		}
		spans = append(spans, span{from, to})
	}
	slices.SortFunc(spans, func(x, y span) int { return x.from - y.from })
	for i := 1; i < len(spans); i++ {
		if spans[i].from < spans[i-1].to {
			return nil, fmt.Sprintf("%s and %s overlap", clock(spans[i-1]), clock(spans[i]))
		}
	}
	return spans, ""
}

// parseClock parses "HH:MM" (00:00 to 24:00) into minutes after midnight.
func parseClock(s string) (int, bool) {
	if len(s) != len("08:00") || s[2] != ':' {
		return 0, false
	}
	h, errH := strconv.Atoi(s[:2])
	m, errM := strconv.Atoi(s[3:])
	if errH != nil || errM != nil || !isDigit(s[0]) || !isDigit(s[3]) || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// clock formats a span as "HH:MM-HH:MM".
func clock(s span) string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", s.from/60, s.from%60, s.to/60, s.to%60)
}
