package importer

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func num(n int64) *int64 { return &n }

// fullReport has every field the writer writes, and values that need
// quoting in YAML and escaping in Markdown.
func fullReport() *Report {
	return &Report{
		ImportedFrom: "wiki: Incidents/2025-06-02 queue backlog @ 4411",
		SourceHash:   "src-1",
		ID:           "2025-06-02 queue backlog",
		Title:        `Job queue backlog: "refreshLinks" jobs piled up for hours`,
		Status:       "review",
		Task:         "T300100",
		Start:        at("2025-06-02 09:12"),
		End:          at("2025-06-02 13:40"),
		Detected:     at("2025-06-02 10:05"),
		Detection:    "human",
		Paged:        num(3),
		Responders:   []string{"Rosa Lind", "Omar Haddad", "yes"},
		Coordinators: []string{"Rosa Lind"},
		Services:     []string{"jobqueue", "mediawiki-api"},

		ServicesGuessed: true,
		Sites:           []string{"eqiad"},
		Impact:          "Edits took up to 4 hours to show in search and category pages; # of edits unknown.",
		Trigger:         "deploy",
		Causes:          []string{"retry-storm"},
		FailureMode:     "overload",
		Related:         []string{"2025-01-15 queue stall"},
		Actionables: []Actionable{
			{Title: "Cap the retries of refreshLinks jobs", Task: "T300101", Owner: "platform", Status: "open"},
			{Title: "Alert on queue age, not size"},
		},
		Scorecard: []Answer{
			{Key: "task_exists", Answer: "yes"},
			{Key: "few_paged", Answer: "yes"},
			{Key: "not_a_repeat", Answer: "no", Note: "the queue stalled the same way in January"},
		},
		Body: "## Summary\n\nThe job queue fell behind after a deploy.\n\n## Timeline\n\n- 09:12 the backlog starts growing\n",
		Unmapped: []Field{
			{Name: "paged-num", Value: "3 (batphone)"},
			{Name: "responders-num", Value: "5: *round one* Rosa, Omar\n1. then [[User:Kim]]"},
		},
		Warnings: []Warning{{Field: "paged-num", Kind: "value not understood", Message: `kept "3 (batphone)" as 3`}},
	}
}

// invalidReport has values the build refuses: an end before the start,
// an unknown status and detection, and no title.
func invalidReport() *Report {
	return &Report{
		ImportedFrom: "notes/2024-11-03-dns.md",
		SourceHash:   "src-2",
		ID:           "2024-11-03 dns",
		Status:       "finished",
		Start:        at("2024-11-03 14:00"),
		End:          at("2024-11-03 13:00"),
		Detection:    "pager",
		Task:         "see the ticket",
		Body:         "Resolvers returned SERVFAIL for an internal zone.\n",
	}
}

func sparseReport() *Report {
	return &Report{
		ImportedFrom: "wiki: Incident documentation/20190507-Cache purge @ 12",
		SourceHash:   "src-3",
		ID:           "2019-05-07 Cache purge",
		Title:        "Cache purge",
		Start:        at("2019-05-07 00:00"),
		Body:         "A purge of every page took the caches down.",
	}
}

