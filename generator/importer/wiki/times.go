package wiki

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// moment is one point in time read from a start or end value.
type moment struct {
	t time.Time
	// dated says the value gave the date; false when the date was taken
	// from the day the caller passed (the page title's date, or the
	// start's date for an end).
	dated bool
}

// window is one piece of a start or end value: a moment, or a range
// "02:58 - 03:10" of two.
type window struct {
	from moment
	to   *moment // nil unless the piece was a range
}

var (
	// Separators of several windows in one value. A comma inside a date
	// ("March 31, 2025") is handled by trying the whole value first.
	windowSep = regexp.MustCompile(`(?i)\s*(?:,|;|\n|<br\s*/?>|\band\b)\s*`)
	// Separators of a range inside one piece. A bare hyphen is part of an
	// ISO date, so it separates only with spaces around it.
	rangeSep = regexp.MustCompile(`(?i)\s+(?:-|–|—|to|until|till)\s+|\s*[–—]\s*`)

	isoDate   = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`)
	dayMonth  = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})`)
	monthDay  = regexp.MustCompile(`^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})`)
	clockTime = regexp.MustCompile(`^(\d{1,2})[:h.](\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([ap])\.?m\.?)?`)
	hourOnly  = regexp.MustCompile(`^(\d{1,2})\s*([ap])\.?m\.?`)
	tzSuffix  = regexp.MustCompile(`^(?:\(?(?:utc|gmt|z)\)?)?(?:\s*([+-])(\d{2}):?(\d{2}))?$`)
	isoT      = regexp.MustCompile(`(\d)t(\d)`)
)

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
	"october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}

// parseWindows reads a start or end value: one time ("2025-03-31 02:58",
// "2025-05-08 2:30 AM", "2023-11-15T14:04:10", "03:09"), or several
// separated by commas, semicolons, line breaks or "and", each of which
// may be a range ("02:58 - 03:10"). A time without a date takes the date
// of the piece before it in the same value, else day; an undated end of
// a range earlier than its start is on the next day. ok is false when
// any piece is not understood (or needs a date and day is zero), and
// when the value is empty.
func parseWindows(v string, day time.Time) ([]window, bool) {
	v = cleanValue(v)
	if v == "" {
		return nil, false
	}
	if w, ok := parseRange(v, day); ok {
		return []window{w}, true
	}
	pieces := windowSep.Split(v, -1)
	var out []window
	for i := 0; i < len(pieces); i++ {
		p := pieces[i]
		if p == "" {
			continue
		}
		// "2025-03-31, 02:58": a date and its time split by the comma.
		if i+1 < len(pieces) {
			if w, ok := parseRange(p+" "+pieces[i+1], day); ok && dateOnly(p) {
				out = append(out, w)
				day = dayOf(w)
				i++
				continue
			}
		}
		w, ok := parseRange(p, day)
		if !ok {
			return nil, false
		}
		out = append(out, w)
		day = dayOf(w)
	}
	if len(out) == 0 {
		return nil, false
	}
	return out, true
}

