package wiki

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/mediawiki"
	"github.com/incidents-archive/incidents/generator/incident"
)

// page wraps a metadata template's lines in a page of the real layout.
func page(status, params string) string {
	return status + "\n==Summary==\n{{Incident scorecard\n" + params + "\n}}\nSomething broke.\n"
}

func convert(t testing.TB, title, text string) *importer.Report {
	t.Helper()
	return Convert(mediawiki.Page{Title: title, Text: text}, Options{Site: bundledSite(t)})
}

func hasWarning(r *importer.Report, field, kind string) bool {
	for _, w := range r.Warnings {
		if w.Field == field && w.Kind == kind {
			return true
		}
	}
	return false
}

func unmapped(r *importer.Report, name string) (string, bool) {
	for _, f := range r.Unmapped {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

func TestStatus(t *testing.T) {
	cases := []struct {
		first, status string
		warned        bool
	}{
		{"{{irdoc|status=draft}}", "draft", false},
		{"{{irdoc|status=review}}", "review", false},
		{"{{irdoc|status=in-review}}", "review", false},
		{"{{irdoc|status=final}}", "final", false},
		{"{{Irdoc | status = Final }}", "final", false},
		{"{{irdoc-draft}}", "draft", false},
		{"{{irdoc-review}}", "review", false},
		{"{{irdoc-in-review}}", "review", false},
		{"{{irdoc}}", "final", false},
		{"", "final", false},
		{"{{irdoc|status=almost done}}", "draft", true},
	}
	for _, c := range cases {
		r := convert(t, "Incidents/2025-03-31 x", page(c.first, "| start = 2025-03-31 02:58"))
		if r.Status != c.status || hasWarning(r, "status", KindNotUnderstood) != c.warned {
			t.Errorf("%q: status %q (warned %v), want %q (warned %v)", c.first, r.Status, !c.warned, c.status, c.warned)
		}
		if strings.Contains(r.Body, "irdoc") {
			t.Errorf("%q: the status template is left in the body:\n%s", c.first, r.Body)
		}
	}
}

// TestMetadataValues runs every messy form of every metadata value
// through Convert: what lands in the field, whether the original is kept
// under Imported metadata, and the warning.
func TestMetadataValues(t *testing.T) {
	type want struct {
		field string // the Report field checked
		value string // its value, formatted by show
		kept  bool   // the original is in Unmapped under the parameter's name
		kind  string // the warning's kind for the parameter; "" none
	}
	show := func(r *importer.Report, field string) string {
		switch field {
		case "paged":
			if r.Paged == nil {
				return "nil"
			}
			return strconv.FormatInt(*r.Paged, 10)
		case "responders":
			return strings.Join(r.Responders, "|")
		case "coordinators":
			return strings.Join(r.Coordinators, "|")
		case "task":
			return r.Task
		case "slos":
			if r.SLOs == nil {
				return "nil"
			}
			return "[" + strings.Join(r.SLOs, "|") + "]"
		case "impact":
			return r.Impact
		case "start":
			return fmtT(r.Start)
		case "end":
			return fmtT(r.End)
		}
		panic(field)
	}
	cases := []struct {
		param, value string
		want         want
	}{
		{"paged-num", "35", want{"paged", "35", false, ""}},
		{"paged-num", "batphone", want{"paged", "nil", true, KindNotUnderstood}},
		{"paged-num", "35 (batphone)", want{"paged", "35", true, KindPartly}},
		{"paged-num", "6 + 3", want{"paged", "9", true, KindPartly}},
		{"paged-num", "?", want{"paged", "nil", true, ""}},
		{"paged-num", "", want{"paged", "nil", false, ""}},
		{"paged-num", "none", want{"paged", "0", false, ""}},
		{"paged-num", "2000000", want{"paged", "nil", true, KindNotUnderstood}},
		{"responders-num", "6 + 3", want{"responders", "", true, KindPartly}},
		{"responders-num", "9", want{"responders", "", true, ""}},
		{"responders-num", "9: (round 1) Ana, Bo, (round 2) Cy…", want{"responders", "Ana|Bo|Cy", true, KindPartly}},
		{"responders-num", "Ana<br>Bo", want{"responders", "Ana|Bo", false, ""}},
		{"responders-num", "Ana (IC), Bo", want{"responders", "Ana|Bo", true, KindPartly}},
		{"responders-num", "?", want{"responders", "", true, ""}},
		{"responders-num", "[[Special:Log]]{{x}}", want{"responders", "", true, KindNotUnderstood}},
		{"coordinators", "[[User:Foo|Foo]]", want{"coordinators", "Foo", false, ""}},
		{"coordinators", "{{u|Foo}}", want{"coordinators", "Foo", false, ""}},
		{"coordinators", "{{u|Foo}}, [[User:Bar Baz|Bar Baz]]", want{"coordinators", "Foo|Bar Baz", false, ""}},
		{"coordinators", "none", want{"coordinators", "", false, ""}},
		{"coordinators", "?", want{"coordinators", "", true, ""}},
		{"task", "{{Phabricator|T390513}}", want{"task", "T390513", false, ""}},
		{"task", "T390513, T390514", want{"task", "T390513", true, KindPartly}},
		{"task", "to be filed", want{"task", "", true, KindNotUnderstood}},
		{"metrics", "No relevant SLOs exist", want{"slos", "[]", true, ""}},
		{"metrics", "Save timing p75 went up", want{"slos", "nil", true, KindNotUnderstood}},
		{"metrics", "", want{"slos", "nil", false, ""}},
		{"impact", "Readers got errors&nbsp;for '''ten''' minutes.", want{"impact", "Readers got errors for ten minutes.", false, ""}},
		{"impact", strings.Repeat("word ", 1200), want{"impact", strings.Repeat("word ", 998) + "word…", true, KindPartly}}, // cut at the last whole word within 4,999 characters, and "…"
		{"start", "2025-05-08 2:30 AM", want{"start", "2025-05-08 02:30", false, ""}},
		{"start", "2023-11-15T14:04:10", want{"start", "2023-11-15 14:04", false, ""}},
		{"start", "03:09", want{"start", "2025-03-31 03:09", false, KindGuessed}},
		{"start", "sometime at night", want{"start", "zero", true, KindNotUnderstood}},
		{"end", "2025-03-31 05:00", want{"end", "2025-03-31 05:00", false, ""}},
		{"end", "03:30", want{"end", "2025-03-31 03:30", false, ""}},
		{"end", "01:10", want{"end", "2025-04-01 01:10", false, KindGuessed}},
		{"end", "2025-03-30 23:00", want{"end", "zero", true, KindNotUnderstood}},
	}
	for _, c := range cases {
		params := "| start = 2025-03-31 02:58\n| " + c.param + " = " + c.value
		if c.param == "start" {
			params = "| start = " + c.value
		}
		r := convert(t, "Incidents/2025-03-31 metadata", page("", params))
		got := show(r, c.want.field)
		if got != c.want.value {
			t.Errorf("%s = %q: %s is %q, want %q", c.param, c.value, c.want.field, got, c.want.value)
		}
		_, kept := unmapped(r, c.param)
		if kept != c.want.kept {
			t.Errorf("%s = %q: kept under Imported metadata %v, want %v (%v)", c.param, c.value, kept, c.want.kept, r.Unmapped)
		}
		var kinds []string
		for _, w := range r.Warnings {
			if w.Field == c.param {
				kinds = append(kinds, w.Kind)
			}
		}
		if c.want.kind == "" && len(kinds) > 0 || c.want.kind != "" && !slices.Contains(kinds, c.want.kind) {
			t.Errorf("%s = %q: warnings %v, want kind %q", c.param, c.value, kinds, c.want.kind)
		}
		if strings.Contains(r.Body, "Incident scorecard") {
			t.Errorf("%s = %q: the metadata template is left in the body", c.param, c.value)
		}
	}
}

func fmtT(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.Format(timeFormat)
}

func TestUnknownParameterKept(t *testing.T) {
	r := convert(t, "Incidents/2025-03-31 x", page("", "| start = 2025-03-31 02:58\n| detected = 03:01\n| id = 2025-03-31 y\n| blank ="))
	if v, ok := unmapped(r, "detected"); !ok || v != "03:01" || !hasWarning(r, "detected", KindNotUnderstood) {
		t.Errorf("an unknown parameter was not kept and warned: %v %v", r.Unmapped, r.Warnings)
	}
	if _, ok := unmapped(r, "id"); !ok || r.ID != "2025-03-31 x" {
		t.Errorf("an id differing from the title's: id %q, unmapped %v", r.ID, r.Unmapped)
	}
	if _, ok := unmapped(r, "blank"); ok {
		t.Errorf("an empty unknown parameter was kept: %v", r.Unmapped)
	}
}

func TestWindowsInBody(t *testing.T) {
	r := convert(t, "Incidents/2025-03-31 x", page("", "| start = 2025-03-31 02:58, 05:00\n| end = 03:10, 05:30"))
	if got, want := fmtT(r.Start)+" "+fmtT(r.End), "2025-03-31 02:58 2025-03-31 05:30"; got != want {
		t.Errorf("start and end %s, want %s", got, want)
	}
	if !strings.Contains(r.Body, "2025-03-31 02:58 to 03:10; 2025-03-31 05:00 to 05:30") {
		t.Errorf("the windows are not in the body:\n%s", r.Body)
	}
	r = convert(t, "Incidents/2025-03-31 x", page("", "| start = 23:50 - 00:20, 01:00 - 01:30"))
	if got, want := fmtT(r.Start)+" "+fmtT(r.End), "2025-03-31 23:50 2025-04-01 01:30"; got != want {
		t.Errorf("ranges in start: start and end %s, want %s", got, want)
	}
}

func TestNoMetadata(t *testing.T) {
	r := convert(t, "Incidents/2025-03-31 x", "Only prose.\n")
	if !r.Start.IsZero() || !hasWarning(r, "start", KindMissing) || !hasWarning(r, "metadata", KindNotUnderstood) {
		t.Errorf("a page without metadata: start %v, warnings %v", r.Start, r.Warnings)
	}
	r = convert(t, "Incidents/about the archive", page("", "| start = 03:00"))
	if r.ID != "about the archive" || !hasWarning(r, "id", KindNotUnderstood) || !hasWarning(r, "start", KindMissing) {
		t.Errorf("a title without a date: id %q, start %v, warnings %v", r.ID, r.Start, r.Warnings)
	}
}

func TestRelatedAndServices(t *testing.T) {
	text := page("", "| start = 2025-03-31 02:58\n| impact = The [[Incidents/2024-01-01 mysql lag|same lag]] again.") +
		"See [[Incidents/2024-01-01 mysql lag]], [[Incidents/2025-03-31 x#Timeline|below]], [[Incident documentation/20150423-Commons|the 2015 one]] and [[Help:Parsoid|the help page]].\n" +
		"== Timeline ==\nParsoid and restbase were fine.\n"
	r := convert(t, "Incidents/2025-03-31 x", text)
	if want := []string{"2024-01-01 mysql lag", "2015-04-23 Commons"}; !slices.Equal(r.Related, want) {
		t.Errorf("related %q, want %q", r.Related, want)
	}
	// Services come from the title, impact and summary only, never from
	// a link to another incident or a link's target; "restbase" is only
	// in the timeline.
	if len(r.Services) != 0 {
		t.Errorf("services %q guessed from links or from outside the summary", r.Services)
	}
	r = Convert(mediawiki.Page{Title: "Incidents/2025-03-31 x", Text: "[[Incidents/Some old page]] [[Incidents/2024-01-01 y]]"},
		Options{Site: bundledSite(t), Incident: func(title string) (string, bool) {
			if title == "Incidents/Some old page" {
				return "2020-02-02 some old page", true
			}
			return "", false
		}})
	if want := []string{"2020-02-02 some old page"}; !slices.Equal(r.Related, want) {
		t.Errorf("related through Options.Incident %q, want %q", r.Related, want)
	}
}

func TestActionables(t *testing.T) {
	text := page("", "| start = 2025-03-31 02:58") + "==Actionables==\n" +
		"* {{Phabricator|T1001}} Open item\n" +
		"* <s>Struck item {{PhabT|1002}}</s>\n" +
		"* <del>[[phab:T1003|T1003]] Deleted item</del>\n" +
		"* Done: item marked done (T1004)\n" +
		"* {{done}} Templated done\n" +
		"* Item that was refused (declined)\n" +
		"* https://phabricator.wikimedia.org/T1007 Linked item\n" +
		"# Numbered item that mentions T1008 and T1009 in passing\n" +
		"* Parent item\n** its detail\n" +
		"Some closing prose.\n" +
		"== Scorecard ==\n"
	r := convert(t, "Incidents/2025-03-31 x", text)
	want := []importer.Actionable{
		{Title: "Open item", Task: "T1001", Status: "open"},
		{Title: "Struck item", Task: "T1002", Status: "done"},
		{Title: "Deleted item", Task: "T1003", Status: "done"},
		{Title: "item marked done", Task: "T1004", Status: "done"},
		{Title: "Templated done", Status: "done"},
		{Title: "Item that was refused", Status: "declined"},
		{Title: "Linked item", Task: "T1007", Status: "open"},
		{Title: "Numbered item that mentions T1008 and T1009 in passing", Task: "T1008", Status: "open"},
		{Title: "Parent item", Status: "open"},
	}
	if !slices.Equal(r.Actionables, want) {
		t.Errorf("actionables\n got %+v\nwant %+v", r.Actionables, want)
	}
	// Items the front matter holds leave the body; the one with sub-items
	// and the prose stay, and so does the heading.
	for _, gone := range []string{"Open item", "Struck item", "Linked item"} {
		if strings.Contains(r.Body, gone) {
			t.Errorf("%q is still in the body:\n%s", gone, r.Body)
		}
	}
	for _, kept := range []string{"Actionables", "Parent item", "its detail", "Some closing prose."} {
		if !strings.Contains(r.Body, kept) {
			t.Errorf("%q left the body:\n%s", kept, r.Body)
		}
	}
	r = convert(t, "Incidents/2025-03-31 x", page("", "| start = 2025-03-31 02:58")+"==Actionables==\n* One\n* Two\n==After==\ntext\n")
	if strings.Contains(r.Body, "Actionables") || len(r.Actionables) != 2 {
		t.Errorf("an emptied Actionables section keeps its heading, or items were lost (%d):\n%s", len(r.Actionables), r.Body)
	}
}

// TestScorecardTable covers the table's forms: answers spelled every way,
// a question of no rubric, a wrong total, and points.
func TestScorecardTable(t *testing.T) {
	table := func(rows ...string) string {
		return page("", "| start = 2025-03-31 02:58") + "==Scorecard==\n{| class=\"wikitable\"\n|'''Question'''\n|'''Answer'''\n|'''Notes'''\n" +
			"|-\n" + strings.Join(rows, "\n|-\n") + "\n|}\n"
	}
	r := convert(t, "Incidents/2025-03-31 x", table(
		"! rowspan=\"3\" | People\n|Were fewer than five people paged?\n|Y\n|N/A",
		"|Did pages reach the correct sub-team?\n|N\n|wrong team",
		"|Did pages go to engineers online in business hours?\n|N/A\n|",
		"! Process\n|Is there a task for the incident?\n|?\n|",
		"|Are the documented action items assigned?\n|\n|half of them",
		"|Was the coffee fresh?\n|yes\n|",
		"|Total\n|5\n|",
	))
	want := []importer.Answer{
		{Key: "few_paged", Answer: "yes"},
		{Key: "pages_routed_correctly", Answer: "no", Note: "wrong team"},
		{Key: "pages_business_hours", Answer: "n/a"},
	}
	if !slices.Equal(r.Scorecard, want) {
		t.Errorf("scorecard\n got %+v\nwant %+v", r.Scorecard, want)
	}
	if v, ok := unmapped(r, "scorecard: Was the coffee fresh?"); !ok || v != "yes" || !hasWarning(r, "scorecard", KindQuestion) {
		t.Errorf("the unmatched question: kept %q %v, warnings %v", v, ok, r.Warnings)
	}
	if v, ok := unmapped(r, "scorecard: Are the documented action items assigned?"); !ok || !strings.Contains(v, "half of them") {
		t.Errorf("the note of an unanswered question was lost: %v", r.Unmapped)
	}
	if v, ok := unmapped(r, "scorecard total"); !ok || v != "5" || !hasWarning(r, "scorecard", KindTotal) {
		t.Errorf("a wrong total (5 for 2 yes answers) was not reported: %v", r.Unmapped)
	}
	if strings.Contains(r.Body, "coffee") || strings.Contains(r.Body, "Scorecard") {
		t.Errorf("the converted scorecard is left in the body:\n%s", r.Body)
	}
	// A right total is not reported.
	r = convert(t, "Incidents/2025-03-31 x", table("|Were fewer than five people paged?\n|yes\n|", "|Total score\n|1\n|"))
	if hasWarning(r, "scorecard", KindTotal) {
		t.Errorf("a right total was reported: %v", r.Warnings)
	}
	// Points: kept as a table in the body, with a warning.
	r = convert(t, "Incidents/2025-03-31 x", table("|Were fewer than five people paged?\n|3\n|", "|Is there a task for the incident?\n|5\n|"))
	if len(r.Scorecard) != 0 || !hasWarning(r, "scorecard", KindOldScorecard) || !strings.Contains(r.Body, "Is there a task for the incident?") {
		t.Errorf("a points scorecard: answers %v, warnings %v, body:\n%s", r.Scorecard, r.Warnings, r.Body)
	}
	// A scorecard table outside a Scorecard section is found by its questions.
	text := page("", "| start = 2025-03-31 02:58") + "{|\n|Were fewer than five people paged?||yes\n|-\n|Is there a task for the incident?||no\n|-\n|Did the existing monitoring notify the first responders?||yes\n|}\n"
	if r := convert(t, "Incidents/2025-03-31 x", text); len(r.Scorecard) != 3 {
		t.Errorf("a scorecard outside its section: %v", r.Scorecard)
	}
	// The repeat question answered no, as the wiki asks it: a repeat. The
	// answer stays no (not_a_repeat: no), it is not inverted.
	r = convert(t, "Incidents/2025-03-31 x", table("|Does this incident differ enough from earlier incidents not to count as a repeat occurrence?\n|no\n|"))
	if want := []importer.Answer{{Key: "not_a_repeat", Answer: "no"}}; !slices.Equal(r.Scorecard, want) || hasWarning(r, "scorecard", KindInverted) {
		t.Errorf("the repeat question: %+v, warnings %v", r.Scorecard, r.Warnings)
	}
}

// checkReport asserts what every Report must satisfy, whatever the page:
// the invariants the writer relies on to write a file the build accepts
// (or a draft naming its problems).
func checkReport(t *testing.T, r *importer.Report, rubric []string) {
	t.Helper()
	if r.ID == "" && !hasWarning(r, "id", KindMissing) {
		t.Errorf("no id and no warning")
	}
	if n := utf8.RuneCountInString(r.ID); n > maxIDLen {
		t.Errorf("id of %d characters", n)
	}
	if n := utf8.RuneCountInString(r.Title); n == 0 || n > incident.MaxTitleLen || strings.TrimSpace(r.Title) == "" {
		t.Errorf("title %q", r.Title)
	}
	if r.Start.IsZero() && !hasWarning(r, "start", KindMissing) {
		t.Errorf("no start and no warning")
	}
	if !r.End.IsZero() && !r.Start.IsZero() && r.End.Before(r.Start) {
		t.Errorf("end %v before start %v", r.End, r.Start)
	}
	if !slices.Contains([]string{"draft", "review", "final"}, r.Status) {
		t.Errorf("status %q", r.Status)
	}
	if r.Task != "" && !incident.TaskPattern.MatchString(r.Task) {
		t.Errorf("task %q", r.Task)
	}
	if r.Paged != nil && (*r.Paged < 0 || *r.Paged > incident.MaxPaged) {
		t.Errorf("paged %d", *r.Paged)
	}
	if utf8.RuneCountInString(r.Impact) > incident.MaxImpactLen {
		t.Errorf("impact of %d characters", utf8.RuneCountInString(r.Impact))
	}
	if slices.Contains(r.Related, r.ID) && r.ID != "" {
		t.Errorf("related to itself")
	}
	seen := map[string]bool{}
	for _, a := range r.Scorecard {
		if !slices.Contains(rubric, a.Key) || seen[a.Key] || !slices.Contains([]string{"yes", "no", "n/a"}, a.Answer) {
			t.Errorf("scorecard answer %+v", a)
		}
		seen[a.Key] = true
	}
	for _, a := range r.Actionables {
		if strings.TrimSpace(a.Title) == "" || !slices.Contains([]string{"open", "done", "declined"}, a.Status) ||
			(a.Task != "" && !incident.TaskPattern.MatchString(a.Task)) {
			t.Errorf("actionable %+v", a)
		}
	}
	for _, l := range [][]string{r.Responders, r.Coordinators} {
		for _, n := range l {
			if n == "" || utf8.RuneCountInString(n) > incident.MaxNameLen {
				t.Errorf("name %q", n)
			}
		}
	}
}

func TestFixturesSatisfyInvariants(t *testing.T) {
	site := bundledSite(t)
	for _, dir := range []string{"pages", "seeds"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.wiki"))
		for _, f := range files {
			checkReport(t, Convert(readPage(t, f), Options{Site: site}), site.ScorecardKeys())
		}
	}
}

// FuzzConvert checks that Convert never panics and that whatever the page,
// the Report's id, title and start are valid or their problems are in
// the warnings (checkReport).
func FuzzConvert(f *testing.F) {
	for _, dir := range []string{"pages", "seeds"} {
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.wiki"))
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(pageTitle(file), string(data))
		}
	}
	f.Add("", "")
	f.Add("Incidents/2025-02-30 x", "{{Incident scorecard|start=25:99|end=03:00}}")
	f.Add("Incident documentation/20190101-Name", "{{irdoc|status=}}\n{{Incident scorecard|start=23:00|end=22:00, 01:00 - 00:30}}\n{|\n|Total||x\n|}")
	site := bundledSite(f)
	rubric := site.ScorecardKeys()
	f.Fuzz(func(t *testing.T, title, text string) {
		r := Convert(mediawiki.Page{Title: title, Text: text}, Options{Site: site})
		checkReport(t, r, rubric)
	})
}

// BenchmarkConvert converts the longest fixture page, the size of a real
// report (the import of 1,000 pages must take under 5 s in all).
func BenchmarkConvert(b *testing.B) {
	site := bundledSite(b)
	p := readPage(b, filepath.Join("testdata", "pages", "2024-06-12 restbase storage timeouts.wiki"))
	for b.Loop() {
		Convert(p, Options{Site: site})
	}
}

// A scorecard section that holds nothing else than the page's
// footnotes place and categories loses its heading: before, an empty
// "## Scorecard" stood in the body, and the page showed two Scorecard
// headings.
func TestScorecardSectionWithPageFurniture(t *testing.T) {
	text := page("", "| start = 2024-06-12 02:30") + "Broke.<ref>A note.</ref>\n" +
		"== Scorecard ==\n{| class=\"wikitable\"\n!Question!!Answer!!Notes\n|-\n|Is there a task for the incident?\n|yes\n|\n|}\n" +
		"<references />\n[[Category:Incidents]]\n__NOTOC__\n"
	r := convert(t, "Incidents/2024-06-12 x", text)
	if len(r.Scorecard) == 0 {
		t.Fatalf("no scorecard answers read:\n%s", r.Body)
	}
	if strings.Contains(r.Body, "Scorecard") {
		t.Errorf("the emptied scorecard section keeps its heading:\n%s", r.Body)
	}
	if !strings.Contains(r.Body, "[^1]: A note.") {
		t.Errorf("the footnote is lost:\n%s", r.Body)
	}
}
