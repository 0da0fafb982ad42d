package mdimport

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/matter"
)

// Dates other tools write. parseTime first tries matter.ParseTime, which
// reads every form of ours (RFC 3339, "2024-01-05", "2024-01-05 10:00",
// with "UTC" or an offset after it); then the forms below, each with an
// optional time of day ("10:00", "10:00:30", "2:30 PM") and an optional
// zone ("UTC", "GMT", "Z", "+01:00", "+0100"):
//
//	January 5, 2024    Jan 5 2024    5 January 2024    5 Jan 2024
//	Friday, January 5, 2024 at 10:00 UTC (the weekday and "at" are dropped)
//	Fri, 05 Jan 2024 10:00:00 +0000 (RFC 1123, as feeds write it)
//	2024/01/05         2024-01-05 2:30 PM
//
// Numeric dates with the year last (01/05/2024) are refused: whether the
// month or the day comes first cannot be told. So are zone names other
// than UTC and GMT (PST, CET), which are ambiguous. Times without a zone
// are UTC, as in our own reports.

var dateLayouts = []string{
	"January 2, 2006", "January 2 2006", "Jan 2, 2006", "Jan 2 2006",
	"2 January 2006", "2 Jan 2006", "2 January, 2006", "2 Jan, 2006",
	"2006/01/02", "2006-01-02",
}

var clockLayouts = []string{"", " 15:04", " 15:04:05", " 3:04 PM", " 3:04:05 PM", " 3 PM"}

var (
	weekdayPrefix = regexp.MustCompile(`(?i)^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(day|nesday|sday|rsday|urday)?\.?,?\s+`)
	ordinal       = regexp.MustCompile(`(?i)\b(\d{1,2})(st|nd|rd|th)\b`)
	atWord        = regexp.MustCompile(`(?i)[,\s]+at\s+`)
	meridiem      = regexp.MustCompile(`(?i)(\d)\s*([ap])\.?m\.?$`)
	offsetZone    = regexp.MustCompile(`^([+-])(\d{2}):?(\d{2})?$`)
	zoneName      = regexp.MustCompile(`^\(?([A-Za-z]{2,5})\)?$`)
	spaces        = regexp.MustCompile(`\s+`)
)

// errAmbiguousZone reports a zone abbreviation other than UTC or GMT.
var errAmbiguousZone = errors.New("zone abbreviation is ambiguous")

