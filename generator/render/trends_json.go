package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/incidents-archive/incidents/generator/trends"
)

// jsonObject is an object of /trends.json whose keys keep their order.
// Durations are in minutes; a median or percentile that covers no report
// is null, and each figure's *_reports says how many reports it covers.
type jsonObject []jsonField

type jsonField struct {
	key   string
	value any
}

// appendJSON appends the object as encoding/json would write it.
func (o jsonObject) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, f := range o {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSONString(b, f.key); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendJSON(b, f.value); err != nil {
			return nil, fmt.Errorf("%s: %w", f.key, err)
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends v as encoding/json writes it. The values trends.json
// is made of are written directly, which keeps a large archive's file
// from costing an allocation per number; anything else goes through
// encoding/json.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case *float64:
		if v == nil {
			return append(b, "null"...), nil
		}
		// encoding/json writes these without an exponent.
		if a := math.Abs(*v); a == 0 || a >= 1e-6 && a < 1e21 {
			return strconv.AppendFloat(b, *v, 'f', -1, 64), nil
		}
	case string:
		return appendJSONString(b, v)
	case jsonObject:
		return v.appendJSON(b)
	case []jsonObject:
		b = append(b, '[')
		for i, o := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = o.appendJSON(b); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, raw...), nil
}

// appendJSONString appends s as a JSON string. A string that needs no
// escaping (as encoding/json escapes, which includes <, > and &) is
// written as it is; others go through encoding/json.
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			raw, err := json.Marshal(s)
			return append(b, raw...), err
		}
	}
	return append(append(append(b, '"'), s...), '"'), nil
}

type jsonBreakdown struct {
	Top        []jsonCount `json:"top"`
	Other      int         `json:"other"`
	OtherTerms int         `json:"other_terms"`
	Reports    int         `json:"reports"`
}

type jsonCount struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// round keeps one decimal, or none for null: nil when nothing is covered.
func round(v float64, covered int) *float64 {
	if covered == 0 {
		return nil
	}
	r := math.Round(v*10) / 10
	return &r
}

func rate(v float64, covered int) *float64 {
	if covered == 0 {
		return nil
	}
	r := math.Round(v*10000) / 10000
	return &r
}

// newJSONFigures is head followed by a period's figures, as jsonLayout
// orders them.
func newJSONFigures(head jsonObject, f *trends.Figures) jsonObject {
	fields := func(o jsonObject, ms []figureMeasure) jsonObject {
		for _, m := range ms {
			o = append(o, jsonField{m.jsonKey, m.json(f)})
		}
		return o
	}
	// The questions' objects share one array.
	questions := make([]jsonObject, len(f.Scorecard.Questions))
	all := make(jsonObject, 0, len(questions)*(1+len(questionColumns)))
	for i := range f.Scorecard.Questions {
		q := &f.Scorecard.Questions[i]
		start := len(all)
		all = questionColumns.appendJSON(append(all, jsonField{"key", q.Key}), q)
		questions[i] = all[start:len(all):len(all)]
	}
	o := fields(append(make(jsonObject, 0, len(head)+len(jsonLayout.top)+7), head...), jsonLayout.top)
	scorecard := fields(make(jsonObject, 0, len(jsonLayout.scorecard)+1), jsonLayout.scorecard)
	actions := fields(make(jsonObject, 0, len(jsonLayout.actions)+len(jsonLayout.tasks)), jsonLayout.actions)
	if f.Tracker != nil {
		actions = fields(actions, jsonLayout.tasks)
	}
	return append(o,
		jsonField{"scorecard", append(scorecard, jsonField{"questions", questions})},
		jsonField{"action_items", actions},
		jsonField{"services", newJSONBreakdown(f.Services)},
		jsonField{"causes", newJSONBreakdown(f.Causes)},
		jsonField{"triggers", newJSONBreakdown(f.Triggers)},
		jsonField{"failure_modes", newJSONBreakdown(f.FailureModes)},
		jsonField{"sites", newJSONBreakdown(f.Sites)},
	)
}

func newJSONBreakdown(b trends.Breakdown) jsonBreakdown {
	j := jsonBreakdown{Top: make([]jsonCount, len(b.Top)), Other: b.Other, OtherTerms: b.OtherTerms, Reports: b.Reports}
	for i, c := range b.Top {
		j.Top[i] = jsonCount(c)
	}
	return j
}

// trendsJSONJob writes /trends.json: every figure of every month, quarter
// and year, and of the whole archive.
func (s *site) trendsJSONJob() job {
	return func(buf *bytes.Buffer) (string, error) {
		t := s.trends
		// A period is its key ("month", "quarter" or "year"), its first
		// instant (RFC 3339 in the time zone) and its figures.
		periods := func(ps []trends.Period, kind string) []jsonObject {
			out := make([]jsonObject, len(ps))
			for i := range ps {
				out[i] = newJSONFigures(jsonObject{{kind, ps[i].Key}, {"start", ps[i].Start.Format(time.RFC3339)}}, &ps[i].Figures)
			}
			return out
		}
		doc := jsonObject{
			{"generator", "incidents " + s.opts.Version},
			{"generated", t.Now.Format("2006-01-02")}, // the build's day
			{"time_zone", s.zone()},
			{"this_month", t.ThisMonth().Key},
			{"this_quarter", t.ThisQuarter().Key},
			{"this_year", t.ThisYear().Key},
			{"top_n", trends.TopN},
			{"monthly", periods(t.Months, "month")},
			{"quarterly", periods(t.Quarters, "quarter")},
			{"yearly", periods(t.Years, "year")},
			{"all", newJSONFigures(nil, &t.All)},
		}
		if t.All.Tracker != nil {
			// The tracker's figures: when it was asked, and each
			// service's tasks.
			services := make([]jsonObject, len(t.TasksByService))
			for i := range t.TasksByService {
				sv := &t.TasksByService[i]
				services[i] = serviceTaskColumns.appendJSON(jsonObject{{"service", sv.Name}}, sv)
			}
			doc = append(doc, jsonField{"tasks_synced", t.TasksSynced.UTC().Format(time.RFC3339)}, jsonField{"tasks_by_service", services})
		}
		b, err := doc.appendJSON(buf.AvailableBuffer())
		if err != nil {
			return "", fmt.Errorf("encoding trends.json: %w", err)
		}
		buf.Write(append(b, '\n'))
		return "trends.json", nil
	}
}