// dayOf is the date a later undated piece of the same value takes.
func dayOf(w window) time.Time {
	t := w.from.t
	if w.to != nil {
		t = w.to.t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// dateOnly says s is a date without a time of day.
func dateOnly(s string) bool {
	s = normalizeTime(s)
	for _, re := range []*regexp.Regexp{isoDate, dayMonth, monthDay} {
		if m := re.FindString(s); m != "" && strings.TrimSpace(s[len(m):]) == "" {
			return true
		}
	}
	return false
}

// parseRange reads one piece: a moment, or two separated by a range
// separator.
func parseRange(p string, day time.Time) (window, bool) {
	if m, ok := parseMoment(p, day); ok {
		return window{from: m}, true
	}
	loc := rangeSep.FindAllStringIndex(p, -1)
	if len(loc) != 1 {
		return window{}, false
	}
	a, b := p[:loc[0][0]], p[loc[0][1]:]
	from, ok := parseMoment(a, day)
	if !ok {
		return window{}, false
	}
	to, ok := parseMoment(b, dayOf(window{from: from}))
	if !ok {
		return window{}, false
	}
	if !to.dated && to.t.Before(from.t) {
		to.t = to.t.Add(24 * time.Hour)
	}
	return window{from: from, to: &to}, true
}

// normalizeTime lower-cases s and rewrites the spellings parseMoment
// does not distinguish.
func normalizeTime(s string) string {
	s = strings.ToLower(cleanValue(s))
	s = isoT.ReplaceAllString(s, "$1 $2")
	s = strings.TrimPrefix(s, "at ")
	return strings.TrimSpace(s)
}

// parseMoment reads one date and time, in UTC unless it gives an offset.
// A value with a date but no time of day is midnight; one with a time but
// no date takes day's date (and fails when day is zero).
func parseMoment(s string, day time.Time) (moment, bool) {
	s = normalizeTime(s)
	if s == "" {
		return moment{}, false
	}
	var (
		year        int
		month       time.Month
		date, dated bool
	)
	if m := isoDate.FindStringSubmatch(s); m != nil {
		year, _ = strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		month, date = time.Month(mo), true
		if !validDate(year, month, d) {
			return moment{}, false
		}
		day = time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
		s = s[len(m[0]):]
	} else if m := dayMonth.FindStringSubmatch(s); m != nil && months[m[2]] != 0 {
		d, _ := strconv.Atoi(m[1])
		year, _ = strconv.Atoi(m[3])
		month, date = months[m[2]], true
		if !validDate(year, month, d) {
			return moment{}, false
		}
		day = time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
		s = s[len(m[0]):]
	} else if m := monthDay.FindStringSubmatch(s); m != nil && months[m[1]] != 0 {
		d, _ := strconv.Atoi(m[2])
		year, _ = strconv.Atoi(m[3])
		month, date = months[m[1]], true
		if !validDate(year, month, d) {
			return moment{}, false
		}
		day = time.Date(year, month, d, 0, 0, 0, 0, time.UTC)
		s = s[len(m[0]):]
	}
	dated = date
	s = strings.TrimLeft(s, " ,")
	s = strings.TrimPrefix(s, "at ")
	var h, mi, sec int
	clock := false
	if m := clockTime.FindStringSubmatch(s); m != nil {
		h, _ = strconv.Atoi(m[1])
		mi, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			sec, _ = strconv.Atoi(m[3])
		}
		var ok bool
		if h, ok = to24(h, m[4]); !ok || mi > 59 || sec > 59 {
			return moment{}, false
		}
		clock = true
		s = s[len(m[0]):]
	} else if m := hourOnly.FindStringSubmatch(s); m != nil {
		h, _ = strconv.Atoi(m[1])
		var ok bool
		if h, ok = to24(h, m[2]); !ok {
			return moment{}, false
		}
		clock = true
		s = s[len(m[0]):]
	}
	if !date && !clock {
		return moment{}, false
	}
	if !date && day.IsZero() {
		return moment{}, false
	}
	m := tzSuffix.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return moment{}, false
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), h, mi, sec, 0, time.UTC)
	if m[1] != "" {
		oh, _ := strconv.Atoi(m[2])
		om, _ := strconv.Atoi(m[3])
		if oh > 14 || om > 59 {
			return moment{}, false
		}
		off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
		if m[1] == "+" {
			off = -off
		}
		t = t.Add(off)
	}
	return moment{t: t, dated: dated}, true
}

// to24 turns an hour on a 12-hour clock (ampm "a" or "p") into one on the
// 24-hour clock; with ampm empty the hour is already on the 24-hour clock.
func to24(h int, ampm string) (int, bool) {
	switch ampm {
	case "":
		return h, h <= 23
	case "a", "p":
		if h < 1 || h > 12 {
			return 0, false
		}
		h %= 12
		if ampm == "p" {
			h += 12
		}
		return h, true
	}
	return 0, false
}

// validDate says the date exists and is within the years a report of
// this archive can be about.
func validDate(y int, m time.Month, d int) bool {
	if y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 {
		return false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d && t.Month() == m
}

// timeFormat is how times appear in generated text.
const timeFormat = "2006-01-02 15:04"

// formatWindow writes a window for the body: "2025-03-31 02:58 to 03:10".
func formatWindow(from time.Time, to *time.Time) string {
	s := from.Format(timeFormat)
	if to == nil {
		return s
	}
	if to.Year() == from.Year() && to.YearDay() == from.YearDay() {
		return s + " to " + to.Format("15:04")
	}
	return s + " to " + to.Format(timeFormat)
}
