package facts

import (
	"context"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// load makes an archive of report files, "name.md" → its text.
func load(t *testing.T, reports map[string]string) *archive.Archive {
	t.Helper()
	files := fstest.MapFS{"site.yaml": {Data: []byte("title: Test\ntask_url: https://tasks.example.org/{task}\n")}}
	for name, text := range reports {
		files["incidents/"+name] = &fstest.MapFile{Data: []byte(text)}
	}
	arc, diags, err := archive.Load(context.Background(), files, archive.Options{Label: "content"})
	if err != nil || diags.HasErrors() {
		t.Fatalf("Load: %v %v", err, diags.All())
	}
	return arc
}

func report(id, start, front, body string) string {
	return "---\nid: " + id + "\ntitle: Report " + id + "\nstart: " + start + "\n" + front + "---\n" + body
}

func compute(t *testing.T, arc *archive.Archive, opts Options) *Facts {
	t.Helper()
	f, err := Compute(context.Background(), arc, opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestMentionGraph: a report is referenced by those that name it in
// prose and those that list it in related or repeat_of, newest first and
// once each; a report that names itself does not reference itself, and a
// name inside code or a link's text is not a mention.
func TestMentionGraph(t *testing.T) {
	arc := load(t, map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "", "The first. 2024-01-01 a names itself.\n"),
		"b.md": report("2024-02-01 b", "2024-02-01", "related: [2024-01-01 a]\n", "Like 2024-01-01 a.\n"),
		"c.md": report("2024-03-01 c", "2024-03-01", "", "Unlike `2024-01-01 a` and [2024-02-01 b](https://x.example/).\n"),
		"d.md": report("2024-04-01 d", "2024-04-01", "repeat_of: [2024-02-01 b]\n", "After 2024-01-01 a and 2024-03-01 c.\n"),
	})
	f := compute(t, arc, Options{Root: "/archive/"})
	want := map[string][]string{
		"2024-04-01 d": nil,
		"2024-03-01 c": {"2024-04-01 d"},
		"2024-02-01 b": {"2024-04-01 d"},
		"2024-01-01 a": {"2024-04-01 d", "2024-02-01 b"},
	}
	for i, in := range arc.Incidents {
		var got []string
		for _, r := range f.ReferencedBy[i] {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, want[in.ID]) {
			t.Errorf("%s is referenced by %q, want %q", in.ID, got, want[in.ID])
		}
	}
	// The links the bodies got are the site's, under the root.
	if html, _, err := f.BodyPage(arc.Incidents[0]); err != nil || !strings.Contains(string(html), `href="/archive/incidents/2024-01-01-a/"`) {
		t.Errorf("d's body links elsewhere: %s (%v)", html, err)
	}
}

// TestRepeatsFromPlainText: detection reads the bodies' plain text, so a
// change of markup alone is no change to detection's input, and a change
// of words is one.
func TestRepeatsFromPlainText(t *testing.T) {
	body := func(words string) string {
		return "## Summary\n\nThe search cluster ran out of heap during a reindex. " + words + "\n"
	}
	front := "services: [search]\n"
	base := map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", front, body("Queries timed out.")),
		"b.md": report("2024-02-01 b", "2024-02-01", front, body("Queries timed out.")),
	}
	f := compute(t, load(t, base), Options{})
	if len(f.Repeats[0]) == 0 || !f.Repeats[0][0].Likely {
		t.Fatalf("b does not repeat a: %+v", f.Repeats)
	}
	for _, in := range f.RepeatInput() {
		if text := strings.Join(in.Text, "\n"); strings.Contains(text, "#") {
			t.Errorf("detection reads markup: %q", text)
		}
	}
	input := repeats.InputDigest(f.RepeatInput(), f.RepeatConfig)
	markup := map[string]string{
		"a.md": base["a.md"],
		"b.md": report("2024-02-01 b", "2024-02-01", front, body("*Queries* [timed out](https://x.example/).")),
	}
	g := compute(t, load(t, markup), Options{})
	if repeats.InputDigest(g.RepeatInput(), g.RepeatConfig) != input {
		t.Error("a change of markup alone changes detection's input")
	}
	words := map[string]string{
		"a.md": base["a.md"],
		"b.md": report("2024-02-01 b", "2024-02-01", front, body("Queries failed.")),
	}
	h := compute(t, load(t, words), Options{})
	if repeats.InputDigest(h.RepeatInput(), h.RepeatConfig) == input {
		t.Error("a change of words leaves detection's input alone")
	}
}

// TestGivenRepeats: repeat lists given are used as they are, for every
// consumer; lists that do not match the archive are refused.
func TestGivenRepeats(t *testing.T) {
	arc := load(t, map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "", "A.\n"),
		"b.md": report("2024-02-01 b", "2024-02-01", "", "B.\n"),
	})
	given := [][]repeats.Candidate{{{ID: "2024-01-01 a", Score: 0.9, Likely: true}}, nil}
	f := compute(t, arc, Options{Repeats: given, NoTrends: true})
	if !f.Recurrence.HasLikely(arc.Incidents[0]) || f.Trends != nil {
		t.Errorf("the given lists were not used, or trends were computed: %+v", f)
	}
	if _, err := Compute(context.Background(), arc, Options{Repeats: given[:1]}); err == nil {
		t.Error("one list for two reports was taken")
	}
}

// memoryBodies is a BodyCache in a map.
type memoryBodies struct {
	mu *sync.Mutex
	m  map[string]*markdown.Result
}

func newMemoryBodies() memoryBodies {
	return memoryBodies{mu: &sync.Mutex{}, m: map[string]*markdown.Result{}}
}

func (c memoryBodies) Get(key string) (*markdown.Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[key]
	return r, ok
}

func (c memoryBodies) Put(key string, r *markdown.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = r
}

