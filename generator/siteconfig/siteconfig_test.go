package siteconfig

import (
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
)

func TestParse(t *testing.T) {
	in := `title: Ops incidents
base_url: https://incidents.example.org/ops
task_url: https://tasks.example.org/{task}
unsafe_html: true
working_hours: {start: "08:00", end: "17:30", timezone: Europe/Berlin}
services:
  mediawiki-api: {team: serviceops, aliases: [mw-api, API-Appservers]}
  parsoid: {team: content}
causes:
  retry-storm: Clients retry on timeout.
scorecard:
  - {key: few_paged, group: People, question: Were fewer than five people paged?}
  - {key: runbook_used, group: Tooling, question: Was a runbook used?}
`
	var diags diag.List
	s := Parse("site.yaml", []byte(in), &diags)
	if diags.Len() > 0 {
		t.Fatalf("diagnostics: %v", diags.All())
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"title", s.Title, "Ops incidents"},
		{"unsafe", s.UnsafeHTML, true},
		{"hours", s.WorkingHours.Start + "-" + s.WorkingHours.End, "08:00-17:30"},
		{"zone", s.WorkingHours.Location.String(), "Europe/Berlin"},
		{"alias", s.CanonicalService("mw-api"), "mediawiki-api"},
		{"alias ignores case", s.CanonicalService("api-appservers"), "mediawiki-api"},
		{"name ignores case", s.CanonicalService("Parsoid"), "parsoid"},
		{"unknown kept", s.CanonicalService("elsewhere"), "elsewhere"},
		{"catalogued", s.InCatalogue("MW-API"), true},
		{"cause", Describe(s.Causes, "retry-storm"), "Clients retry on timeout."},
		{"rubric", strings.Join(s.ScorecardKeys(), ","), "few_paged,runbook_used"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"defaults without keys", "", nil},
		{"bad task url", "task_url: https://x/\n", []string{"site.yaml:1: task_url: must contain {task}"}},
		{"repeat thresholds out of range", "repeats: {likely: 1.5, similar: x}\n", []string{"site.yaml:1: repeats.likely: expected a score between 0 and 1", "site.yaml:1: repeats.similar: expected a score"}},
		{"similar above likely", "repeats:\n  likely: 0.3\n  similar: 0.4\n", []string{"site.yaml:1: repeats: similar (0.4) must not be above likely (0.3)"}},
		{"script task url", "task_url: \"javascript:alert(1)//{task}\"\n", []string{"site.yaml:1: task_url: \"javascript:alert(1)//{task}\" is not an http:// or https:// address"}},
		{"relative task url", "task_url: /tasks/{task}\n", []string{"site.yaml:1: task_url: \"/tasks/{task}\" is not an http"}},
		{"bad base url", "base_url: ftp://x/\n", []string{"site.yaml:1: base_url: base URL \"ftp://x/\" must use http or https"}},
		{"bad hours", "working_hours: {start: 9am, timezone: Mars/Olympus}\n", []string{
			"site.yaml:1: working_hours.start: expected a time of day",
			"site.yaml:1: working_hours.timezone: unknown time zone \"Mars/Olympus\"",
		}},
		{"unknown key", "titel: x\n", []string{"site.yaml:1: warning: titel: unknown key (did you mean \"title\"?)"}},
		{"alias clash", "services:\n  a: {aliases: [x]}\n  b: {aliases: [x, a]}\n", []string{
			"site.yaml:3: services.b.aliases: alias \"a\" is already the name or an alias of \"a\"",
			"site.yaml:3: services.b.aliases: alias \"x\" is already the name or an alias of \"a\"",
		}},
		{"scorecard without key", "scorecard:\n  - {group: People}\n  - {key: a}\n  - {key: a}\n", []string{
			"site.yaml:2: scorecard[1].key: every scorecard question needs a key",
			"site.yaml:4: scorecard[3].key: key \"a\" is already used by question 2",
		}},
		{"syntax", "title: [\n", []string{"site.yaml:1: the file is not valid YAML"}},
		{"bad host patterns", "services:\n  db:\n    hosts:\n      - db\\d+\n      - \"db[\"\n      - es(\n", []string{
			"site.yaml:5: services.db.hosts[2]: \"db[\" is not a regular expression: missing closing ]",
			"site.yaml:6: services.db.hosts[3]: \"es(\" is not a regular expression: missing closing )",
		}},
		{"host pattern too long", "services:\n  db: {hosts: " + strings.Repeat("a", 300) + "}\n", []string{
			"site.yaml:2: services.db.hosts[1]: a host pattern of 300 characters is too long",
		}},
		{"tracker", "tracker: {kind: jira, url: https://jira.example.org/, token_env: JIRA_TOKEN}\n", nil},
		{"tracker errors", "tracker:\n  kind: phabricater\n  url: ftp://x\n  token_env: \"abc def\"\n  project: x\n  tokn: y\n", []string{
			"site.yaml:2: tracker.kind: \"phabricater\" is not one of phabricator, jira, github (did you mean \"phabricator\"?)",
			"site.yaml:3: tracker.url: \"ftp://x\" is not an http:// or https:// address",
			"site.yaml:4: tracker.token_env: \"abc def\" is not an environment variable's name",
			"site.yaml:6: warning: tracker.tokn: unknown key",
		}},
		{"tracker without a kind", "tracker: {url: https://x.example.org}\n", []string{"site.yaml:1: tracker.kind: a tracker needs a kind"}},
		{"github repository", "tracker: {kind: github, project: just-a-name}\n", []string{"site.yaml:1: tracker.project: \"just-a-name\" is not a GitHub repository; write owner/repo"}},
		{"content model example", "scorecard:\n  - {key: few_paged, group: People, question: Were fewer than five people paged?}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.List
			s := Parse("site.yaml", []byte(tt.in), &diags)
			if s == nil || len(s.Scorecard) == 0 {
				t.Fatal("Parse must always return usable settings")
			}
			var got []string
			for _, d := range diags.All() {
				got = append(got, d.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("diagnostic %d = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	tests := map[string]string{
		"https://x.org":          "https://x.org/",
		"https://x.org/a":        "https://x.org/a/",
		"http://127.0.0.1:1313/": "http://127.0.0.1:1313/",
		"/":                      "/",
		"/archive":               "/archive/",
		"relative/":              "",
		"mailto:x@y":             "",
		"https://":               "",
	}
	for in, want := range tests {
		got, err := NormalizeBaseURL(in)
		if want == "" {
			if err == nil {
				t.Errorf("NormalizeBaseURL(%q) = %q, want an error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("NormalizeBaseURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestServiceOfHost(t *testing.T) {
	const yaml = `services:
  sessionstore:
    hosts: ['sessionstore\d+']
  lvs:
    hosts: ['lvs\d{4}', 'lb-[a-z]+\d*']
  db:
    hosts: 'db\d+|es\d+'
  catchall:
    hosts: ['.*store\d+']
  plain: {team: x}
`
	var diags diag.List
	s := Parse("site.yaml", []byte(yaml), &diags)
	if diags.HasErrors() || len(diags.All()) > 0 {
		t.Fatalf("diagnostics: %v", diags.All())
	}
	tests := []struct {
		host, want string
	}{
		{"sessionstore1001", "sessionstore"},
		{"SessionStore2003", "sessionstore"}, // case is ignored
		{"lvs1019", "lvs"},
		{"lvs101", ""},      // \d{4} wants four digits
		{"lb-edge7", "lvs"}, // a second pattern
		{"db2157", "db"},
		{"es1007", "db"}, // an alternation in one pattern
		{"xdb2157", ""},  // a pattern matches the whole name, not a part
		{"db2157x", ""},
		{"filestore4", "catchall"}, // sessionstore comes first only when it matches
		{"sessionstore", ""},       // both patterns want digits
		{"", ""},
	}
	for _, tt := range tests {
		got, ok := s.ServiceOfHost(tt.host)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("ServiceOfHost(%q) = %q, %v; want %q", tt.host, got, ok, tt.want)
		}
	}
	if got := s.Services[1].Hosts; len(got) != 2 || got[0] != `lvs\d{4}` {
		t.Errorf("lvs hosts as written = %q", got)
	}
}
