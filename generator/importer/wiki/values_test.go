package wiki

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseWindows(t *testing.T) {
	day := utc("2025-03-31 00:00:00")
	type win struct{ from, to string } // to empty: not a range
	cases := []struct {
		in   string
		want []win
		// dated lists, per window, whether the value gave the start's date.
		dated []bool
	}{
		{"2025-03-31 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		{"2025-03-31 02:58 UTC", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		{"2025-03-31 02:58:41", []win{{"2025-03-31 02:58:41", ""}}, []bool{true}},
		{"2025-05-08 2:30 AM", []win{{"2025-05-08 02:30:00", ""}}, []bool{true}},
		{"2025-05-08 2:30 pm", []win{{"2025-05-08 14:30:00", ""}}, []bool{true}},
		{"2025-05-08 12:10 AM", []win{{"2025-05-08 00:10:00", ""}}, []bool{true}},
		{"2025-05-08 12:10 P.M.", []win{{"2025-05-08 12:10:00", ""}}, []bool{true}},
		{"2023-11-15T14:04:10", []win{{"2023-11-15 14:04:10", ""}}, []bool{true}},
		{"2023-11-15T14:04:10Z", []win{{"2023-11-15 14:04:10", ""}}, []bool{true}},
		{"2023-11-15T16:04:10+02:00", []win{{"2023-11-15 14:04:10", ""}}, []bool{true}},
		{"03:09", []win{{"2025-03-31 03:09:00", ""}}, []bool{false}},
		{"3:09 (UTC)", []win{{"2025-03-31 03:09:00", ""}}, []bool{false}},
		{"at 03:09&nbsp;UTC", []win{{"2025-03-31 03:09:00", ""}}, []bool{false}},
		{"\u00a003:09\u00a0", []win{{"2025-03-31 03:09:00", ""}}, []bool{false}},
		{"31 March 2025 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		{"March 31, 2025 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		{"2025-03-31, 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		{"2025-03-31", []win{{"2025-03-31 00:00:00", ""}}, []bool{true}},
		{"2025/03/31 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
		// Several windows: the pieces after the first take its date.
		{"2025-03-31 02:58, 05:10", []win{{"2025-03-31 02:58:00", ""}, {"2025-03-31 05:10:00", ""}}, []bool{true, false}},
		{"2025-03-30 23:50; 2025-03-31 01:10", []win{{"2025-03-30 23:50:00", ""}, {"2025-03-31 01:10:00", ""}}, []bool{true, true}},
		{"02:58<br>05:10", []win{{"2025-03-31 02:58:00", ""}, {"2025-03-31 05:10:00", ""}}, []bool{false, false}},
		// Ranges, and an undated end earlier than its start: the next day.
		{"2025-03-31 02:58 - 03:10", []win{{"2025-03-31 02:58:00", "2025-03-31 03:10:00"}}, []bool{true}},
		{"23:40–00:20", []win{{"2025-03-31 23:40:00", "2025-04-01 00:20:00"}}, []bool{false}},
		{"02:58 - 03:10, 05:00 to 05:30", []win{{"2025-03-31 02:58:00", "2025-03-31 03:10:00"}, {"2025-03-31 05:00:00", "2025-03-31 05:30:00"}}, []bool{false, false}},
		{"<!-- fill in -->2025-03-31 02:58", []win{{"2025-03-31 02:58:00", ""}}, []bool{true}},
	}
	for _, c := range cases {
		got, ok := parseWindows(c.in, day)
		if !ok {
			t.Errorf("parseWindows(%q) not understood", c.in)
			continue
		}
		var wins []win
		var dated []bool
		for _, w := range got {
			x := win{from: w.from.t.Format("2006-01-02 15:04:05")}
			if w.to != nil {
				x.to = w.to.t.Format("2006-01-02 15:04:05")
			}
			wins = append(wins, x)
			dated = append(dated, w.from.dated)
		}
		if !reflect.DeepEqual(wins, c.want) || !reflect.DeepEqual(dated, c.dated) {
			t.Errorf("parseWindows(%q) = %v dated %v, want %v dated %v", c.in, wins, dated, c.want, c.dated)
		}
	}
}

func TestParseWindowsNotUnderstood(t *testing.T) {
	day := utc("2025-03-31 00:00:00")
	for _, in := range []string{
		"", "?", "sometime in the morning", "2025-13-01 02:00", "2025-02-30 02:00",
		"25:10", "02:61", "13:00 PM", "0:30 am", "2025-03-31 02:58 CEST", "1900-01-01 00:00",
		"yesterday", "02:58, later", "2025-03-31 02:58 - 03:10 - 04:00",
	} {
		if got, ok := parseWindows(in, day); ok {
			t.Errorf("parseWindows(%q) = %v, want not understood", in, got)
		}
	}
	// A time of day needs a date from somewhere.
	if got, ok := parseWindows("03:09", time.Time{}); ok {
		t.Errorf("parseWindows(03:09) without a day = %v, want not understood", got)
	}
}

func TestParseCount(t *testing.T) {
	cases := []struct {
		in    string
		want  count
		names []string
	}{
		{"35", count{n: 35, ok: true, exact: true}, nil},
		{" 0 ", count{n: 0, ok: true, exact: true}, nil},
		{"none", count{n: 0, ok: true, exact: true}, nil},
		{"Nobody.", count{n: 0, ok: true, exact: true}, nil},
		{"two", count{n: 2, ok: true, exact: true}, nil},
		{"6 + 3", count{n: 9, ok: true}, nil},
		{"6+3+1", count{n: 10, ok: true}, nil},
		{"35 (batphone)", count{n: 35, ok: true}, nil},
		{"~10", count{n: 10, ok: true}, nil},
		{"about 12 people", count{n: 12, ok: true}, nil},
		{"10+", count{n: 10, ok: true}, nil},
		{"9: (round 1) alice, bob, (round 2) carol…", count{n: 9, ok: true}, []string{"alice", "bob", "carol"}},
		{"3 - [[User:Dana|Dana]], {{u|Eve}}, Frank", count{n: 3, ok: true}, []string{"Dana", "Eve", "Frank"}},
		{"batphone", count{}, nil},
		{"?", count{}, nil},
		{"", count{}, nil},
		{"lots", count{}, nil},
		{"99999999999999999999", count{}, nil},
	}
	for _, c := range cases {
		got := parseCount(c.in)
		names := got.names
		got.names = nil
		if !reflect.DeepEqual(got, c.want) || !reflect.DeepEqual(names, c.names) {
			t.Errorf("parseCount(%q) = %+v names %q, want %+v names %q", c.in, got, names, c.want, c.names)
		}
	}
}

func TestParseNames(t *testing.T) {
	cases := []struct {
		in    string
		want  []string
		clean bool
	}{
		{"[[User:Foo|Foo]]", []string{"Foo"}, true},
		{"[[User:Foo Bar]]", []string{"Foo Bar"}, true},
		{"{{u|Foo}}", []string{"Foo"}, true},
		{"{{U|Foo}} and {{u|Bar}}", []string{"Foo", "Bar"}, true},
		{"Ana Pérez, Bo Li; Chidi Okafor", []string{"Ana Pérez", "Bo Li", "Chidi Okafor"}, true},
		{"Ana Pérez<br />Bo Li<br>Chidi Okafor", []string{"Ana Pérez", "Bo Li", "Chidi Okafor"}, true},
		{"* Ana\n* Bo", []string{"Ana", "Bo"}, true},
		{"'''Ana''' (IC), Bo", []string{"Ana", "Bo"}, false},
		{"(round 1) Ana, Bo (round 2) Cy", []string{"Ana", "Bo", "Cy"}, true},
		{"Ana, Ana", []string{"Ana"}, true},
		{"Ana, ?", []string{"Ana"}, false},
		{"Ana, 42", []string{"Ana"}, false},
		{"the whole on-call rota of the traffic team that week", nil, false},
	}
	for _, c := range cases {
		got, clean := parseNames(c.in)
		if !reflect.DeepEqual(got, c.want) || clean != c.clean {
			t.Errorf("parseNames(%q) = %q clean %v, want %q clean %v", c.in, got, clean, c.want, c.clean)
		}
	}
}

func TestParseTask(t *testing.T) {
	cases := []struct {
		in   string
		task string
		more bool
	}{
		{"T390513", "T390513", false},
		{" T390513 ", "T390513", false},
		{"{{Phabricator|T390513}}", "T390513", false},
		{"{{PhabT|390513}}", "T390513", false},
		{"{{phab|T390513}}", "T390513", false},
		{"[[phab:T390513|T390513]]", "T390513", false},
		{"https://phabricator.wikimedia.org/T390513", "T390513", false},
		{"[https://phabricator.wikimedia.org/T390513 T390513]", "T390513", false},
		{"T390513, T390514", "T390513", true},
		{"T390513 (parent task)", "T390513", true},
		{"", "", false},
		{"?", "", false},
		{"none yet", "", true},
		{"T1234567890", "", true},
	}
	for _, c := range cases {
		task, more := parseTask(c.in)
		if task != c.task || more != c.more {
			t.Errorf("parseTask(%q) = %q, %v; want %q, %v", c.in, task, more, c.task, c.more)
		}
	}
}

func TestParseAnswer(t *testing.T) {
	cases := []struct {
		in, answer, extra string
		ok                bool
	}{
		{"Yes", "yes", "", true},
		{"yes", "yes", "", true},
		{"Y", "yes", "", true},
		{"'''yes'''", "yes", "", true},
		{"No", "no", "", true},
		{"N", "no", "", true},
		{"no.", "no", "", true},
		{"N/A", "n/a", "", true},
		{"n/a", "n/a", "", true},
		{"NA", "n/a", "", true},
		{"?", "", "", true},
		{"", "", "", true},
		{"  ", "", "", true},
		{"Yes, mostly", "yes", "mostly", true},
		{"no - see notes", "no", "see notes", true},
		{"partially", "", "", false},
		{"nobody knows", "", "", false},
	}
	for _, c := range cases {
		a, extra, ok := parseAnswer(c.in)
		if a != c.answer || extra != c.extra || ok != c.ok {
			t.Errorf("parseAnswer(%q) = %q, %q, %v; want %q, %q, %v", c.in, a, extra, ok, c.answer, c.extra, c.ok)
		}
	}
}

// bundledSite is the site.yaml shipped in content/, with the rubric and
// the service catalogue the seeds use.
func bundledSite(t testing.TB) *siteconfig.Site {
	t.Helper()
	data := readFile(t, "../../../content/site.yaml")
	var diags diag.List
	site := siteconfig.Parse("content/site.yaml", data, &diags)
	if diags.Len() > 0 {
		t.Fatalf("content/site.yaml: %v", diags.All())
	}
	return site
}

func TestMatchQuestions(t *testing.T) {
	site := bundledSite(t)
	// Rewordings of the rubric's questions, in our words, of the kind wiki
	// scorecards drifted to over the years, each with the key it must match.
	cases := []struct{ question, key string }{
		{"Were this incident's responders different people from those of the last five incidents?", "responders_differ"},
		{"Were those who responded prepared well enough to respond?", "responders_prepared"},
		{"Were fewer than five people paged for it?", "few_paged"},
		{"Did pages reach the correct sub-team?", "pages_routed_correctly"},
		{"Did pages go to engineers online in business hours? Say no if anyone was paged after hours.", "pages_business_hours"},
		{`Was the status section at the top of the incident doc kept current while the incident ran?`, "status_doc_updated"},
		{"Was an entry posted on the public status page?", "public_status_posted"},
		{"Is there a tracking task for this incident?", "task_exists"},
		{"Have the documented action items been assigned?", "actionables_assigned"},
		{"Does this incident differ enough from earlier incidents not to count as a repeat occurrence?", "not_a_repeat"},
		{"As far as you know, was the open task queue free of tasks that would have prevented this incident? Say no if an open task would have prevented it.", "task_queue_clear"},
		{"Could the responders communicate effectively with the tooling that exists?", "communication_ok"},
		{"Did the existing monitoring notify the first responders?", "monitoring_notified"},
		{"Were the engineering tools the incident needed available and in service?", "tools_available"},
		{"Did an existing runbook guide the steps taken to mitigate?", "runbook_used"},
		{"Was the public status page updated?", "public_status_posted"},
		{"Did automated monitoring notify the first responders?", "monitoring_notified"},
	}
	for _, c := range cases {
		got := matchQuestions([]string{c.question}, site.Scorecard)
		m, ok := got[0]
		if !ok || m.key != c.key || m.inverted {
			t.Errorf("matchQuestions(%q) = %+v (matched %v), want key %s not inverted", c.question, m, ok, c.key)
		}
	}
	// The whole seed-style scorecard at once: every row to its own key.
	var questions []string
	for _, c := range cases[:15] {
		questions = append(questions, c.question)
	}
	got := matchQuestions(questions, site.Scorecard)
	for i, c := range cases[:15] {
		if got[i].key != c.key {
			t.Errorf("row %d %q matched %q, want %q", i, c.question, got[i].key, c.key)
		}
	}
	// Questions of no rubric: left unmatched.
	for _, q := range []string{
		"Was the coffee machine working?",
		"Total (the number of yes answers above)",
		"",
	} {
		if m, ok := matchQuestions([]string{q}, site.Scorecard)[0]; ok {
			t.Errorf("matchQuestions(%q) = %+v, want no match", q, m)
		}
	}
}

// TestRubricQuestionsAreApart checks what minSimilarity relies on: no two
// questions of the bundled rubric come near the threshold against each
// other, so a rewording cannot slide from one key to another.
func TestRubricQuestionsAreApart(t *testing.T) {
	site := bundledSite(t)
	for i, a := range site.Scorecard {
		for _, b := range site.Scorecard[i+1:] {
			if s := similarity(questionTokens(a.Question), questionTokens(b.Question)); s > minSimilarity-0.05 {
				t.Errorf("%s and %s have similarity %.2f, too near %.2f", a.Key, b.Key, s, minSimilarity)
			}
		}
	}
}

func TestRepeatPolarity(t *testing.T) {
	rubric := []siteconfig.Question{{Key: "not_a_repeat", Question: "Is this incident different enough from earlier ones not to count as a repeat occurrence?"}}
	cases := []struct {
		question string
		inverted bool
	}{
		// The wiki's wording asks the same way round as the rubric: an
		// answer of no means a repeat, and stays no.
		{"Is this incident distinct enough from earlier incidents not to be a repeat occurrence?", false},
		{"Is this incident different from earlier ones (not a repeat)?", false},
		// Asked the other way round: yes means a repeat, so it is inverted.
		{"Is this incident a repeat occurrence of an earlier one?", true},
	}
	for _, c := range cases {
		m, ok := matchQuestions([]string{c.question}, rubric)[0]
		if !ok || m.inverted != c.inverted {
			t.Errorf("%q: matched %v inverted %v, want matched, inverted %v", c.question, ok, m.inverted, c.inverted)
		}
	}
}

func TestGuessServices(t *testing.T) {
	site := bundledSite(t)
	cases := []struct {
		text string
		want []string
	}{
		{"Parsoid retried every request to the MW-API.", []string{"mediawiki-api", "parsoid"}},
		{"The db was overloaded; RESTBase kept retrying.", []string{"restbase", "mysql"}},
		{"revertrisk-la and revscoring-editquality-damaging failed", []string{"revertrisk", "revscoring-editquality-damaging"}},
		// Joined words are not whole words.
		{"the parsoid-related jobs, mw-api-ro.discovery.wmnet, dbx, sessionstore", nil},
		{"ORES.", []string{"ores"}},
		{"nothing here", nil},
	}
	for _, c := range cases {
		if got := guessServices(site, c.text); !reflect.DeepEqual(got, c.want) {
			t.Errorf("guessServices(%q) = %q, want %q", c.text, got, c.want)
		}
	}
	if got := guessServices(nil, "parsoid"); got != nil {
		t.Errorf("guessServices without a site = %q", got)
	}
}

func TestIDFromTitle(t *testing.T) {
	cases := []struct {
		title, id string
		ok        bool
	}{
		{"Incidents/2025-03-31 sessionstore unavailability", "2025-03-31 sessionstore unavailability", true},
		{"Incidents/2025-03-31_sessionstore_unavailability", "2025-03-31 sessionstore unavailability", true},
		{"Incident documentation/20190101-Name", "2019-01-01 Name", true},
		{"Incident documentation/20170621-Varnish_mailbox_lag", "2017-06-21 Varnish mailbox lag", true},
		{"2025-03-31 sessionstore unavailability", "2025-03-31 sessionstore unavailability", true},
		{"Incidents/2025-03-31  double  spaces ", "2025-03-31 double spaces", true},
		{"Incidents/2025-02-30 no such day", "", false},
		{"Incident documentation/20150423", "2015-04-23", true},
		{"Incidents/2025-03-31 sub/page", "2025-03-31 sub/page", true},
		{"Incidents/Sessionstore", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		id, ok := IDFromTitle(c.title)
		if id != c.id || ok != c.ok {
			t.Errorf("IDFromTitle(%q) = %q, %v; want %q, %v", c.title, id, ok, c.id, c.ok)
		}
	}
	if id, _ := IDFromTitle("Incidents/2025-03-31 " + strings.Repeat("x", 400)); len(id) > 200 {
		t.Errorf("IDFromTitle of a long title gave an id of %d characters", len(id))
	}
}
