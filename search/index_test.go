package search

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

func date(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// testDocs is a small archive: three reports about different services.
func testDocs() []Document {
	return []Document{
		{ID: "2024-03-01 parsoid", Title: "Parsoid overload after a deploy", URL: "incidents/2024-03-01-parsoid/", Start: date("2024-03-01"), Year: 2024, Status: "final",
			Services: []string{"parsoid", "restbase"}, Causes: []string{"retry-storm"}, Sites: []string{"eqiad"},
			Impact: "Page saves failed for 40 minutes.", Summary: "Clients retried without backoff and the parsers fell over.", Body: "Timeline\n10:00 deploy of the new parser cache\n10:05 alerts for saves"},
		{ID: "2023-06-10 ores", Title: "ORES scoring latency", URL: "incidents/2023-06-10-ores/", Start: date("2023-06-10"), Year: 2023, Status: "final",
			Services: []string{"ores"}, Causes: []string{"capacity"}, Sites: []string{"codfw"},
			Impact: "Scores from db1001.eqiad ran late on ores-web1001.eqiad.wmnet.", Summary: "Scoring requests queued for an hour.", Body: "The celery workers ran out of memory. A retry loop in a client made it worse."},
		{ID: "2022-01-05 api", Title: "API errors during a database switchover", URL: "incidents/2022-01-05-api/", Start: date("2022-01-05"), Year: 2022, Status: "review",
			Services: []string{"mediawiki-api"}, Causes: []string{"database"}, Sites: []string{"eqiad", "codfw"},
			Summary: "Writes failed while the primary database was switched.", Body: "Parsoid was not affected."},
	}
}

func memIndex(t *testing.T, docs []Document) *Index {
	t.Helper()
	x, err := newMemIndex(docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func ids(r *Response) string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return strings.Join(out, ", ")
}

func TestSearch(t *testing.T) {
	x := memIndex(t, testDocs())
	tests := []struct {
		name string
		req  Request
		want string // ids in order
	}{
		{"a word anywhere", Request{Query: "retry"}, "2024-03-01 parsoid, 2023-06-10 ores"},
		{"stemmed", Request{Query: "retries"}, "2024-03-01 parsoid, 2023-06-10 ores"},
		{"a title match ranks first", Request{Query: "parsoid"}, "2024-03-01 parsoid, 2022-01-05 api"},
		{"a service, exactly", Request{Query: "services:parsoid"}, "2024-03-01 parsoid"},
		{"singular field name", Request{Query: "service:ores"}, "2023-06-10 ores"},
		{"required and excluded", Request{Query: "+retry -ores"}, "2024-03-01 parsoid"},
		{"a phrase", Request{Query: `"database switchover"`}, "2022-01-05 api"},
		{"a date range", Request{Query: `start:>"2023-01-01"`, Sort: SortOldest}, "2023-06-10 ores, 2024-03-01 parsoid"},
		{"a site filter", Request{Sites: []string{"codfw"}, Sort: SortNewest}, "2023-06-10 ores, 2022-01-05 api"},
		{"two filters", Request{Sites: []string{"eqiad"}, Causes: []string{"database"}}, "2022-01-05 api"},
		{"a year filter", Request{Year: 2023}, "2023-06-10 ores"},
		{"since and until", Request{Since: date("2022-06-01"), Until: date("2024-01-01")}, "2023-06-10 ores"},
		{"everything, newest first", Request{Sort: SortNewest}, "2024-03-01 parsoid, 2023-06-10 ores, 2022-01-05 api"},
		{"oldest first", Request{Query: "*", Sort: SortOldest}, "2022-01-05 api, 2023-06-10 ores, 2024-03-01 parsoid"},
		{"a bare number is a word", Request{Query: "40"}, "2024-03-01 parsoid"},
		{"paging", Request{Sort: SortNewest, Size: 1, Page: 2}, "2023-06-10 ores"},
		{"no hits", Request{Query: "kubernetes"}, ""},
		{"a hyphenated name is one thing", Request{Query: "mediawiki-api"}, "2022-01-05 api"},
		{"a name is searched as written", Request{Query: "parser-cache"}, ""},
		{"its words apart are a phrase", Request{Query: `"parser cache"`}, "2024-03-01 parsoid"},
		{"not two words anywhere", Request{Query: "cache-parser"}, ""},
		{"a name in the text", Request{Query: "db1001.eqiad"}, "2023-06-10 ores"},
		{"a name in one field", Request{Query: "impact:db1001.eqiad"}, "2023-06-10 ores"},
		{"not in another", Request{Query: "title:db1001.eqiad"}, ""},
		{"a phrase holding a name", Request{Query: `"db1001.eqiad ran"`}, "2023-06-10 ores"},
		{"the name's words, hyphenated or not", Request{Query: `"db1001 eqiad"`}, "2023-06-10 ores"},
		{"the names a prefix begins", Request{Query: "db1001.eq*"}, "2023-06-10 ores"},
		{"a name inside a longer one", Request{Query: "ores-web1001"}, "2023-06-10 ores"},
		{"a name with a sentence's full stop", Request{Query: "ores-web1001."}, "2023-06-10 ores"},
		{"a name, fuzzy", Request{Query: "ores-web1002~1"}, "2023-06-10 ores"},
		{"a name, fuzzy, is not its words", Request{Query: "parsoid-x~1"}, ""},
		{"a name as a service", Request{Query: "MediaWiki-API"}, "2022-01-05 api"},
		{"a word as a service the text never names", Request{Query: "restbase"}, "2024-03-01 parsoid"},
		{"a name as a cause", Request{Query: "retry-storm"}, "2024-03-01 parsoid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := x.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(res); got != tt.want {
				t.Errorf("hits %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSearchErrors(t *testing.T) {
	x := memIndex(t, testDocs())
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"malformed", Request{Query: `title:"unclosed`}, "cannot read the query"},
		{"unknown field", Request{Query: "colour:red"}, `there is no field "colour"`},
		{"too long", Request{Query: strings.Repeat("a", MaxQueryLength+1)}, "the limit is 512"},
		{"size", Request{Size: MaxSize + 1}, "size must be between 1 and 100"},
		{"sort", Request{Sort: "random"}, "sort must be relevance, newest or oldest"},
		{"deep page", Request{Page: 1000}, "page must be between"},
		{"fuzzier than bleve allows", Request{Query: "B~070"}, "the most is 2"},
		{"fuzzier in a field", Request{Query: "title:retry~3"}, "the most is 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(context.Background(), tt.req)
			var qe *QueryError
			if !errors.As(err, &qe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a QueryError containing %q", err, tt.want)
			}
		})
	}
}

func TestFacetsAndSnippets(t *testing.T) {
	x := memIndex(t, testDocs())
	res, err := x.Search(context.Background(), Request{Query: "retry"})
	if err != nil {
		t.Fatal(err)
	}
	facets := fmt.Sprint(res.Facets["services"], res.Facets["years"])
	if facets != "[{ores 1} {parsoid 1} {restbase 1}] [{2024 1} {2023 1}]" {
		t.Errorf("facets = %s", facets)
	}
	h := res.Hits[0]
	if h.Title != "Parsoid overload after a deploy" || h.URL != "/incidents/2024-03-01-parsoid/" || !h.Start.Equal(date("2024-03-01")) ||
		!slices.Equal(h.Services, []string{"parsoid", "restbase"}) {
		t.Errorf("hit = %+v", h)
	}
	if h.Snippet != "Clients <mark>retried</mark> without backoff and the parsers fell over." {
		t.Errorf("snippet = %q", h.Snippet)
	}
	if got := res.Hits[1].Snippet; got != "The celery workers ran out of memory. A <mark>retry</mark> loop in a client made it worse." {
		t.Errorf("second snippet = %q", got)
	}
	if got := res.Hits[1].Passage.Text("[", "]"); !strings.Contains(got, "A [retry] loop") {
		t.Errorf("passage = %q", got)
	}
}

// TestExcludedWordsAreNotMarked: a word the query excludes is no match,
// even where a hit's text holds it.
func TestExcludedWordsAreNotMarked(t *testing.T) {
	x := memIndex(t, testDocs())
	res, err := x.Search(context.Background(), Request{Query: "database -services:parsoid"})
	if err != nil {
		t.Fatal(err)
	}
	if ids(res) != "2022-01-05 api" {
		t.Fatalf("hits = %s", ids(res))
	}
	got := strings.Join(res.Hits[0].Fragments, " | ")
	if !strings.Contains(got, "<mark>database</mark>") || strings.Contains(got, "<mark>Parsoid</mark>") {
		t.Errorf("fragments = %s", got)
	}
}

func TestSnippetEscapesAndCuts(t *testing.T) {
	long := strings.Repeat("word ", 60) + "an <b>overload</b> happened " + strings.Repeat("more ", 60)
	x := memIndex(t, []Document{{ID: "long", Title: "A long one", URL: "incidents/long/", Start: date("2024-01-01"), Year: 2024, Body: long}})
	res, err := x.Search(context.Background(), Request{Query: "overloads"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search: %v, %v", res, err)
	}
	got := res.Hits[0].Snippet
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") || !strings.Contains(got, "&lt;b&gt;<mark>overload</mark>&lt;/b&gt;") {
		t.Errorf("passage = %q", got)
	}
	if len(got) > 2*passageWidth {
		t.Errorf("passage of %d bytes", len(got))
	}
}

func TestPassagesIgnoreSpansOutsideTheText(t *testing.T) {
	text := "short text"
	for _, spans := range [][]span{{{5, 99}}, {{-1, 3}}, {{4, 4}}} {
		ps := passages([]string{text}, [][]span{spans}, 3)
		if len(ps) != 1 || ps[0].HTML() != "short text" {
			t.Errorf("%v: passages = %v", spans, ps)
		}
	}
}

// manyWords is an archive with more distinct words than a wildcard may
// expand to.
func manyWords() []Document {
	var body strings.Builder
	for i := 0; i < maxExpansion+100; i++ {
		fmt.Fprintf(&body, "zq%05d ", i)
	}
	return []Document{{ID: "x", Title: "x", URL: "incidents/x/", Start: date("2024-01-01"), Year: 2024, Body: body.String()}}
}

func TestExpansionIsBounded(t *testing.T) {
	x := memIndex(t, manyWords())
	for _, q := range []string{"/zq.*/", "zq*", "*q0*", "body:/.*/", "title:/.*/ OR /zq.*/"} {
		for _, sort := range []string{SortRelevance, SortNewest, SortOldest} {
			start := time.Now()
			_, err := x.Search(context.Background(), Request{Query: q, Sort: sort})
			var qe *QueryError
			if !errors.As(err, &qe) || !strings.Contains(err.Error(), "too many different words") {
				t.Errorf("%s, %s: err = %v, want a QueryError about too many words", q, sort, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("%s: took %v", q, d) // not a timing target: a hang guard
			}
		}
	}
	// A narrower pattern still works.
	for _, q := range []string{"zq0000*", "/zq0000[0-9]/", "zq0000?", "*q00001"} {
		res, err := x.Search(context.Background(), Request{Query: q})
		if err != nil || res.Total != 1 {
			t.Errorf("%s: %v, %v", q, res, err)
		}
	}
}

// TestFuzzyExpansionIsBounded: a fuzzy word close to more words than
// maxExpansion fails with a QueryError, as patterns do, though no bleve
// setting bounds it (package blevex does).
func TestFuzzyExpansionIsBounded(t *testing.T) {
	var body strings.Builder
	const letters = "abcdefghijklmnopqrstuvwxyz"
	for _, a := range letters {
		for _, b := range letters {
			for _, c := range letters {
				fmt.Fprintf(&body, "%c%c%c ", a, b, c)
			}
		}
	}
	x := memIndex(t, []Document{{ID: "x", Title: "x", URL: "incidents/x/", Start: date("2024-01-01"), Year: 2024, Body: body.String()}})
	for _, q := range []string{"bab~2", "body:bab~2", "x OR bab~2"} {
		_, err := x.Search(context.Background(), Request{Query: q})
		var qe *QueryError
		if !errors.As(err, &qe) || !strings.Contains(err.Error(), "too many different words") {
			t.Errorf("%s: err = %v, want a QueryError about too many words", q, err)
		}
	}
	res, err := x.Search(context.Background(), Request{Query: "bab~1"})
	if err != nil || res.Total != 1 {
		t.Errorf("bab~1: %v, %v", res, err)
	}
}

func TestIncrementalUpdate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	ctx := context.Background()
	docs := testDocs()
	find := func(q string) string {
		t.Helper()
		x, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		res, err := x.Search(ctx, Request{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return ids(res)
	}
	update := func(docs []Document) UpdateStats {
		t.Helper()
		st, err := Update(ctx, dir, docs, nil)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	if st := update(docs); !st.Rebuilt || st.Indexed != 3 || st.Warning != "" {
		t.Errorf("first build: %+v", st)
	}
	if st := update(docs); st.Rebuilt || st.Indexed != 0 || st.Unchanged != 3 {
		t.Errorf("nothing changed: %+v", st)
	}
	docs[1].Body = "The workers ran out of disk instead."
	if st := update(docs); st.Rebuilt || st.Indexed != 1 || st.Unchanged != 2 {
		t.Errorf("one changed: %+v", st)
	}
	if got := find("celery"); got != "" {
		t.Errorf("old text still found: %q", got)
	}
	if got := find("disk"); got != "2023-06-10 ores" {
		t.Errorf("new text: %q", got)
	}
	if st := update(docs[:2]); st.Deleted != 1 || st.Indexed != 0 {
		t.Errorf("one removed: %+v", st)
	}
	if got := find("switchover"); got != "" {
		t.Errorf("removed report still found: %q", got)
	}
}

// damageFiles rewrites the files of the index's store that match pattern
// with what damage makes of them; nil removes the file.
func damageFiles(t *testing.T, dir, pattern string, damage func([]byte) []byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "store", pattern))
	if len(files) == 0 {
		t.Fatalf("no %s in the index", pattern)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if b = damage(b); b == nil {
			err = os.Remove(f)
		} else {
			err = os.WriteFile(f, b, 0o600)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestDamagedIndexIsRebuilt(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		damage  func(t *testing.T, dir string)
		warning string
	}{
		{"garbage", func(t *testing.T, dir string) {
			os.RemoveAll(dir)
			os.MkdirAll(dir, 0o755)
			os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644)
		}, "could not be opened"},
		{"another version", func(t *testing.T, dir string) {
			idx, err := bleve.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			idx.SetInternal(versionKey, []byte("incidents-search-0"))
			idx.Close()
		}, "another version"},
		{"an interrupted update", func(t *testing.T, dir string) {
			idx, err := bleve.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			idx.DeleteInternal(hashesKey)
			idx.Close()
		}, ""},
		{"a segment with flipped bytes", func(t *testing.T, dir string) {
			damageFiles(t, dir, "*.zap", func(b []byte) []byte {
				for i := 1000; i < len(b); i += 997 {
					b[i] ^= 0xff
				}
				return b
			})
		}, "damaged"},
		{"a truncated segment", func(t *testing.T, dir string) {
			damageFiles(t, dir, "*.zap", func(b []byte) []byte { return b[:len(b)/3] })
		}, "could not be opened"},
		{"a missing segment", func(t *testing.T, dir string) {
			damageFiles(t, dir, "*.zap", func([]byte) []byte { return nil })
		}, "could not be opened"},
		{"a zeroed root.bolt", func(t *testing.T, dir string) {
			damageFiles(t, dir, "root.bolt", func(b []byte) []byte { return make([]byte, len(b)) })
		}, "could not be opened"},
		{"a truncated root.bolt", func(t *testing.T, dir string) {
			damageFiles(t, dir, "root.bolt", func(b []byte) []byte { return b[:4096] })
		}, "could not be opened"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "search")
			if _, err := Update(ctx, dir, testDocs(), nil); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, dir)
			st, err := Update(ctx, dir, testDocs(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Rebuilt || !strings.Contains(st.Warning, tt.warning) || (tt.warning == "") != (st.Warning == "") {
				t.Errorf("stats %+v, want a rebuild warning %q", st, tt.warning)
			}
			x, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if n, _ := x.DocCount(); n != 3 {
				t.Errorf("%d documents after the rebuild", n)
			}
		})
	}
}

// TestLeftoverSegmentIsNotDamage: a segment file that the index does not
// use, such as a merge a killed build left half-written, is bleve's to
// clean up, not a reason to rebuild.
func TestLeftoverSegmentIsNotDamage(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "search")
	if _, err := Update(ctx, dir, testDocs(), nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "store", "0000000000ff.zap"), []byte("half a merge"), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := Update(ctx, dir, testDocs(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rebuilt || st.Warning != "" || st.Unchanged != 3 {
		t.Errorf("stats %+v, want the index kept as it is", st)
	}
}

func TestDecorateKeepsSingleSpacedText(t *testing.T) {
	for _, text := range []string{"a b c", " lead", "trail ", " both ", " ", "é — ü", "x\ty", "x\ny", "x  y", "x\u00a0y", "x\u2003y", "a\x7fb", "  ", "\n"} {
		for _, match := range []bool{false, true} {
			p := Passage{{Text: text, Match: match}}
			got := decorate(p, false, false)
			// What decorate makes of it without the shortcut.
			want := Passage{}
			folded := strings.Join(strings.Fields(text), " ")
			switch {
			case folded != "" && !match:
				if isSpace(text[0]) {
					folded = " " + folded
				}
				if isSpace(text[len(text)-1]) {
					folded += " "
				}
			case folded == "" && text != "":
				folded = " "
			}
			if folded != "" {
				want = Passage{{Text: folded, Match: match}}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%q (match %v): %v, want %v", text, match, got, want)
			}
		}
	}
}

// TestPhrasesAreMarkedWhole: a quoted phrase, or a name such as svc-0947,
// is marked where it stands whole, not each of its words anywhere.
func TestPhrasesAreMarkedWhole(t *testing.T) {
	x := memIndex(t, []Document{{ID: "2024-01-01 svc", Title: "Cache outage", URL: "incidents/svc/", Start: date("2024-01-01"), Year: 2024,
		Summary: "First svc-1107 slowed, then svc-0947 failed. The replication of the lag metric was fine until replication lag grew."}})
	for _, c := range []struct{ q, want string }{
		{"svc-0947", "First svc-1107 slowed, then <mark>svc-0947</mark> failed."},
		{`"svc-0947 failed"`, "First svc-1107 slowed, then <mark>svc-0947</mark> <mark>failed</mark>."},
		{`"replication lag"`, "was fine until <mark>replication</mark> <mark>lag</mark> grew."},
		{"replication", "The <mark>replication</mark> of the lag metric was fine until <mark>replication</mark> lag grew."},
	} {
		res, err := x.Search(context.Background(), Request{Query: c.q})
		if err != nil || len(res.Hits) != 1 {
			t.Fatalf("%s: %v, %v", c.q, res, err)
		}
		if got := res.Hits[0].Snippet; !strings.Contains(got, c.want) || strings.Count(got, "<mark>") != strings.Count(c.want, "<mark>") {
			t.Errorf("%s: snippet %q, want it to hold %q and no other mark", c.q, got, c.want)
		}
	}
}
