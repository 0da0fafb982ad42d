package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestNewThenCheck creates a report from the built-in template and checks
// it: the build accepts it, and check finds only what the template leaves
// to fill in.
func TestNewThenCheck(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/site.yaml":      "title: T\nbase_url: https://x.example/\nservices:\n  api: {}\n",
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\nBody\n",
	})
	src := filepath.Join(dir, "content")
	want := filepath.Join(src, "incidents", "2026", "2026-02-23-ml-serve.md")
	// The path alone on stdout, and the next step on stderr.
	stdout, _ := checkRun(t, []string{"new", "-s", src, "--date", "2026-02-23", "ml-serve"}, 0, []string{want + "\n"},
		[]string{"next: edit it, then incidents check -s " + src + " " + want + "\n"})
	if stdout != want+"\n" {
		t.Errorf("new printed %q, want the path alone", stdout)
	}
	stdout, stderr := checkRun(t, []string{"check", "-s", src, want}, 0, nil, []string{"13 warnings in 1 report.\n"})
	expected := regexp.MustCompile(`^` + regexp.QuoteMeta(filepath.ToSlash(want)) + `:[0-9]+: warning: (title: still holds template text \(TODO\)|impact: still holds template text \(TODO\)|template text left in place \(TODO\)|the Timeline has no times): `)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	for _, l := range lines {
		if !expected.MatchString(l) {
			t.Errorf("unexpected problem in the new report: %s", l)
		}
	}
	if len(lines) != 13 || !strings.Contains(stdout, "the Timeline has no times") || !strings.Contains(stdout, "warning: title:") {
		t.Errorf("want the 13 template warnings, got:\n%s\n%s", stdout, stderr)
	}
	// A draft stays out of the site, and is counted; it builds with
	// --drafts, and the build then counts its 13 warnings in one line.
	checkRun(t, []string{"build", "--no-search-index", "-s", src, "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")}, 0,
		[]string{"Built 1 report (1 draft left out: --drafts to include it) into "}, nil)
	checkRun(t, []string{"build", "--drafts", "--no-search-index", "-s", src, "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")}, 0,
		nil, []string{"13 warnings in 1 report; incidents check -s " + src + " for the list\n"})
	checkRun(t, []string{"build", "--drafts", "--no-search-index", "-s", src, "-d", filepath.Join(dir, "public"), "--cache-dir", filepath.Join(dir, ".cache")}, 0, []string{"Built 2 reports"}, nil)
	if _, err := os.Stat(filepath.Join(dir, "public", "incidents", "2026-02-23-ml-serve", "index.html")); err != nil {
		t.Errorf("the new report's page was not built: %v", err)
	}
}

