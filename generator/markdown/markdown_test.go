package markdown

import (
	"strings"
	"testing"
)

func newTestRenderer(unsafe bool) *Renderer {
	published := map[string]bool{"2026-02-23 ml-serve": true, "2026-02-23 ml-serve-eqiad": true, "2017-11-20 ores": true}
	return New(Options{
		UnsafeHTML:  unsafe,
		TaskURL:     func(task string) string { return "https://tasks.example/" + task },
		IncidentIDs: []string{"2026-02-23 ml-serve", "2026-02-23 ml-serve-eqiad", "2017-11-20 ores", "2020-01-01 draft", "plain words"},
		IncidentURL: func(id string) (string, bool) {
			return "/incidents/" + strings.ReplaceAll(id, " ", "-") + "/", published[id]
		},
	})
}

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		contains []string
		absent   []string
		mentions string
	}{
		{
			name:     "task ids become links",
			in:       "Filed as T418722, see also (T1234).",
			contains: []string{`<a href="https://tasks.example/T418722" class="task">T418722</a>,`, `(<a href="https://tasks.example/T1234" class="task">T1234</a>)`},
		},
		{
			name:   "task-like words are left alone",
			in:     "T12 is too short; AT418722 and T418722x are not task ids.",
			absent: []string{"<a"},
		},
		{
			name:     "incident ids in prose become links",
			in:       "This repeats 2017-11-20 ores and resembles 2026-02-23 ml-serve.",
			contains: []string{`<a href="/incidents/2017-11-20-ores/" class="incident-ref">2017-11-20 ores</a> and`, `<a href="/incidents/2026-02-23-ml-serve/" class="incident-ref">2026-02-23 ml-serve</a>.`},
			mentions: "2017-11-20 ores,2026-02-23 ml-serve",
		},
		{
			name:     "the longest id wins",
			in:       "See 2026-02-23 ml-serve-eqiad for the second cluster.",
			contains: []string{`>2026-02-23 ml-serve-eqiad</a> for`},
			mentions: "2026-02-23 ml-serve-eqiad",
		},
		{
			name:   "an id inside a longer word is not a mention",
			in:     "The 2026-02-23 ml-server host is unrelated.",
			absent: []string{"<a"},
		},
		{
			name:     "unpublished ids are mentioned but not linked",
			in:       "Compare 2020-01-01 draft.",
			absent:   []string{"<a"},
			mentions: "2020-01-01 draft",
		},
		{
			name:   "code and links are left alone",
			in:     "`T418722 and 2017-11-20 ores` and [T999999](https://x.example/) and\n\n    T418722 in a code block\n",
			absent: []string{"tasks.example", "/incidents/"},
		},
		{
			name:     "links keep their line breaks",
			in:       "first T418722\nsecond line",
			contains: []string{"T418722</a>\nsecond line"},
		},
		{
			name:     "raw html is shown, not run",
			in:       "Hello <script>alert(1)</script> world\n\n<div onclick=\"x()\">block</div>\n",
			contains: []string{"&lt;script&gt;alert(1)&lt;/script&gt;", `<pre class="raw-html"><code>&lt;div onclick=&#34;x()&#34;&gt;block&lt;/div&gt;`},
			absent:   []string{"<script>", "<div onclick"},
		},
		{
			name:   "javascript urls are dropped",
			in:     "[click](javascript:alert(1))",
			absent: []string{"javascript:"},
		},
		{
			name:     "gfm and footnotes",
			in:       "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ https://example.org\n\n- [x] done\n\nNote[^1].\n\n[^1]: The note.\n",
			contains: []string{"<table>", "<del>gone</del>", `<a href="https://example.org">`, `type="checkbox"`, `class="footnote-ref"`},
		},
		{
			name:     "headings get anchors",
			in:       "## What went well?\n\n## Timeline\n\n## Timeline\n",
			contains: []string{`<h2 id="what-went-well">`, `<h2 id="timeline">`, `<h2 id="timeline-1">`},
		},
	}
	r := newTestRenderer(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Render([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			html := string(res.HTML)
			for _, c := range tt.contains {
				if !strings.Contains(html, c) {
					t.Errorf("missing %q in:\n%s", c, html)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(html, a) {
					t.Errorf("unexpected %q in:\n%s", a, html)
				}
			}
			if got := strings.Join(res.Mentions, ","); got != tt.mentions {
				t.Errorf("mentions = %q, want %q", got, tt.mentions)
			}
		})
	}
}

func TestReservedIDs(t *testing.T) {
	r := New(Options{ReservedIDs: []string{"scorecard", "main"}})
	res, err := r.Render([]byte("## Scorecard\n\n## Main\n\n## Timeline\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<h2 id="scorecard-1">`, `<h2 id="main-1">`, `<h2 id="timeline">`} {
		if !strings.Contains(string(res.HTML), want) {
			t.Errorf("missing %s in %s", want, res.HTML)
		}
	}
}

func TestRenderUnsafeHTML(t *testing.T) {
	res, err := newTestRenderer(true).Render([]byte("a <kbd>Ctrl</kbd> b\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(res.HTML), "<kbd>Ctrl</kbd>") {
		t.Errorf("unsafe_html must pass raw HTML through: %s", res.HTML)
	}
}

func TestTOC(t *testing.T) {
	res, err := newTestRenderer(false).Render([]byte("# Title\n\n## Summary\n\n### What went *well*?\n\n#### Deep\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range res.TOC {
		got = append(got, h.ID+"="+h.Text)
	}
	if want := "summary=Summary|what-went-well=What went well?"; strings.Join(got, "|") != want {
		t.Errorf("TOC = %q, want %q", strings.Join(got, "|"), want)
	}
	if !res.Anchors["deep"] || !res.Anchors["title"] {
		t.Errorf("anchors = %v", res.Anchors)
	}
}

func TestRenderConcurrently(t *testing.T) {
	r := newTestRenderer(false)
	done := make(chan string, 8)
	for i := 0; i < 8; i++ {
		go func() {
			res, err := r.Render([]byte("See 2017-11-20 ores and T1234.\n"))
			if err != nil {
				done <- err.Error()
				return
			}
			done <- string(res.HTML)
		}()
	}
	first := <-done
	for i := 1; i < 8; i++ {
		if got := <-done; got != first {
			t.Fatalf("concurrent renders differ:\n%s\n%s", first, got)
		}
	}
}