func openWriter(t *testing.T, content string, opt Options) *Writer {
	t.Helper()
	opt.Content = content
	opt.Label = "content"
	if opt.Site == nil {
		opt.Site = siteconfig.Default()
	}
	w, err := NewWriter(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func write(t *testing.T, w *Writer, r *Report) Result {
	t.Helper()
	res, err := w.Write(r)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestWriteGolden writes three reports into an empty archive and
// compares the files with golden ones; each must parse without an error
// or a warning, as 'incidents check' reads it.
func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name   string
		report *Report
		path   string
		draft  bool
	}{
		{"full", fullReport(), "incidents/2025/2025-06-02-queue-backlog.md", false},
		{"draft", invalidReport(), "incidents/2024/2024-11-03-dns.md", true},
		{"sparse", sparseReport(), "incidents/2019/2019-05-07-cache-purge.md", false},
	}
	content := t.TempDir()
	w := openWriter(t, content, Options{Known: func(id string) bool { return id == "2025-01-15 queue stall" }})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := write(t, w, tt.report)
			if res.Outcome != New || res.Path != "content/"+tt.path || res.Draft != tt.draft {
				t.Fatalf("got %v %s draft=%v (%s), want new %s draft=%v", res.Outcome, res.Path, res.Draft, res.Reason, tt.path, tt.draft)
			}
			data := readFile(t, filepath.Join(content, tt.path))
			var d diag.List
			in := incident.Parse(tt.path, []byte(data), siteconfig.Default(), &d)
			if d.Len() > 0 || in == nil {
				t.Errorf("the written report has problems: %v", d.All())
			}
			if in != nil && in.ImportedFrom != tt.report.ImportedFrom {
				t.Errorf("imported_from = %q, want %q", in.ImportedFrom, tt.report.ImportedFrom)
			}
			if in != nil && (in.Status == incident.Draft) != tt.draft {
				t.Errorf("status %s, want draft=%v", in.Status, tt.draft)
			}
			testutil.Golden(t, filepath.Join("testdata", tt.name+".golden.md"), []byte(data), *update)
		})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestWriteFullFields checks that the full report reads back as it was
