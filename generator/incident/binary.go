package incident

import (
	"fmt"
	"slices"
	"time"

	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// binaryVersion changes whenever the encoding of AppendBinary changes.
const binaryVersion = 3

// commonStrings are strings that most reports hold, and hold alike: the
// front matter's keys (of every line the report keeps), its enumerated
// values and the default scorecard's questions and answers. AppendBinary
// writes one of them as its number here, not spelled out, and
// DecodeBinary gives back this package's copy. A decoded report's strings
// are all parts of one copy of its record, which stays in memory as long
// as any of them does: these would be some 550 bytes of it, 55 MB at
// 100,000 reports. The list may change freely: the build cache is keyed
// by the program.
var commonStrings = slices.Concat(
	Keys, Statuses, Detections, Triggers, FailureModes, ActionStatuses,
	[]string{Yes, No, NA},
	func() (keys []string) {
		for _, q := range siteconfig.DefaultScorecard() {
			keys = append(keys, q.Key)
		}
		return keys
	}(),
)

// commonNumber is the number appendCommon writes for each of
// commonStrings: its place, counted from 1.
var commonNumber = func() map[string]uint64 {
	m := make(map[string]uint64, len(commonStrings))
	for i, s := range commonStrings {
		if _, ok := m[s]; !ok {
			m[s] = uint64(i) + 1
		}
	}
	return m
}()

// appendCommon appends s as its number among commonStrings, or as 0 and
// the string spelled out.
func appendCommon(b []byte, s string) []byte {
	if n, ok := commonNumber[s]; ok {
		return wire.AppendUint(b, n)
	}
	return wire.AppendString(wire.AppendUint(b, 0), s)
}

// readCommon reads what appendCommon wrote.
func readCommon(r *wire.Reader) string {
	n := r.Uint()
	switch {
	case n == 0:
		return r.String()
	case n > uint64(len(commonStrings)):
		r.Fail()
		return ""
	}
	return commonStrings[n-1]
}

// AppendBinary appends the encoding of everything Parse found in the
// report but its body (which the caller keeps: it is the end of the file
// the report was read from), unexported fields included, so that
// DecodeBinary gives back an Incident reflect.DeepEqual to in. The build
// cache keeps decoded reports this way (see package archive).
func (in *Incident) AppendBinary(b []byte) []byte {
	b = wire.AppendUint(b, binaryVersion)
	for _, s := range []string{in.ID, in.Slug, in.Title} {
		b = wire.AppendString(b, s)
	}
	b = appendCommon(b, string(in.Status))
	b = wire.AppendString(b, in.Task)
	for _, t := range []time.Time{in.Start, in.End, in.Detected} {
		b = appendTime(b, t)
	}
	b = appendCommon(b, in.Detection)
	b = appendIntPtr(b, in.Paged)
	b = appendIntPtr(b, in.PagedAfterHours)
	for _, l := range [][]string{in.Responders, in.Coordinators, in.Services, in.Sites, in.SLOs} {
		b = wire.AppendStrings(b, l)
	}
	b = wire.AppendString(b, in.Impact)
	b = appendIntPtr(b, in.RequestsFailed)
	b = appendCommon(b, in.Trigger)
	b = wire.AppendStrings(b, in.Causes)
	b = appendCommon(b, in.FailureMode)
	b = wire.AppendStrings(b, in.Related)
	b = wire.AppendStrings(b, in.RepeatOf)
	b = wire.AppendLen(b, in.Actionables == nil, len(in.Actionables))
	for _, a := range in.Actionables {
		for _, s := range []string{a.Title, a.Task, a.Owner} {
			b = wire.AppendString(b, s)
		}
		b = appendCommon(b, a.Status)
		b = wire.AppendInt(b, int64(a.Line))
	}
	b = wire.AppendLen(b, in.Scorecard == nil, len(in.Scorecard))
	for _, s := range in.Scorecard {
		b = appendCommon(b, s.Key)
		b = appendCommon(b, s.Answer)
		b = wire.AppendString(b, s.Note)
		b = wire.AppendInt(b, int64(s.Line))
	}
	b = wire.AppendString(b, in.ImportedFrom)
	b = wire.AppendInt(b, int64(in.Duration))
	b = wire.AppendInt(b, int64(in.TTD))
	b = wire.AppendInt(b, int64(in.Score.Yes))
	b = wire.AppendInt(b, int64(in.Score.Answered))
	b = wire.AppendString(b, in.Path)
	b = wire.AppendString(b, in.File)
	b = wire.AppendInt(b, int64(in.BodyLine))
	b = wire.AppendBytes(b, in.Digest[:])
	b = wire.AppendBytes(b, in.FieldsDigest[:])
	b = wire.AppendLen(b, in.lines == nil, len(in.lines))
	// Sorted by key, as they are held.
	for _, kl := range in.lines {
		b = appendCommon(b, kl.key)
		b = wire.AppendInt(b, int64(kl.line))
	}
	b = wire.AppendStrings(b, in.bad)
	b = wire.AppendLen(b, in.foreign == nil, len(in.foreign))
	for _, f := range in.foreign {
		b = wire.AppendString(b, f.key)
		b = wire.AppendInt(b, int64(f.line))
		b = wire.AppendString(b, f.hint)
	}
	return b
}

// DecodeBinary decodes what AppendBinary wrote, with body as the report's
// body. Damaged or truncated data, or data of another encoding version,
// is an error. The Incident keeps no part of data: the caller may reuse
// it.
func DecodeBinary(data, body []byte) (*Incident, error) {
	// A report is short strings (its fields, its lines' keys): one
	// allocation for them all.
	r := wire.NewStringsReader(data)
	if v := r.Uint(); v != binaryVersion {
		return nil, fmt.Errorf("decoded report: encoding %d, not %d", v, binaryVersion)
	}
	in := &Incident{Body: body}
	in.ID, in.Slug, in.Title, in.Status, in.Task = r.String(), r.String(), r.String(), Status(readCommon(r)), r.String()
	in.Start, in.End, in.Detected = readTime(r), readTime(r), readTime(r)
	in.Detection = readCommon(r)
	in.Paged, in.PagedAfterHours = readIntPtr(r), readIntPtr(r)
	in.Responders, in.Coordinators, in.Services, in.Sites, in.SLOs = r.Strings(), r.Strings(), r.Strings(), r.Strings(), r.Strings()
	in.Impact = r.String()
	in.RequestsFailed = readIntPtr(r)
	in.Trigger = readCommon(r)
	in.Causes = r.Strings()
	in.FailureMode = readCommon(r)
	in.Related, in.RepeatOf = r.Strings(), r.Strings()
	if n := r.Len(); n >= 0 {
		in.Actionables = make([]Actionable, n)
		for i := range in.Actionables {
			a := &in.Actionables[i]
			a.Title, a.Task, a.Owner, a.Status, a.Line = r.String(), r.String(), r.String(), readCommon(r), int(r.Int())
		}
	}
	if n := r.Len(); n >= 0 {
		in.Scorecard = make([]ScoredAnswer, n)
		for i := range in.Scorecard {
			s := &in.Scorecard[i]
			s.Key, s.Answer, s.Note, s.Line = readCommon(r), readCommon(r), r.String(), int(r.Int())
		}
	}
	in.ImportedFrom = r.String()
	in.Duration, in.TTD = time.Duration(r.Int()), time.Duration(r.Int())
	in.Score.Yes, in.Score.Answered = int(r.Int()), int(r.Int())
	in.Path, in.File = r.String(), r.String()
	in.BodyLine = int(r.Int())
	if d := r.Bytes(); len(d) == len(in.Digest) {
		copy(in.Digest[:], d)
	} else {
		r.Fail()
	}
	if d := r.Bytes(); len(d) == len(in.FieldsDigest) {
		copy(in.FieldsDigest[:], d)
	} else {
		r.Fail()
	}
	if n := r.Len(); n >= 0 {
		in.lines = make([]keyLine, n)
		for i := range in.lines {
			in.lines[i] = keyLine{readCommon(r), int(r.Int())}
			if i > 0 && in.lines[i-1].key >= in.lines[i].key {
				r.Fail() // not sorted: Line would not find them
			}
		}
	}
	in.bad = r.Strings()
	if n := r.Len(); n >= 0 {
		in.foreign = make([]foreignKey, n)
		for i := range in.foreign {
			f := &in.foreign[i]
			f.key, f.line, f.hint = r.String(), int(r.Int()), r.String()
		}
	}
	if err := r.Done(); err != nil {
		return nil, fmt.Errorf("decoded report: %w", err)
	}
	return in, nil
}

func appendTime(b []byte, t time.Time) []byte {
	// Parse keeps times in UTC (see matter.ParseTime), whose location
	// MarshalBinary records as such; another zone would come back as a
	// fixed offset without its name, which the round-trip tests catch.
	p, err := t.MarshalBinary()
	if err != nil {
		// An offset MarshalBinary cannot write: ParseTime makes none,
		// but if it did the entry would decode as damaged, a miss.
		p = []byte{}
	}
	return wire.AppendBytes(b, p)
}

func readTime(r *wire.Reader) time.Time {
	var t time.Time
	if err := t.UnmarshalBinary(r.Bytes()); err != nil {
		r.Fail()
		return time.Time{}
	}
	return t
}

func appendIntPtr(b []byte, p *int64) []byte {
	if p == nil {
		return wire.AppendBool(b, false)
	}
	return wire.AppendInt(wire.AppendBool(b, true), *p)
}

func readIntPtr(r *wire.Reader) *int64 {
	if !r.Bool() {
		return nil
	}
	v := r.Int()
	return &v
}

// SiteKey is what Parse reads of site's settings, as a string: two sites
// with the same SiteKey decode every report alike, so a report decoded
// under one may be taken as decoded under the other. Parse reads the
// tracker's kind (task ids), the service catalogue with its aliases
// (canonical service names) and the scorecard rubric's keys; whoever
// makes it read another setting adds that setting here.
func SiteKey(site *siteconfig.Site) string {
	if site == nil {
		return "nil"
	}
	b := wire.AppendString(nil, trackerKind(site))
	b = wire.AppendStrings(b, site.ScorecardKeys())
	b = wire.AppendLen(b, false, len(site.Services))
	for _, svc := range site.Services {
		b = wire.AppendString(b, svc.Name)
		b = wire.AppendStrings(b, svc.Aliases)
	}
	return string(b)
}
