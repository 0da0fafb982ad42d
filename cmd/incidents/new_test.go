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
	stdout, _ := checkRun(t, []string{"new", "-s", src, "--date", "2026-02-23", "ml-serve"}, 0, []string{want + "\n"}, nil)
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
	// A draft stays out of the site, and builds with --drafts.
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
		{name: "a name without letters", args: []string{"new", "-s", src, "--date", "2026-03-01", "!!!"}, code: 2, stderr: []string{`NAME "!!!" has no letters or digits a-z, 0-9`}},
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
