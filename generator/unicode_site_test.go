package generator

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/serve/server"
)

// unicodeArchive has ids, services, causes and responders in Japanese,
// Arabic and Hindi, an id of emoji alone, and one responder spelled with
// and without accents.
var unicodeArchive = map[string]string{
	"site.yaml": "title: Unicode archive\nbase_url: https://incidents.example.org/archive/\n",
	"incidents/2026/tokyo.md": `---
id: 2026-03-01 東京 データベース
title: The Tokyo database stopped taking writes
start: 2026-03-01 02:00
end: 2026-03-01 03:10
services: [データベース, api]
causes: [ディスク満杯]
sites: [東京]
responders: [José García, 田中]
---
## Summary

The disk filled and the primary refused writes.
`,
	"incidents/2026/riyadh.md": `---
id: 2026-03-05 انقطاع الشبكة
title: The Riyadh link dropped
start: 2026-03-05 11:00
end: 2026-03-05 11:45
services: [api]
causes: [انقطاع]
responders: [Jose Garcia]
related: [2026-03-01 東京 データベース]
repeat_of: [2026-03-01 東京 データベース]
---
Traffic failed over to the second link after 45 minutes.
`,
	"incidents/2026/delhi.md": `---
id: 2026-03-09 सेवा बाधित
title: The Delhi cache served stale pages
start: 2026-03-09 08:00
services: [कैश]
responders: [José García]
---
Pages were an hour old until the cache was flushed.
`,
	"incidents/2026/fire.md": `---
id: 🔥🚒
title: An id of emoji alone
start: 2026-03-12 10:00
services: [api]
---
The id has no letter or digit; its permalink comes from its hash.
`,
}

// buildArchive builds files into a new site and returns its folder.
func buildArchive(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := writeArchive(t, files)
	out := filepath.Join(dir, "public")
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test"}); err != nil {
		var ce *diag.ContentError
		if errors.As(err, &ce) {
			for _, d := range ce.Diagnostics {
				t.Log(d)
			}
		}
		t.Fatalf("Build: %v", err)
	}
	return out
}

// siteJSON is what the tests read of incidents.json.
type siteJSON struct {
	Incidents []struct {
		ID, Slug, URL string
	}
	Terms map[string][]struct {
		Name      string
		Spellings []string
		URL       string
	}
}

func readSiteJSON(t *testing.T, out string) siteJSON {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "incidents.json"))
	if err != nil {
		t.Fatal(err)
	}
	var j siteJSON
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	return j
}

// fileOf is the file of the site that a root-relative or absolute URL
// under root names, after percent-decoding, or "" when it is not
// percent-encoded ASCII or leaves root.
func fileOf(t *testing.T, out, root, link string) string {
	t.Helper()
	for _, r := range link {
		if r > 0x7e || r <= ' ' {
			t.Errorf("URL %q is not percent-encoded", link)
			return ""
		}
	}
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, root) {
		t.Errorf("URL %q is not under %s", link, root)
		return ""
	}
	rel := strings.TrimPrefix(u.Path, root)
	if rel == "" || strings.HasSuffix(rel, "/") {
		rel += "index.html"
	}
	return filepath.Join(out, filepath.FromSlash(rel))
}