// given: the writer's quoting loses nothing.
func TestWriteFullFields(t *testing.T) {
	content := t.TempDir()
	w := openWriter(t, content, Options{Known: func(string) bool { return true }})
	r := fullReport()
	res := write(t, w, r)
	var d diag.List
	in := incident.Parse("r.md", []byte(readFile(t, filepath.Join(content, "incidents/2025/2025-06-02-queue-backlog.md"))), siteconfig.Default(), &d)
	if d.Len() > 0 {
		t.Fatalf("problems: %v", d.All())
	}
	checks := []struct{ name, got, want string }{
		{"title", in.Title, r.Title},
		{"impact", in.Impact, r.Impact},
		{"responders", strings.Join(in.Responders, "|"), strings.Join(r.Responders, "|")},
		{"start", in.Start.String(), r.Start.String()},
		{"end", in.End.String(), r.End.String()},
		{"paged", string(rune('0' + *in.Paged)), "3"},
		{"actionable", in.Actionables[0].Title + "/" + in.Actionables[0].Task + "/" + in.Actionables[1].Status, "Cap the retries of refreshLinks jobs/T300101/open"},
		{"note", in.Scorecard[2].Key + ": " + in.Scorecard[2].Answer + " " + in.Scorecard[2].Note, "not_a_repeat: no the queue stalled the same way in January"},
		{"status", string(in.Status), "review"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if res.Draft || len(res.Problems) > 0 {
		t.Errorf("a valid report became a draft: %v", res.Problems)
	}
}

// TestWriteDraftKeepsValues checks that a value the build refuses is
// kept in the body, named, and the problem listed at the top.
func TestWriteDraftKeepsValues(t *testing.T) {
	content := t.TempDir()
	w := openWriter(t, content, Options{})
	res := write(t, w, invalidReport())
	data := readFile(t, filepath.Join(content, "incidents/2024/2024-11-03-dns.md"))
	front, body, _ := strings.Cut(strings.TrimPrefix(data, "---\n"), "\n---\n")
	for _, want := range []string{"status: draft", "title: 2024-11-03 dns", "start: 2024-11-03 14:00:00"} {
		if !strings.Contains(front, want) {
			t.Errorf("front matter lacks %q:\n%s", want, front)
		}
	}
	for _, gone := range []string{"end:", "detection:", "task:"} {
		if strings.Contains(front, gone) {
			t.Errorf("front matter still has %q:\n%s", gone, front)
		}
	}
	for _, want := range []string{"> **Imported as a draft.**", "> - title: the source gives no title", "> - end: 2024-11-03 13:00 UTC is before start",
		"> - detection: \"pager\" is not one of", "> - status: \"finished\" is not one of", "- **end**: 2024-11-03 13:00:00", "- **detection**: pager", "- **status**: finished", "- **task**: see the ticket"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if !res.Draft || len(res.Problems) != 4 {
		t.Errorf("draft=%v problems %q, want a draft with 4 problems", res.Draft, res.Problems)
	}
	kinds := map[string]int{}
	for _, w := range res.Warnings {
		kinds[w.Kind]++
	}
	if kinds[KindDrafted] != 1 || kinds[KindMoved] != 1 {
		t.Errorf("warnings by kind %v, want one drafted and one moved (the task)", kinds)
	}
}

// TestReRun checks the state: a second import rewrites only what
// changed, never a file a person edited, deleted or wrote.
func TestReRun(t *testing.T) {
	content := t.TempDir()
	const a, b, c = "incidents/2025/2025-06-02-queue-backlog.md", "incidents/2024/2024-11-03-dns.md", "incidents/2019/2019-05-07-cache-purge.md"
	w := openWriter(t, content, Options{Known: func(string) bool { return true }})
	for _, r := range []*Report{fullReport(), invalidReport(), sparseReport()} {
		if res := write(t, w, r); res.Outcome != New {
			t.Fatalf("first run: %v %s", res.Outcome, res.Reason)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Mark the files' times, to see which are rewritten.
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, p := range []string{a, b, c} {
		if err := os.Chtimes(filepath.Join(content, p), old, old); err != nil {
			t.Fatal(err)
		}
	}
	handEdit := readFile(t, filepath.Join(content, b)) + "\nA person added this line.\n"
	testutil.WriteFiles(t, content, map[string]string{b: handEdit})
	if err := os.Remove(filepath.Join(content, c)); err != nil {
		t.Fatal(err)
	}

	changedA, changedB := fullReport(), invalidReport()
	changedA.Body += "- 13:40 the backlog is gone\n"
	changedA.SourceHash = "src-1b"
	changedB.Body += "More text in the source.\n"
	changedB.SourceHash = "src-2b"
	tests := []struct {
		name   string
		opt    Options
		report *Report
		want   Outcome
	}{
		{"unchanged source, dry run", Options{DryRun: true}, fullReport(), Unchanged},
		{"changed source, dry run", Options{DryRun: true}, changedA, Updated},
		{"edited by hand", Options{}, changedB, Edited},
		{"deleted by hand", Options{}, sparseReport(), Deleted},
		{"unchanged source", Options{}, fullReport(), Unchanged},
		{"changed source", Options{}, changedA, Updated},
		{"deleted, recreated when asked", Options{Recreate: true}, sparseReport(), New},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Known = func(string) bool { return true }
			w := openWriter(t, content, tt.opt)
			res := write(t, w, tt.report)
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if res.Outcome != tt.want {
				t.Errorf("outcome %v (%s), want %v", res.Outcome, res.Reason, tt.want)
			}
		})
	}
	if got := readFile(t, filepath.Join(content, b)); got != handEdit {
		t.Errorf("the hand-edited report was changed:\n%s", got)
	}
	if got := readFile(t, filepath.Join(content, a)); !strings.Contains(got, "13:40 the backlog is gone") {
		t.Errorf("the changed source was not rewritten:\n%s", got)
	}
	if _, err := os.Stat(filepath.Join(content, c)); err != nil {
		t.Errorf("--recreate did not write the deleted report again: %v", err)
	}
	st, err := readState(content)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 || st[a].SourceHash != "src-1b" || st[b].SourceHash != "src-2" {
		t.Errorf("state %+v", st)
	}
	if st[a].FileHash != fileHash([]byte(readFile(t, filepath.Join(content, a)))) {
		t.Errorf("the state does not hold the hash of the file as written")
	}
	// A dry run after all that changes nothing, the state neither.
	before := readFile(t, filepath.Join(content, StateFile))
	w = openWriter(t, content, Options{DryRun: true, Known: func(string) bool { return true }})
	changedA.Body += "- one more line\n"
	if res := write(t, w, changedA); res.Outcome != Updated {
		t.Errorf("dry run: %v", res.Outcome)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(readFile(t, filepath.Join(content, a)), "one more line") || readFile(t, filepath.Join(content, StateFile)) != before {
		t.Errorf("a dry run wrote")
	}
	info, err := os.Stat(filepath.Join(content, c))
	if err != nil || info.ModTime().Equal(old) {
		t.Errorf("recreated file should be new: %v", err)
	}
}

// TestUnchangedIsNotRewritten checks that a report whose source did not
// change keeps its file untouched (same modification time), and that a
// file the import made exactly, whose state entry was lost (an import
// interrupted before it saved its state), is taken back as the
// importer's.
func TestUnchangedIsNotRewritten(t *testing.T) {
	content := t.TempDir()
	w := openWriter(t, content, Options{})
	write(t, w, sparseReport())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(content, "incidents/2019/2019-05-07-cache-purge.md")
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(content, StateFile)); err != nil {
		t.Fatal(err)
	}
	w = openWriter(t, content, Options{})
	if res := write(t, w, sparseReport()); res.Outcome != Unchanged {
		t.Errorf("outcome %v (%s), want unchanged", res.Outcome, res.Reason)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(p); err != nil || !info.ModTime().Equal(old) {
		t.Errorf("an unchanged report was rewritten")
	}
	if st, err := readState(content); err != nil || len(st) != 1 {
		t.Errorf("the file was not taken back into the state: %v %v", st, err)
	}
}

// TestRefusals checks the reports the writer must not write: over a file
// it did not write, with another report's id or permalink, through a
// symbolic link, or without an id.
func TestRefusals(t *testing.T) {
	content := t.TempDir()
	foreign := "---\nid: 2019-05-07 Cache purge\ntitle: Written by a person\nstart: 2019-05-07\n---\nMine.\n"
	other := "---\nid: 2024-11-03 dns\ntitle: Another file, same id\nstart: 2024-11-03\n---\n"
	outside := t.TempDir()
	testutil.WriteFiles(t, content, map[string]string{
		"incidents/2019/2019-05-07-cache-purge.md": foreign,
		"incidents/2024/elsewhere.md":              other,
		"incidents/2021/same.md":                   "---\nid: 2021-02-02 same\ntitle: t\nstart: 2021-02-02\n---\n",
	})
	if err := os.Symlink(outside, filepath.Join(content, "incidents", "2023")); err != nil {
		t.Fatal(err)
	}
	w := openWriter(t, content, Options{})
	first := fullReport()
	dupID := fullReport()
	dupID.ImportedFrom = "wiki: Incidents/2025-06-02 Queue backlog @ 9"
	dupSlug := fullReport()
	dupSlug.ID = "2025-06-02 queue-backlog"
	dupSlug.ImportedFrom = "wiki: other"
	link := sparseReport()
	link.ID = "2023-04-04 through a link"
	slugTaken := sparseReport()
	slugTaken.ID = "2021-02-02 Same"
	tests := []struct {
		name   string
		report *Report
		want   Outcome
		reason string
	}{
		{"a person's file at the path", sparseReport(), Refused, "a file the importer did not write is in the way"},
		{"an id another file has", invalidReport(), Refused, `id "2024-11-03 dns" is already used by content/incidents/2024/elsewhere.md`},
		{"a permalink another file has", slugTaken, Refused, "gives the same permalink as content/incidents/2021/same.md"},
		{"first of two", first, New, ""},
		{"the same id twice in one import", dupID, Refused, "is also the id of wiki: Incidents/2025-06-02 queue backlog @ 4411"},
		{"the same permalink twice in one import", dupSlug, Refused, "gives the same file and permalink as"},
		{"a symbolic link on the way", link, Refused, "is a symbolic link"},
		{"no id", &Report{ImportedFrom: "wiki: Incidents/Index"}, Skipped, "gives no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := write(t, w, tt.report)
			if res.Outcome != tt.want || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("got %v %q, want %v %q", res.Outcome, res.Reason, tt.want, tt.reason)
			}
		})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, filepath.Join(content, "incidents/2019/2019-05-07-cache-purge.md")); got != foreign {
		t.Errorf("a person's file was overwritten:\n%s", got)
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Errorf("the writer wrote through a symbolic link: %v", entries)
	}
}

// TestRelatedMustExist checks that related and repeat_of keep only ids
// the archive will have, and keep the others in the body with a warning,
// and that scorecard keys outside the rubric are kept aside the same way.
func TestRelatedMustExist(t *testing.T) {
	content := t.TempDir()
	testutil.WriteFiles(t, content, map[string]string{
		"incidents/2020/old.md": "---\nid: 2020-01-01 old\ntitle: Old\nstart: 2020-01-01\n---\n",
	})
	w := openWriter(t, content, Options{})
	r := sparseReport()
	r.Related = []string{"2020-01-01 old", "2020-01-02 gone"}
	r.RepeatOf = []string{"2018-01-01 never"}
	r.Scorecard = []Answer{{Key: "few_paged", Answer: "yes"}, {Key: "was_it_fun", Answer: "no"}}
	res := write(t, w, r)
	data := readFile(t, filepath.Join(content, "incidents/2019/2019-05-07-cache-purge.md"))
	for _, want := range []string{"related: [2020-01-01 old]\n", "- **related**: 2020-01-02 gone", "- **repeat\\_of**: 2018-01-01 never", "- **scorecard: was\\_it\\_fun**: no", "scorecard:\n  few_paged: yes\n"} {
		if !strings.Contains(data, want) {
			t.Errorf("file lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(data, "repeat_of:") || res.Draft {
		t.Errorf("repeat_of kept, or made a draft:\n%s", data)
	}
	n := 0
	for _, w := range res.Warnings {
		if w.Kind == KindUnknownLink {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d warnings about unknown ids, want 2: %v", n, res.Warnings)
	}
}

func TestYAMLString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain words", "plain words"},
		{"2025-06-02 queue backlog", "2025-06-02 queue backlog"},
		{"yes", `"yes"`},
		{"No", `"No"`},
		{"12", `"12"`},
		{"2025-06-02", `"2025-06-02"`},
		{"a: b", `"a: b"`},
		{"# not a comment", `"# not a comment"`},
		{"tab\there", `"tab\there"`},
		{`say "hi"`, `"say \"hi\""`},
		{"Müller's DB", "Müller's DB"},
		{"trailing ", `"trailing "`},
		{"- list", `"- list"`},
	}
	for _, tt := range tests {
		if got := yamlString(tt.in); got != tt.want {
			t.Errorf("yamlString(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// A report the writer makes a draft keeps the status its source gives in
// the notice at its top when that status is one of the content model's:
// before, "final" (a wiki page without a status template) was listed
// under Imported metadata as a value "the import did not understand".
func TestDraftNamesSourceStatus(t *testing.T) {
	for _, status := range []string{"", "final", "review"} {
		content := t.TempDir()
		w := openWriter(t, content, Options{})
		write(t, w, &Report{ID: "2024-11-03 dns", Title: "DNS", Status: status, Body: "Text.\n"})
		data := readFile(t, filepath.Join(content, "incidents/2024/2024-11-03-dns.md"))
		if strings.Contains(data, "Imported metadata") || strings.Contains(data, "**status**") {
			t.Errorf("status %q: kept as not understood:\n%s", status, data)
		}
		says := strings.Contains(data, "(the source\n> says "+status+")")
		if (status != "") != says || !strings.Contains(data, "status: draft") {
			t.Errorf("status %q: the notice names it: %v\n%s", status, says, data)
		}
	}
}