// parseTime reads a date or date-time in one of the forms above. The
// result is UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := matter.ParseTime(s); err == nil {
		return t, nil
	}
	rest, offset, err := splitZone(normalizeDate(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: %w; write the time in UTC or with an offset such as +02:00", s, err)
	}
	for _, d := range dateLayouts {
		for _, c := range clockLayouts {
			t, err := time.Parse(d+c, rest)
			if err != nil {
				continue
			}
			t = t.Add(-offset).UTC()
			if t.Year() < 1970 || t.Year() > 2200 {
				return time.Time{}, fmt.Errorf("%q: year %d is out of range", s, t.Year())
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date this importer reads (such as 2024-01-05 10:00 UTC, RFC 3339, or January 5, 2024 10:00)", s)
}

// normalizeDate drops what the layouts need not know: a weekday in
// front, ordinal suffixes ("5th"), "at" before the time, repeated spaces;
// and spells a.m./p.m. as AM/PM.
func normalizeDate(s string) string {
	s = spaces.ReplaceAllString(strings.TrimSpace(s), " ")
	s = weekdayPrefix.ReplaceAllString(s, "")
	s = ordinal.ReplaceAllString(s, "$1")
	s = atWord.ReplaceAllString(s, " ")
	s = meridiem.ReplaceAllStringFunc(s, func(m string) string {
		sub := meridiem.FindStringSubmatch(m)
		return sub[1] + " " + strings.ToUpper(sub[2]) + "M"
	})
	return s
}

// splitZone takes a zone off the end of s: "UTC", "GMT", "Z" and numeric
// offsets are read; other abbreviations are an error.
func splitZone(s string) (rest string, offset time.Duration, err error) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, 0, nil
	}
	last := s[i+1:]
	if m := offsetZone.FindStringSubmatch(last); m != nil && i > 0 && strings.ContainsRune(s[:i], ':') {
		h, _ := strconv.Atoi(m[2])
		min, _ := strconv.Atoi(m[3]) // 0 when the minutes are not written
		offset = time.Duration(h)*time.Hour + time.Duration(min)*time.Minute
		if m[1] == "-" {
			offset = -offset
		}
		return s[:i], offset, nil
	}
	if m := zoneName.FindStringSubmatch(last); m != nil {
		switch z := strings.ToUpper(m[1]); {
		case z == "UTC" || z == "GMT" || z == "Z":
			return s[:i], 0, nil
		case z == "AM" || z == "PM":
			return s, 0, nil
		case isMonthOrWord(z):
			return s, 0, nil
		default:
			return "", 0, fmt.Errorf("%w (%s)", errAmbiguousZone, m[1])
		}
	}
	return s, 0, nil
}

// isMonthOrWord reports a last word that is part of a date, not a zone:
// a month name such as "Jan" in "5 Jan".
func isMonthOrWord(upper string) bool {
	for m := time.January; m <= time.December; m++ {
		name := strings.ToUpper(m.String())
		if upper == name || upper == name[:3] || (len(upper) == 4 && strings.HasPrefix(name, upper)) {
			return true
		}
	}
	return false
}

// clockOnly reads a time of day without a date: "10:00", "10:00:30",
// "10:00 UTC", "2:30 PM". It returns the time since midnight UTC.
func clockOnly(s string) (time.Duration, bool) {
	rest, offset, err := splitZone(normalizeDate(s))
	if err != nil {
		return 0, false
	}
	for _, layout := range []string{"15:04", "15:04:05", "3:04 PM", "3:04:05 PM", "3 PM"} {
		t, err := time.Parse(layout, rest)
		if err == nil {
			d := time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second
			return d - offset, true
		}
	}
	return 0, false
}

var (
	durationPart  = regexp.MustCompile(`(?i)(\d+(?:[.,]\d+)?)\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)\b`)
	durationClock = regexp.MustCompile(`^(\d{1,3}):(\d{2})(?::(\d{2}))?$`)
	approxWords   = regexp.MustCompile(`(?i)^(about|around|approximately|approx\.?|roughly|circa|ca\.|~)\s*`)
)

// parseDuration reads how long an incident lasted: "45 minutes", "45m",
// "1h 30m", "1 hour and 30 minutes", "1.5 hours", "2 days", "1:30" (hours
// and minutes), with "about" or "~" in front. Anything else in the text
// (other than "and" and commas) makes it not understood.
func parseDuration(s string) (time.Duration, bool) {
	s = approxWords.ReplaceAllString(strings.TrimSpace(s), "")
	if m := durationClock.FindStringSubmatch(s); m != nil {
		h, _ := strconv.Atoi(m[1])
		mi, _ := strconv.Atoi(m[2])
		sec, _ := strconv.Atoi(m[3]) // 0 when the seconds are not written
		if mi >= 60 || sec >= 60 {
			return 0, false
		}
		return time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(sec)*time.Second, true
	}
	parts := durationPart.FindAllStringSubmatchIndex(s, -1)
	if len(parts) == 0 {
		return 0, false
	}
	var total time.Duration
	covered := strings.Builder{}
	last := 0
	for _, p := range parts {
		covered.WriteString(s[last:p[0]])
		last = p[1]
		n, err := strconv.ParseFloat(strings.ReplaceAll(s[p[2]:p[3]], ",", "."), 64)
		if err != nil || n > 1e6 {
			return 0, false
		}
		unit := strings.ToLower(s[p[4]:p[5]])
		var u time.Duration
		switch unit[0] {
		case 'd':
			u = 24 * time.Hour
		case 'h':
			u = time.Hour
		case 'm':
			u = time.Minute
		case 's':
			u = time.Second
		}
		total += time.Duration(n * float64(u))
	}
	covered.WriteString(s[last:])
	// What lies between the parts may only join them.
	between := strings.NewReplacer(",", " ", "and", " ", "&", " ", "(", " ", ")", " ").Replace(strings.ToLower(covered.String()))
	if strings.TrimSpace(between) != "" || total <= 0 {
		return 0, false
	}
	return total, true
}