// TestUnicodeSite: reports with ids in Japanese, Arabic, Hindi and emoji
// build; their pages and term pages exist under UTF-8 folder names, and
// every URL the site gives (links, the sitemap, feeds,
// incidents.json, the static search index) is percent-encoded and leads to
// a file. generator/serve/server answers the percent-encoded path with the page.
func TestUnicodeSite(t *testing.T) {
	out := buildArchive(t, unicodeArchive)
	checkLinks(t, out, "/archive/", 15, 60)

	for _, rel := range []string{
		"incidents/2026-03-01-東京-データベース/index.html",
		"incidents/2026-03-05-انقطاع-الشبكة/index.html",
		"incidents/2026-03-09-सेवा-बाधित/index.html",
		"services/データベース/index.html",
		"services/कैश/index.html",
		"causes/ディスク満杯/index.html",
		"sites/東京/index.html",
		"responders/jose-garcia/index.html",
		"responders/田中/index.html",
	} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
			t.Errorf("missing page: %v", err)
		}
	}

	j := readSiteJSON(t, out)
	var fire string
	for _, in := range j.Incidents {
		if in.ID == "🔥🚒" {
			fire = in.Slug
		}
		if f := fileOf(t, out, "/archive/", in.URL); f != "" {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("incidents.json: %s: url %s: %v", in.ID, in.URL, err)
			}
		}
	}
	if !regexp.MustCompile(`^id-[0-9a-f]{8}$`).MatchString(fire) {
		t.Errorf("the emoji id's slug is %q, want id- and 8 hex digits", fire)
	}
	for kind, terms := range j.Terms {
		for _, term := range terms {
			if f := fileOf(t, out, "/archive/", term.URL); f != "" {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("incidents.json: %s %s: url %s: %v", kind, term.Name, term.URL, err)
				}
			}
		}
	}

	// The sitemap and the feeds give absolute URLs, percent-encoded.
	var sitemap struct {
		Locs []string `xml:"url>loc"`
	}
	data, err := os.ReadFile(filepath.Join(out, "sitemap.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &sitemap); err != nil {
		t.Fatal(err)
	}
	const base = "https://incidents.example.org"
	unicodeLocs := 0
	for _, loc := range sitemap.Locs {
		if f := fileOf(t, out, "/archive/", strings.TrimPrefix(loc, base)); f != "" {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("sitemap: %s: %v", loc, err)
			}
		}
		if strings.Contains(loc, "%") {
			unicodeLocs++
		}
	}
	if unicodeLocs < 8 {
		t.Errorf("the sitemap lists %d percent-encoded pages, want 8 or more", unicodeLocs)
	}
	feedLink := regexp.MustCompile(`<id>([^<]+)</id>|<link href="([^"]+)"`)
	for _, feed := range []string{"feed.xml", "services/データベース/feed.xml", "responders/jose-garcia/feed.xml"} {
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(feed)))
		if err != nil {
			t.Fatal(err)
		}
		links := feedLink.FindAllStringSubmatch(string(data), -1)
		if len(links) < 4 {
			t.Errorf("%s: %d links, want 4 or more", feed, len(links))
		}
		for _, m := range links {
			u := strings.TrimPrefix(m[1]+m[2], base)
			f := fileOf(t, out, "/archive/", u)
			if f == "" || strings.HasSuffix(u, "feed.xml") {
				continue
			}
			if _, err := os.Stat(f); err != nil {
				t.Errorf("%s: %s: %v", feed, u, err)
			}
		}
	}

	// The Riyadh report links the Tokyo one by its percent-encoded URL.
	page := readPage(t, out, "incidents/2026-03-05-انقطاع-الشبكة/index.html")
	want := `href="/archive/incidents/` + url.PathEscape("2026-03-01-東京-データベース") + `/"`
	if !strings.Contains(page, want) {
		t.Errorf("the Riyadh page does not link the Tokyo one as %s", want)
	}

	// The chain of repeats has an anchor named after the oldest report's
	// slug on /repeats/, which the Riyadh page links.
	if chain := `id="chain-2026-03-01-東京-データベース"`; !strings.Contains(readPage(t, out, "repeats/index.html"), chain) {
		t.Errorf("/repeats/ does not hold the chain as %s", chain)
	}
	if !strings.Contains(page, `href="/archive/repeats/"`) {
		t.Error("the Riyadh page does not link /repeats/")
	}

	// The static search index's cards link the reports.
	cards, err := filepath.Glob(filepath.Join(out, "search", "c", "*.json"))
	if err != nil || len(cards) == 0 {
		t.Fatalf("no search cards: %v", err)
	}
	found := 0
	for _, c := range cards {
		data, err := os.ReadFile(c)
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]json.RawMessage
		if err := json.Unmarshal(data, &rows); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		for _, row := range rows {
			var u string
			if len(row) < 4 || json.Unmarshal(row[3], &u) != nil {
				t.Fatalf("%s: card without a url: %s", c, data)
			}
			if f := fileOf(t, out, "/archive/", "/archive/"+u); f != "" {
				if _, err := os.Stat(f); err != nil {
					t.Errorf("search card url %s: %v", u, err)
				}
				found++
			}
		}
	}
	if found != 4 {
		t.Errorf("%d search cards, want 4", found)
	}

	// The server finds the UTF-8 folder from the percent-encoded path,
	// and redirects a path without its slash to a percent-encoded one.
	srv := httptest.NewServer(server.Handler(out))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p := "/incidents/" + url.PathEscape("2026-03-05-انقطاع-الشبكة") + "/"
	res, err := client.Get(srv.URL + p)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "The Riyadh link dropped") {
		t.Errorf("GET %s: %s, want 200 and the page", p, res.Status)
	}
	res, err = client.Get(srv.URL + strings.TrimSuffix(p, "/"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc, _ := url.PathUnescape(res.Header.Get("Location")); res.StatusCode != http.StatusMovedPermanently || loc != "/incidents/2026-03-05-انقطاع-الشبكة/" {
		t.Errorf("GET %s without the slash: %s to %q, want 301 to the page", p, res.Status, res.Header.Get("Location"))
	}
}

// TestTermURLsAreStable builds an archive, records the URL of every term
// spelling, then adds an older report that spells a responder and a site
// another way and a newer one: every URL still exists and is the page of
// the same term, and the spellings share one page, which lists them.
func TestTermURLsAreStable(t *testing.T) {
	files := map[string]string{
		"site.yaml": "title: Terms\n",
		"incidents/2024/a.md": "---\nid: 2024-05-01 a\ntitle: A\nstart: 2024-05-01\nresponders: [Jose Garcia, Ana Berg]\n" +
			"sites: [zurich]\nservices: [search]\ncauses: [disk-full]\n---\nA.\n",
		"incidents/2025/b.md": "---\nid: 2025-02-01 b\ntitle: B\nstart: 2025-02-01\nresponders: [Jose Garcia]\nsites: [zurich]\nservices: [search]\n---\nB.\n",
	}
	before := readSiteJSON(t, buildArchive(t, files))
	urls := map[string]string{} // kind/spelling → URL
	for kind, terms := range before.Terms {
		for _, term := range terms {
			urls[kind+"/"+term.Name] = term.URL
		}
	}
	if urls["responders/Jose Garcia"] != "/responders/jose-garcia/" {
		t.Fatalf("first build: Jose Garcia at %q", urls["responders/Jose Garcia"])
	}

	files["incidents/2023/old.md"] = "---\nid: 2023-01-01 old\ntitle: Old\nstart: 2023-01-01\nresponders: [José García]\nsites: [Zürich]\n---\nOld.\n"
	files["incidents/2026/new.md"] = "---\nid: 2026-01-01 new\ntitle: New\nstart: 2026-01-01\nresponders: [José García, Ana Berg]\nsites: [zürich]\n---\nNew.\n"
	out := buildArchive(t, files)
	after := readSiteJSON(t, out)
	byURL := map[string][]string{} // URL → spellings
	for kind, terms := range after.Terms {
		for _, term := range terms {
			if len(term.Spellings) == 0 || term.Spellings[0] != term.Name {
				t.Errorf("%s %s: spellings %q do not begin with the name", kind, term.Name, term.Spellings)
			}
			byURL[term.URL] = term.Spellings
		}
	}
	for name, u := range urls {
		kind, spelling, _ := strings.Cut(name, "/")
		if !strings.Contains("\x00"+strings.Join(byURL[u], "\x00")+"\x00", "\x00"+spelling+"\x00") {
			t.Errorf("%s %s was at %s; now that URL is the page of %q", kind, spelling, u, byURL[u])
		}
		page := readPage(t, out, strings.TrimPrefix(u, "/")+"index.html")
		if !strings.Contains(page, spelling) {
			t.Errorf("the page %s does not name %s", u, spelling)
		}
	}
	// José García is named by two reports, Jose Garcia by two: the
	// accented spelling is shown, and the other listed.
	if got := byURL["/responders/jose-garcia/"]; strings.Join(got, "|") != "José García|Jose Garcia" {
		t.Errorf("/responders/jose-garcia/ has the spellings %q", got)
	}
	if got := byURL["/sites/zurich/"]; strings.Join(got, "|") != "zürich|zurich" {
		t.Errorf("/sites/zurich/ has the spellings %q (sites are lowercased)", got)
	}
	page := readPage(t, out, "responders/jose-garcia/index.html")
	if !strings.Contains(page, "<h1>José García</h1>") || !strings.Contains(page, "Also written: Jose Garcia") {
		t.Errorf("the responder page does not show José García, also written Jose Garcia")
	}
	if n := len(after.Terms["responders"]); n != 2 {
		t.Errorf("%d responders, want 2 (José García, Ana Berg)", n)
	}
	// The static search has one facet value for the site, which filters
	// the reports of both spellings.
	var facets map[string][][2]any
	if err := json.Unmarshal([]byte(readPage(t, out, "search/facets.json")), &facets); err != nil {
		t.Fatal(err)
	}
	if got := facets["sites"]; len(got) != 1 || got[0][0] != "zürich" || got[0][1] != 4.0 {
		t.Errorf("the sites facet is %v, want [[zürich 4]]", got)
	}
}
