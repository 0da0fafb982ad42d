package archive

import "github.com/incidents-archive/incidents/generator/incident"

// interner gives one string for each distinct value of the fields that
// repeat across reports (services, causes, sites, responders, SLOs, the
// enumerations), so that an archive holds each name once rather than
// once per report that names it: decoding allocates every value of every
// report anew, and at 100,000 reports the copies were some tens of
// megabytes that stay live for the whole build.
type interner map[string]string

func (t interner) str(s string) string {
	if s == "" {
		return s
	}
	if u, ok := t[s]; ok {
		return u
	}
	t[s] = s
	return s
}

func (t interner) strs(list []string) {
	for i, s := range list {
		list[i] = t.str(s)
	}
}

// internTerms makes the repeated fields of ins share their strings. It
// changes no value, only which copy of it a report holds.
func internTerms(ins []*incident.Incident) {
	t := interner{}
	for _, in := range ins {
		in.Status = incident.Status(t.str(string(in.Status)))
		in.Detection = t.str(in.Detection)
		in.Trigger = t.str(in.Trigger)
		in.FailureMode = t.str(in.FailureMode)
		t.strs(in.Responders)
		t.strs(in.Coordinators)
		t.strs(in.Services)
		t.strs(in.Sites)
		t.strs(in.SLOs)
		t.strs(in.Causes)
		for i := range in.Actionables {
			a := &in.Actionables[i]
			a.Owner = t.str(a.Owner)
			a.Status = t.str(a.Status)
		}
		for i := range in.Scorecard {
			s := &in.Scorecard[i]
			s.Key = t.str(s.Key)
			s.Answer = t.str(s.Answer)
		}
	}
}
