package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/chart"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/tasks"
	"github.com/incidents-archive/incidents/generator/trends"
)

func TestCSVFile(t *testing.T) {
	tests := []struct {
		name  string
		lines [][]string
		want  string
	}{
		{"plain", [][]string{{"2026-01", "3"}}, "month,n\r\n2026-01,3\r\n"},
		{"quoted", [][]string{{`a,"b"`, "1"}}, "month,n\r\n\"a,\"\"b\"\"\",1\r\n"},
		{"formula", [][]string{{"=SUM(A1)", "+1"}, {"-x", "@y"}}, "month,n\r\n'=SUM(A1),'+1\r\n'-x,'@y\r\n"},
		{"empty cell", [][]string{{"2026-01", ""}}, "month,n\r\n2026-01,\r\n"},
	}
	for _, tt := range tests {
		if got := string(csvFile([]string{"month", "n"}, tt.lines)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDescribeSeries(t *testing.T) {
	tests := []struct {
		cats   []string
		series []chart.Series
		want   string
	}{
		{nil, nil, "No data."},
		{[]string{"2026-01", "2026-02"}, []chart.Series{{Name: "incidents", Values: []float64{3, 0}}}, "2026-01: 3; 2026-02: 0."},
		{[]string{"2026-01"}, []chart.Series{{Name: "median", Values: []float64{1.5}}, {Name: "p90", Values: []float64{math.NaN()}}}, "2026-01: median 1.5, p90 none."},
	}
	for _, tt := range tests {
		if got := describeSeries(tt.cats, tt.series); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// trendFixture is a site holding the trends of a few reports as of 15
// March 2026: months without reports (figures of none), reports without
// an end or a detection time, paging, failed requests, scorecards, action
// items and repeats.
func trendFixture(t *testing.T) *site {
	t.Helper()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	n := func(v int64) *int64 { return &v }
	type spec struct {
		start           string
		minutes, detect int // -1: none
		paged, after    *int64
		failed          *int64
		answers         []string
		actions         []string
	}
	var ins []*incident.Incident
	for i, sp := range []spec{
		{"2024-06-10T08:00:00Z", 3000, 20, n(4), n(0), nil, []string{"yes", "no", "n/a"}, []string{"done", "open"}},
		{"2025-11-03T10:00:00Z", 75, 10, n(3), n(1), n(1200), []string{"yes", "no", "yes"}, []string{"done", "open", "declined"}},
		{"2025-11-20T22:00:00Z", 200, 45, n(12), n(12), nil, []string{"yes", "yes", "yes"}, []string{"open"}},
		{"2026-01-05T01:00:00Z", -1, -1, nil, nil, n(1234567), nil, nil},
		{"2026-03-01T09:30:00Z", 31, 5, nil, nil, n(5), []string{"no", "no", ""}, []string{"open", "open"}},
	} {
		r := &incident.Incident{ID: fmt.Sprint(i), Start: at(sp.start), Paged: sp.paged, PagedAfterHours: sp.after, RequestsFailed: sp.failed, Services: []string{"api"}}
		if sp.minutes >= 0 {
			r.Duration = time.Duration(sp.minutes) * time.Minute
			r.End = r.Start.Add(r.Duration)
		}
		if sp.detect >= 0 {
			r.TTD = time.Duration(sp.detect) * time.Minute
			r.Detected = r.Start.Add(r.TTD)
		}
		for k, a := range sp.answers {
			if a == "" {
				continue
			}
			r.Scorecard = append(r.Scorecard, incident.ScoredAnswer{Key: fmt.Sprintf("q%d", k+1), Answer: a})
			if a == incident.Yes || a == incident.No {
				r.Score.Answered++
			}
			if a == incident.Yes {
				r.Score.Yes++
			}
		}
		for k, st := range sp.actions {
			r.Actionables = append(r.Actionables, incident.Actionable{Title: fmt.Sprint(k), Status: st, Task: fmt.Sprintf("T%d%d", i, k)})
		}
		ins = append(ins, r)
	}
	// The tracker's record of the items' tasks: T41 is not in it.
	file := &tasks.File{Synced: at("2026-03-14T18:00:00Z"), Tracker: "test", Tasks: []tasks.Task{
		{ID: "T00", State: tasks.Resolved, Created: at("2024-06-11T09:00:00Z"), Closed: at("2024-06-20T09:00:00Z")},
		{ID: "T01", State: tasks.Open, Created: at("2024-06-11T09:00:00Z")},
		{ID: "T10", State: tasks.Resolved, Created: at("2025-11-04T09:00:00Z"), Closed: at("2026-01-15T09:00:00Z")},
		{ID: "T11", State: tasks.Resolved, Created: at("2025-11-04T09:00:00Z"), Closed: at("2026-01-17T20:00:00Z")},
		{ID: "T12", State: tasks.Declined, Created: at("2025-11-04T09:00:00Z"), Closed: at("2025-11-10T09:00:00Z")},
		{ID: "T20", State: tasks.Open, Created: at("2025-11-21T09:00:00Z")},
		{ID: "T40", State: tasks.Unknown},
	}}
	file.Sort()
	tr := trends.Compute(trends.Input{Incidents: ins, Likely: []bool{false, true, false, true, false},
		Now: at("2026-03-15T00:00:00Z"), Location: time.UTC, Questions: []string{"q1", "q2", "q3"}, Tasks: file})
	return &site{trends: tr, root: "/", opts: Options{Version: "test"}, questions: map[string]string{"q1": "Was it <fast>?"}}
}

// htmlTable reads the header and rows of a table dataTable.html wrote,
// as text.
func htmlTable(t *testing.T, table string) (head []string, rows [][]string) {
	t.Helper()
	cell := regexp.MustCompile(`<t[hd][^>]*>(.*?)</t[hd]>`)
	tag := regexp.MustCompile(`<[^>]*>`)
	for _, tr := range strings.Split(table, "<tr>")[1:] {
		var cells []string
		for _, m := range cell.FindAllStringSubmatch(tr, -1) {
			cells = append(cells, html.UnescapeString(tag.ReplaceAllString(m[1], "")))
		}
		if head == nil {
			head = cells
		} else {
			rows = append(rows, cells)
		}
	}
	return head, rows
}

// durationText reads formatDuration's "1d 2h 5m" back as minutes.
func durationText(t *testing.T, s string) float64 {
	t.Helper()
	if s == "<1m" {
		return 0.5
	}
	var total float64
	for _, part := range strings.Fields(s) {
		v, err := strconv.ParseFloat(part[:len(part)-1], 64)
		if err != nil {
			t.Fatalf("duration %q: %v", s, err)
		}
		total += v * map[byte]float64{'d': 24 * 60, 'h': 60, 'm': 1}[part[len(part)-1]]
	}
	return total
}

// agree says whether a number written by the HTML table (h), the CSV file
// (c) and trends.json (j, as decoded by encoding/json) is the same number,
// each as precise as its unit writes it there.
func agree(t *testing.T, u unit, h string, hasHTML bool, c string, j any) string {
	t.Helper()
	num := func(s string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(s, ",", ""), "%"), 64)
		if err != nil {
			t.Fatalf("not a number: %q", s)
		}
		return v
	}
	near := func(a, b, within float64) bool { return math.Abs(a-b) <= within+1e-9 }
	if u != unitCount && u != unitTotal {
		// A value that covers no report is written as none everywhere.
		if (c == "") != (j == nil) || hasHTML && (c == "") != (h == "–") {
			return fmt.Sprintf("none disagrees: html %q, csv %q, json %v", h, c, j)
		}
		if c == "" {
			return ""
		}
	}
	jv, ok := j.(float64)
	if !ok {
		return fmt.Sprintf("json %v is not a number", j)
	}
	cv := num(c)
	var okJSON, okHTML bool
	switch u {
	case unitCount:
		okJSON, okHTML = cv == jv, !hasHTML || num(h) == cv
	case unitTotal:
		okJSON = cv == jv
		okHTML = !hasHTML || h == "–" && cv == 0 || h != "–" && near(durationText(t, h), cv, 1)
	case unitMinutes:
		okJSON = near(cv, jv, 1) // whole minutes beside tenths
		okHTML = !hasHTML || near(durationText(t, h), cv, 1)
	case unitDays:
		okJSON = near(cv, jv, 0.05)
		okHTML = !hasHTML || near(durationText(t, h)/(24*60), cv, 0.05+1.0/(24*60))
	case unitRate:
		okJSON = near(cv, jv, 0.00005)
		okHTML = !hasHTML || near(num(h)/100, cv, 0.005)
	case unitMean:
		okJSON = near(cv, jv, 0.05)
		okHTML = !hasHTML || near(num(h), cv, 0.05)
	}
	if !okJSON || !okHTML {
		return fmt.Sprintf("html %q, csv %q, json %v", h, c, j)
	}
	return ""
}

// TestTrendColumnsAgree checks, for every figure by period and for the
// scorecard questions, that the HTML table, the CSV file and trends.json
// have the figure's columns and in them the same numbers.
func TestTrendColumnsAgree(t *testing.T) {
	s := trendFixture(t)
	var buf bytes.Buffer
	if _, err := s.trendsJSONJob()(&buf); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Monthly, Quarterly, Yearly []map[string]any
		All                        map[string]any
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	key := map[string]string{} // a period's label → its key
	for _, ps := range [][]trends.Period{s.trends.Months, s.trends.Quarters, s.trends.Years} {
		for _, p := range ps {
			key[p.Label] = p.Key
		}
	}
	// inner is the object of a period in trends.json that holds a
	// figure's columns: the period's own, or one under it.
	inner := func(t *testing.T, period map[string]any, name string) map[string]any {
		if name == "" {
			return period
		}
		o, ok := period[name].(map[string]any)
		if !ok {
			t.Fatalf("trends.json has no object %q in %v", name, period)
		}
		return o
	}

	// check compares a figure's three outputs; the CSV file's lines are
	// periods' (first names the period), as are the JSON objects.
	check := func(t *testing.T, first, object string, cols table[trends.Figures], f figure, data []byte, periods []map[string]any) {
		lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]string{first}, cols.keys()...); !slices.Equal(lines[0], want) {
			t.Errorf("CSV header %q, want %q", lines[0], want)
		}
		head, rows := htmlTable(t, string(f.Table))
		if want := cols.heads(); !slices.Equal(head[1:], want) {
			t.Errorf("HTML header %q, want %q", head[1:], want)
		}
		if len(rows) == 0 || len(lines)-1 != len(periods) {
			t.Fatalf("%d HTML rows, %d CSV lines, %d periods in trends.json", len(rows), len(lines)-1, len(periods))
		}
		html := map[string][]string{} // by period key
		for _, row := range rows {
			if len(row) != len(head) {
				t.Fatalf("HTML row %q has %d cells, want %d", row, len(row), len(head))
			}
			html[key[row[0]]] = row
		}
		for i, line := range lines[1:] {
			if len(line) != len(cols)+1 {
				t.Fatalf("CSV line %q has %d cells, want %d", line, len(line), len(cols)+1)
			}
			if periods[i][first] != line[0] {
				t.Fatalf("CSV line %d is %s, trends.json's is %v", i, line[0], periods[i][first])
			}
			values := inner(t, periods[i], object)
			row, hasRow := html[line[0]]
			for j, c := range cols {
				v, ok := values[c.jsonKey]
				if !ok {
					t.Errorf("%s: column %s is not in trends.json (no %q in %q)", line[0], c.key, c.jsonKey, object)
					continue
				}
				h, hasHTML := "", hasRow && c.head != ""
				if hasHTML {
					h = row[slices.Index(head, c.head)]
				}
				if msg := agree(t, c.unit, h, hasHTML, line[j+1], v); msg != "" {
					t.Errorf("%s, column %s: %s", line[0], c.key, msg)
				}
			}
		}
	}
	if len(monthlyFigures(true)) != len(monthlyFigures(false))+1 {
		t.Error("tasks.json adds no monthly figure")
	}
	for _, m := range monthlyFigures(true) {
		object := map[string]string{"scorecard": "scorecard", "action-items": "action_items", "time-to-close": "action_items"}[m.id]
		t.Run(m.id, func(t *testing.T) {
			f, data := s.monthlyFigure(m)
			check(t, "month", object, m.columns, f, data, doc.Monthly)
		})
	}
	t.Run("by-year", func(t *testing.T) {
		f, data := s.periodFigure("by-year", "By year", "Year", s.trends.Years, s.trends.Years)
		check(t, "year", "", periodColumns, f, data, doc.Yearly)
	})
	t.Run("by-quarter", func(t *testing.T) {
		f, data := s.periodFigure("by-quarter", "By quarter", "Quarter", s.trends.Quarters, s.trends.Quarters)
		check(t, "quarter", "", periodColumns, f, data, doc.Quarterly)
	})

	t.Run("time-to-close-by-service", func(t *testing.T) {
		var doc struct {
			TasksByService []map[string]any `json:"tasks_by_service"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		services := doc.TasksByService
		f, data := s.serviceTasksFigure()
		lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]string{"service"}, serviceTaskColumns.keys()...); !slices.Equal(lines[0], want) {
			t.Errorf("CSV header %q, want %q", lines[0], want)
		}
		head, rows := htmlTable(t, string(f.Table))
		if want := append([]string{"Service"}, serviceTaskColumns.heads()...); !slices.Equal(head, want) {
			t.Errorf("HTML header %q, want %q", head, want)
		}
		if len(services) == 0 || len(lines)-1 != len(services) || len(rows) != len(services) {
			t.Fatalf("%d CSV lines, %d HTML rows, %d services in trends.json", len(lines)-1, len(rows), len(services))
		}
		for i, line := range lines[1:] {
			if line[0] != services[i]["service"] || rows[i][0] != line[0] {
				t.Fatalf("service %d: CSV %q, HTML %q, trends.json %v", i, line[0], rows[i][0], services[i]["service"])
			}
			for j, c := range serviceTaskColumns {
				if msg := agree(t, c.unit, rows[i][j+1], true, line[j+1], services[i][c.jsonKey]); msg != "" {
					t.Errorf("%s, column %s: %s", line[0], c.key, msg)
				}
			}
		}
	})

	t.Run("scorecard-questions", func(t *testing.T) {
		f, data := s.questionFigure()
		questions := func(period map[string]any) []any {
			qs, _ := inner(t, period, "scorecard")["questions"].([]any)
			if len(qs) != 3 {
				t.Fatalf("questions %v", qs)
			}
			return qs
		}
		lines, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if want := append([]string{"year", "question"}, questionColumns.keys()...); !slices.Equal(lines[0], want) {
			t.Errorf("CSV header %q, want %q", lines[0], want)
		}
		// The CSV file holds each year's rates, as trends.json's yearly
		// figures do.
		if len(lines)-1 != 3*len(doc.Yearly) {
			t.Fatalf("%d CSV lines for %d years", len(lines)-1, len(doc.Yearly))
		}
		for i, line := range lines[1:] {
			year := doc.Yearly[i/3]
			q := questions(year)[i%3].(map[string]any)
			if line[0] != year["year"] || line[1] != q["key"] {
				t.Fatalf("CSV line %q, trends.json %v %v", line, year["year"], q["key"])
			}
			for j, c := range questionColumns {
				if msg := agree(t, c.unit, "", false, line[j+2], q[c.jsonKey]); msg != "" {
					t.Errorf("%s %s, column %s: %s", line[0], line[1], c.key, msg)
				}
			}
		}
		// The HTML table holds all years' rates, then this year's.
		head, rows := htmlTable(t, string(f.Table))
		if want := append(append([]string{"Question"}, questionColumns.heads()...), "2026"); !slices.Equal(head, want) {
			t.Errorf("HTML header %q, want %q", head, want)
		}
		// JSON's number as the text agree reads.
		text := func(v any) string {
			if v == nil {
				return ""
			}
			return fmt.Sprint(v)
		}
		thisYear := questions(doc.Yearly[len(doc.Yearly)-1])
		for i, q := range questions(doc.All) {
			q := q.(map[string]any)
			for j, c := range questionColumns {
				v := q[c.jsonKey]
				if msg := agree(t, c.unit, rows[i][j+1], true, text(v), v); msg != "" {
					t.Errorf("all years, %s, column %s: %s", q["key"], c.key, msg)
				}
			}
			rate := thisYear[i].(map[string]any)["rate"]
			if msg := agree(t, unitRate, rows[i][len(head)-1], true, text(rate), rate); msg != "" {
				t.Errorf("this year, %s: %s", q["key"], msg)
			}
		}
	})
}

// TestAppendJSONAgreesWithEncodingJSON checks that trends.json's own
// writer gives the bytes encoding/json would.
func TestAppendJSONAgreesWithEncodingJSON(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, v := range []any{
		int64(0), int64(-7), int64(math.MaxInt64), 12345, (*float64)(nil),
		f(0), f(math.Copysign(0, -1)), f(0.25), f(1e-7), f(1e-6), f(123456.7), f(1e21), f(1e20), f(-3.5),
		"", "month", "zürich", `"><svg onload=alert(1)>`, "a&b", "line\nbreak", "\u2028", "\x7f", "bad \xff utf-8",
		jsonBreakdown{Top: []jsonCount{{"<x>", 2}}, Other: 1, OtherTerms: 1, Reports: 3},
	} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendJSON(nil, v)
		if err != nil || string(got) != string(want) {
			t.Errorf("appendJSON(%#v) = %s, %v; encoding/json writes %s", v, got, err, want)
		}
	}
	// An object keeps its fields' order, nested objects and lists too.
	o := jsonObject{{"b", int64(1)}, {"a", jsonObject{{"<k>", "v"}}}, {"list", []jsonObject{{{"x", (*float64)(nil)}}, {}}}}
	got, err := o.appendJSON(nil)
	if want := `{"b":1,"a":{"\u003ck\u003e":"v"},"list":[{"x":null},{}]}`; err != nil || string(got) != want {
		t.Errorf("object = %s, %v; want %s", got, err, want)
	}
}