func TestNew(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/incidents/old.md": "---\nid: 2026-01-01 a\ntitle: A\nstart: 2026-01-01\n---\n",
		"custom/site.yaml":         "scorecard:\n  - {key: ok, group: G, question: All good?}\n",
		"custom/incidents/.keep":   "",
		"custom/templates/incident.md": "---\nid: {{ id }}\ntitle: {{title}}\nstart: {{date}} 00:00\nstatus: draft\nscorecard:\n{{scorecard}}\n---\n" +
			"# {{name}} ({{slug}}, {{year}}) by {{owner}}\n",
		"bad/templates/incident.md": "---\ntitle: {{title}}\n---\n",
		"bad/incidents/.keep":       "",
	})
	src := filepath.Join(dir, "content")
	existing := filepath.Join(src, "incidents", "2026", "2026-03-01-db.md")
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr []string
	}{
		{name: "no name", args: []string{"new", "-s", src}, code: 2, stderr: []string{"give one NAME"}},
		{name: "two names", args: []string{"new", "-s", src, "a", "b"}, code: 2, stderr: []string{"give one NAME"}},
		{name: "a name without letters", args: []string{"new", "-s", src, "--date", "2026-03-01", "!!!"}, code: 2, stderr: []string{`NAME "!!!" has no letter or digit to name the file after`}},
		{name: "a name in another script", args: []string{"new", "-s", src, "--date", "2026-03-01", "データベース"}, code: 0,
			stdout: []string{filepath.Join(src, "incidents", "2026", "2026-03-01-データベース.md")}},
		{name: "a bad date", args: []string{"new", "-s", src, "--date", "1 March", "db"}, code: 2, stderr: []string{`--date "1 March" is not a day: use YYYY-MM-DD`}},
		{name: "no content folder", args: []string{"new", "-s", filepath.Join(dir, "nope"), "db"}, code: 1, stderr: []string{"does not exist"}},
		{name: "created", args: []string{"new", "-s", src, "--date", "2026-03-01", "--title", "DB: full disk", "DB"}, code: 0, stdout: []string{existing}},
		{name: "refuses to overwrite", args: []string{"new", "-s", src, "--date", "2026-03-01", "db"}, code: 1, stderr: []string{"2026-03-01-db.md already exists"}},
		{name: "a template that makes a broken report", args: []string{"new", "-s", filepath.Join(dir, "bad"), "--date", "2026-03-01", "db"}, code: 1,
			stderr: []string{"id: required field is missing", "2026-03-01-db.md was not created: the report made from the template " + filepath.Join(dir, "bad", "templates", "incident.md") + " would not build (see above); fix the template, or the --title or NAME given"}},
		{name: "a title the build would reject", args: []string{"new", "-s", src, "--date", "2026-03-02", "--title", strings.Repeat("x", 301), "db"}, code: 1,
			stderr: []string{"title: is 301 characters long", "2026-03-02-db.md was not created: the report made from the built-in template would not build (see above); fix the --title or NAME given\n"}},
		{name: "a title with a control character", args: []string{"new", "-s", src, "--date", "2026-03-02", "--title", "a\x1b[2Jb", "db"}, code: 2,
			stderr: []string{"--title contains the control character U+001B; remove it"}},
		{name: "help", args: []string{"help", "new"}, code: 0, stdout: []string{"Usage: incidents new", "--date", "--title", "{{scorecard}}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkRun(t, tt.args, tt.code, tt.stdout, tt.stderr) })
	}
	data, err := os.ReadFile(existing)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `title: "DB: full disk"`) {
		t.Errorf("the report lacks its title, or lost it when new was run again:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad", "incidents", "2026")); err == nil {
		t.Error("a broken report's folder was created")
	}

	t.Run("a team's template", func(t *testing.T) {
		custom := filepath.Join(dir, "custom")
		p := filepath.Join(custom, "incidents", "2026", "2026-03-01-db.md")
		checkRun(t, []string{"new", "-s", custom, "--date", "2026-03-01", "db"}, 0, []string{p}, []string{"unknown placeholder {{owner}} left as it is"})
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := "---\nid: 2026-03-01 db\ntitle: \"TODO: what failed, and for whom, in one line\"\nstart: 2026-03-01 00:00\nstatus: draft\nscorecard:\n  ok:  # All good?\n---\n# db (2026-03-01-db, 2026) by {{owner}}\n"
		if string(data) != want {
			t.Errorf("got\n%s\nwant\n%s", data, want)
		}
		checkRun(t, []string{"check", "-s", custom, p}, 0, []string{"warning: title: still holds template text (TODO)", "template text left in place ({{owner}})"}, nil)
	})
}

// TestNewRefusesATakenID: new writes nothing when another report already
// has the new report's id, or an id that gives the same permalink, and
// says which file and line hold it; the build would otherwise refuse the
// pair, naming the older file. Drafts keep their ids too.
func TestNewRefusesATakenID(t *testing.T) {
	dir := writeContent(t, map[string]string{
		"content/incidents/2025/moved.md":  "---\nid: 2026-03-05 foo\ntitle: Filed under another name\nstart: 2026-03-05\n---\n",
		"content/incidents/loud.md":        "---\nid: 2026-03-06 Foo!\ntitle: Same permalink\nstart: 2026-03-06\n---\n",
		"content/incidents/wip/draft.md":   "---\nstatus: draft\nid: 2026-03-07 foo\ntitle: A draft\nstart: 2026-03-07\n---\n",
		"content/incidents/2026/broken.md": "---\nid: 2026-03-08 other\ntitle: Broken elsewhere\nstart: someday\n---\n",
		"fresh/site.yaml":                  "title: T\n",
	})
	src := filepath.Join(dir, "content")
	slash := filepath.ToSlash(src)
	tests := []struct {
		name, date string
		taken      string // the existing file and line named; "" when new may write
	}{
		{"the same id in a file of another name", "2026-03-05", slash + "/incidents/2025/moved.md:2"},
		{"an id giving the same permalink", "2026-03-06", slash + "/incidents/loud.md:2"},
		{"the id of a draft", "2026-03-07", slash + "/incidents/wip/draft.md:3"},
		{"a new id, beside a report with other errors", "2026-03-08", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dest := filepath.Join(src, "incidents", tt.date[:4], tt.date+"-foo.md")
			if tt.taken == "" {
				checkRun(t, []string{"new", "-s", src, "--date", tt.date, "foo"}, 0, []string{dest}, nil)
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("the report was not written: %v", err)
				}
				return
			}
			checkRun(t, []string{"new", "-s", src, "--date", tt.date, "foo"}, 1, nil, []string{
				filepath.ToSlash(dest) + ":", ": id: ", tt.taken,
				dest + " was not created: another report has its id or permalink (see above)",
			})
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("%s was written", dest)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(src, "incidents", "2026", "2026-03-05-foo.md")); err == nil {
		t.Error("a refused report was written")
	}
	t.Run("an archive without reports yet", func(t *testing.T) {
		fresh := filepath.Join(dir, "fresh")
		checkRun(t, []string{"new", "-s", fresh, "--date", "2026-03-05", "foo"}, 0, []string{filepath.Join(fresh, "incidents", "2026", "2026-03-05-foo.md")}, nil)
	})
}