// TestBodyCache: a body in the cache is not rendered again, and what the
// consumers do to a result (render drops its HTML) leaves the cache's
// alone; a change to what the bodies link with misses.
func TestBodyCache(t *testing.T) {
	arc := load(t, map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "", "Fixed in T1234.\n"),
	})
	cache := newMemoryBodies()
	f := compute(t, arc, Options{Bodies: cache})
	if len(cache.m) != 1 {
		t.Fatalf("%d bodies cached", len(cache.m))
	}
	f.Bodies[0].HTML = nil
	for _, r := range cache.m {
		if len(r.HTML) == 0 {
			t.Fatal("the cached body lost its HTML")
		}
		r.Plain.Rest = "from the cache"
	}
	if g := compute(t, arc, Options{Bodies: cache}); g.Bodies[0].Plain.Rest != "from the cache" {
		t.Errorf("the body was rendered again: %q", g.Bodies[0].Plain.Rest)
	}
	if g := compute(t, arc, Options{Bodies: cache, Root: "/archive/"}); g.Bodies[0].Plain.Rest != "Fixed in T1234." || len(cache.m) != 2 {
		t.Errorf("a body of another root came from the cache: %q", g.Bodies[0].Plain.Rest)
	}
}

// TestPosition: the lookups by report agree with the aligned slices.
func TestPosition(t *testing.T) {
	arc := load(t, map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "", "A.\n"),
		"b.md": report("2024-02-01 b", "2024-02-01", "", "B.\n"),
	})
	f := compute(t, arc, Options{})
	for i, in := range arc.Incidents {
		html, _, err := f.BodyPage(in)
		if j, ok := f.Position(in); !ok || j != i || err != nil || string(html) != string(f.Bodies[i].HTML) {
			t.Errorf("%s: position %d %v, want %d; body %q (%v)", in.ID, j, ok, i, html, err)
		}
	}
	stranger := &incident.Incident{}
	if _, ok := f.Position(stranger); ok {
		t.Error("a report not in the archive has a position")
	}
	// A report not in the archive has no body; report 0's must not
	// stand in for it.
	if html, _, err := f.BodyPage(stranger); err == nil || html != nil {
		t.Errorf("a report not in the archive has a body: %q %v", html, err)
	}
	if b, ok := f.PageBody(&archive.Page{}); ok || b != nil {
		t.Errorf("a page not in the archive has a body: %v %v", b, ok)
	}
}

// TestNoHTML: without the HTML, every other fact is the same.
func TestNoHTML(t *testing.T) {
	arc := load(t, map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "services: [x]\n", "## Summary\n\nThe cache tier timed out.\n"),
		"b.md": report("2024-02-01 b", "2024-02-01", "services: [x]\n", "## Summary\n\nThe cache tier timed out, as in 2024-01-01 a.\n"),
	})
	with := compute(t, arc, Options{})
	without := compute(t, arc, Options{NoHTML: true, Bodies: newMemoryBodies()})
	for i := range arc.Incidents {
		if without.Bodies[i].HTML != nil || with.Bodies[i].HTML == nil {
			t.Fatalf("%d: HTML %q with NoHTML", i, without.Bodies[i].HTML)
		}
		with.Bodies[i].HTML = nil
	}
	if !reflect.DeepEqual(with.Bodies, without.Bodies) || !reflect.DeepEqual(with.Repeats, without.Repeats) || !reflect.DeepEqual(with.ReferencedBy, without.ReferencedBy) {
		t.Error("the facts differ without the HTML")
	}
}

// TestBodyCacheByMentionedDate: a body depends on the reports whose ids
// begin with a date it names, and on no others. Adding a report of another
// date keeps it cached; adding one of a date it names renders it again,
// and the new mention links.
func TestBodyCacheByMentionedDate(t *testing.T) {
	base := map[string]string{
		"a.md": report("2024-01-01 a", "2024-01-01", "", "A cache tier timed out.\n"),
		"b.md": report("2024-02-01 b", "2024-02-01", "", "As in 2024-01-01 a, and before 2024-03-05 c.\n"),
	}
	cache := newMemoryBodies()
	compute(t, load(t, base), Options{Bodies: cache})
	for _, r := range cache.m {
		r.Plain.Rest = "from the cache"
	}
	with := func(name, id, day string) map[string]string {
		files := maps.Clone(base)
		files[name] = report(id, day, "", "Another report.\n")
		return files
	}
	for _, tt := range []struct {
		name      string
		files     map[string]string
		bCached   bool
		bMentions []string
	}{
		{"another date", with("d.md", "2024-04-09 d", "2024-04-09"), true, nil},
		{"a date b names", with("c.md", "2024-03-05 c", "2024-03-05"), false, []string{"2024-01-01 a", "2024-03-05 c"}},
		{"a longer id of a date b names", with("e.md", "2024-01-01 a-second", "2024-01-01"), false, []string{"2024-01-01 a"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			arc := load(t, tt.files)
			f := compute(t, arc, Options{Bodies: cache})
			for i, in := range arc.Incidents {
				if in.ID != "2024-02-01 b" {
					continue
				}
				b := f.Bodies[i]
				if cached := b.Plain.Rest == "from the cache"; cached != tt.bCached {
					t.Errorf("b's body from the cache: %v, want %v", cached, tt.bCached)
				}
				if !tt.bCached && !slices.Equal(b.Mentions, tt.bMentions) {
					t.Errorf("b mentions %q, want %q", b.Mentions, tt.bMentions)
				}
				if !tt.bCached && tt.name == "a date b names" && !strings.Contains(string(b.HTML), `href="/incidents/2024-03-05-c/"`) {
					t.Errorf("the new report is not linked: %s", b.HTML)
				}
			}
		})
	}
}
