package generator

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// buildTrendSite builds the test archive as if on 15 March 2026.
func buildTrendSite(t *testing.T) string {
	t.Helper()
	dir := writeArchive(t, testArchive)
	out := filepath.Join(dir, "public")
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	if _, err := Build(context.Background(), Config{Source: filepath.Join(dir, "content"), Dest: out, Version: "test", Now: now}); err != nil {
		t.Fatalf("Build: %v", err)
	}
	return out
}

func pageLinks(t *testing.T, out, p string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(readPage(t, out, p)))
	if err != nil {
		t.Fatal(err)
	}
	return links(doc)
}

func TestTrendsLinkToAndFromTermPages(t *testing.T) {
	out := buildTrendSite(t)
	fromTrends := pageLinks(t, out, "trends/index.html")
	for _, tt := range []struct{ term, back string }{
		{"services/mediawiki-api/", "/archive/trends/#services"},
		{"causes/retry-storm/", "/archive/trends/#causes"},
	} {
		if !contains(fromTrends, "/archive/"+tt.term) {
			t.Errorf("/trends/ does not link to /archive/%s", tt.term)
		}
		if !contains(pageLinks(t, out, tt.term+"index.html"), tt.back) {
			t.Errorf("%s does not link to %s", tt.term, tt.back)
		}
	}
	for _, id := range []string{"services", "causes"} {
		doc, _ := html.Parse(strings.NewReader(readPage(t, out, "trends/index.html")))
		if !hasID(doc, id) {
			t.Errorf("/trends/ has no section #%s", id)
		}
	}
	if !contains(pageLinks(t, out, "index.html"), "/archive/trends/") {
		t.Error("the home page does not link to /trends/ (nav and summary)")
	}
	if !strings.Contains(readPage(t, out, "sitemap.xml"), "<loc>https://incidents.example.org/archive/trends/</loc>") {
		t.Error("the sitemap lacks /trends/")
	}
	// Every CSV file the page offers is there.
	for _, l := range fromTrends {
		if strings.HasSuffix(l, ".csv") {
			readPage(t, out, strings.TrimPrefix(l, "/archive/"))
		}
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestTrendPagesContent(t *testing.T) {
	out := buildTrendSite(t)
	for _, tt := range []struct {
		page     string
		contains []string
	}{
		{"index.html", []string{"This month <span class=\"muted\">March 2026</span>"}},
		{"trends/index.html", []string{
			"This quarter <span class=\"muted\">Q1 2026</span>",
			"This year <span class=\"muted\">2026</span>",
			`<svg class="chart"`, `role="img"`,
			// The hostile service is text inside the chart, not markup.
			"&#34;&gt;&lt;svg onload=alert(1)&gt;",
		}},
		{"services/mediawiki-api/index.html", []string{`<svg class="chart"`, "reports per year, 2009–2026", "median time to resolve <strong>1h 15m</strong>"}},
		{"trends/incidents.csv", []string{"month,incidents\r\n2009-06,1\r\n", "2026-02,1\r\n2026-03,0\r\n"}},
		{"trends/causes.csv", []string{"2015,retry-storm,1", `"'=hyperlink(""https:`}},
	} {
		t.Run(tt.page, func(t *testing.T) {
			s := readPage(t, out, tt.page)
			for _, c := range tt.contains {
				if !strings.Contains(s, c) {
					t.Errorf("missing %q in\n%s", c, s)
				}
			}
		})
	}
	var doc struct {
		TimeZone  string `json:"time_zone"`
		ThisMonth string `json:"this_month"`
		Monthly   []struct {
			Month            string   `json:"month"`
			Incidents        int      `json:"incidents"`
			DurationMinutes  int64    `json:"duration_minutes"`
			MedianTTRMinutes *float64 `json:"median_ttr_minutes"`
			PagedAfterHours  int64    `json:"paged_after_hours"`
		} `json:"monthly"`
		Quarterly []struct {
			Quarter   string `json:"quarter"`
			Incidents int    `json:"incidents"`
		} `json:"quarterly"`
		Yearly []struct {
			Year      string `json:"year"`
			Incidents int    `json:"incidents"`
			Services  struct {
				Top []struct {
					Name  string `json:"name"`
					Count int    `json:"count"`
				} `json:"top"`
			} `json:"services"`
		} `json:"yearly"`
	}
	if err := json.Unmarshal([]byte(readPage(t, out, "trends.json")), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.TimeZone != "UTC" || doc.ThisMonth != "2026-03" {
		t.Errorf("time zone %q, this month %q", doc.TimeZone, doc.ThisMonth)
	}
	// 2009-06 to 2026-03 without gaps.
	if n := len(doc.Monthly); n != 7+16*12+3 || doc.Monthly[0].Month != "2009-06" || doc.Monthly[n-1].Month != "2026-03" {
		t.Fatalf("%d months, from %s", n, doc.Monthly[0].Month)
	}
	for _, m := range doc.Monthly {
		switch m.Month {
		case "2015-04":
			if m.Incidents != 1 || m.DurationMinutes != 75 || m.MedianTTRMinutes == nil || *m.MedianTTRMinutes != 75 {
				t.Errorf("2015-04 = %+v", m)
			}
		case "2026-02": // the hostile report, which has no end
			if m.Incidents != 1 || m.DurationMinutes != 0 || m.MedianTTRMinutes != nil {
				t.Errorf("2026-02 = %+v", m)
			}
		case "2026-01": // only the draft, which is not built
			if m.Incidents != 0 {
				t.Errorf("2026-01 counts %d incidents", m.Incidents)
			}
		}
	}
	if q := doc.Quarterly[len(doc.Quarterly)-1]; q.Quarter != "2026-Q1" || q.Incidents != 1 {
		t.Errorf("last quarter = %+v", q)
	}
	for _, y := range doc.Yearly {
		if y.Year == "2015" && (len(y.Services.Top) != 2 || y.Services.Top[0].Name != "mediawiki-api") {
			t.Errorf("2015 services = %+v", y.Services.Top)
		}
	}
}

// TestTrendsDoNotDependOnTheClock builds twice with the same time: the
// trend pages are the same bytes.
func TestTrendsDoNotDependOnTheClock(t *testing.T) {
	a, b := buildTrendSite(t), buildTrendSite(t)
	for _, p := range []string{"trends/index.html", "trends.json", "index.html", "services/mediawiki-api/index.html", "trends/action-items.csv"} {
		if readPage(t, a, p) != readPage(t, b, p) {
			t.Errorf("%s differs between two builds at the same time", p)
		}
	}
}
