package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator"
	"github.com/incidents-archive/incidents/generator/facts"
	"github.com/incidents-archive/incidents/generator/repeats"
	"github.com/incidents-archive/incidents/generator/testutil"
)

func TestRepeatsCommand(t *testing.T) {
	const leak = "Pods leaked memory after the release and were OOM-killed; the canary did not catch it.\n"
	dir := writeContent(t, map[string]string{
		"content/incidents/a.md": "---\nid: 2026-01-01 a\ntitle: Memory leak in mediawiki\nstart: 2026-01-01\nservices: [mediawiki]\n---\n" + leak,
		"content/incidents/b.md": "---\nid: 2026-02-01 b\ntitle: Disk full on the database host\nstart: 2026-02-01\nservices: [mysql]\n---\nLogs filled the disk of the primary.\n",
		"drafts/c.md":            "---\nid: 2026-03-01 c\ntitle: Mediawiki pods leaking memory again\nstart: 2026-03-01\nservices: [mediawiki]\n---\n" + leak,
		"drafts/e.md":            "---\nid: 2026-03-01 e\ntitle: Mediawiki pods leaking memory again\nstart: 2026-03-01\nservices: [mediawiki]\nrepeat_of: [2026-01-01 a]\n---\n" + leak,
		"drafts/d.md":            "---\nid: 2026-03-02 d\ntitle: Certificates expired at midnight\nstart: 2026-03-02\nservices: [varnish]\n---\nThe automation missed the renewal.\n",
		"drafts/bad.md":          "---\nid: 2026-03-03 bad\nstart: someday\n---\n",
	})
	src := filepath.Join(dir, "content")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"a draft that repeats a report", []string{"repeats", "-s", src, filepath.Join(dir, "drafts", "c.md")}, 3,
			[]string{"2026-03-01 c  Mediawiki pods leaking memory again", "likely repeat  2026-01-01  Memory leak in mediawiki", "the same one failed", "record it in repeat_of"}, nil},
		// Recorded in repeat_of: the second look has been had, as check
		// sees it too; the likely repeat is still shown.
		{"a draft that records its repeat", []string{"repeats", "-s", src, filepath.Join(dir, "drafts", "e.md")}, 0,
			[]string{"likely repeat  2026-01-01  Memory leak in mediawiki"}, nil},
		{"a draft unlike anything", []string{"repeats", "-s", src, filepath.Join(dir, "drafts", "d.md")}, 0,
			[]string{"nothing in the archive looks like this failure"}, nil},
		{"an id", []string{"repeats", "-s", src, "2026-02-01 b"}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		// The report as the site names it: its slug, its page's URL path
		// (under any site path), its page's URL.
		{"a slug", []string{"repeats", "-s", src, "2026-02-01-b"}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		{"a URL path", []string{"repeats", "-s", src, "/incidents/2026-02-01-b/"}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		{"a URL path without the slash", []string{"repeats", "-s", src, "/archive/incidents/2026-02-01-b"}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		{"a page URL", []string{"repeats", "-s", src, "https://incidents.example.org/incidents/2026-02-01-b/"}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		// A report file of the archive, from here or from the content folder.
		{"a file of the archive", []string{"repeats", "-s", src, filepath.Join(src, "incidents", "b.md")}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		{"a file from the content folder", []string{"repeats", "-s", src, filepath.Join("incidents", "b.md")}, 0, []string{"2026-02-01 b  Disk full"}, nil},
		{"an unknown slug", []string{"repeats", "-s", src, "/incidents/2026-02-01-bb/"}, 1, nil, []string{`no report file, report id or slug "/incidents/2026-02-01-bb/"`}},
		{"json", []string{"repeats", "--json", "-s", src, filepath.Join(dir, "drafts", "c.md")}, 3,
			[]string{`"likely_repeat": true`, `"id": "2026-01-01 a"`, `"explanation": "score`}, nil},
		{"an unknown id", []string{"repeats", "-s", src, "2026-02-01 bb"}, 1, nil, []string{`no report file, report id or slug "2026-02-01 bb"`, `did you mean "2026-02-01 b"`}},
		{"a draft with errors", []string{"repeats", "-s", src, filepath.Join(dir, "drafts", "bad.md")}, 1, nil, []string{"bad.md:3: start", "has errors"}},
		{"no argument", []string{"repeats", "-s", src}, 2, nil, []string{"give one report file or id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _ := checkRun(t, tt.args, tt.code, tt.stdout, tt.stderr)
			if strings.Contains(tt.name, "json") && !json.Valid([]byte(stdout)) {
				t.Errorf("not JSON: %s", stdout)
			}
		})
	}
}

// TestRepeatsCommandReadsTheFacts: what incidents repeats says of each
// report of an archive is what the analysis stage found for it, as the
// report's page and incidents check show it.
func TestRepeatsCommandReadsTheFacts(t *testing.T) {
	src := testutil.SyntheticArchive(t, t.TempDir(), 30, 7)
	ctx := context.Background()
	arc, diags, err := generator.Load(ctx, generator.Config{Source: src})
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	f, err := facts.Compute(ctx, arc, facts.Options{})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i, in := range arc.Incidents {
		var out, errOut bytes.Buffer
		if code := run(ctx, []string{"repeats", "--json", "-s", src, in.ID}, &out, &errOut); code != 0 && code != exitLikelyRepeat {
			t.Fatalf("%s: exit %d: %s", in.ID, code, errOut.String())
		}
		var got struct {
			Candidates []repeats.Candidate `json:"candidates"`
		}
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got.Candidates)
		w, _ := json.Marshal(append([]repeats.Candidate{}, f.Repeats[i]...))
		if !bytes.Equal(g, w) {
			t.Errorf("%s: incidents repeats says\n%s\nthe facts\n%s", in.ID, g, w)
		}
		found += len(f.Repeats[i])
	}
	if found == 0 {
		t.Fatal("no report has a repeat to compare")
	}
}
