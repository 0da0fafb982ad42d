package render

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/analysis"
	"github.com/incidents-archive/incidents/generator/incident"
)

func TestPaging(t *testing.T) {
	s := &site{root: "/archive/"}
	tests := []struct {
		name                string
		n, pages, total     int
		wantLinks           string // labels, the current one in brackets
		wantFirst, wantLast int
		wantPrev, wantNext  string
	}{
		{"one page", 1, 1, 7, "", 1, 7, "", ""},
		{"empty list", 1, 1, 0, "", 1, 0, "", ""},
		{"first of two", 1, 2, 201, "[1] 2", 1, 200, "", "/archive/x/page/2/"},
		{"last of two", 2, 2, 201, "1 [2]", 201, 201, "/archive/x/", ""},
		{"first of many", 1, 500, 99_999, "[1] 2 3 4 … 500", 1, 200, "", "/archive/x/page/2/"},
		{"middle of many", 250, 500, 99_999, "1 … 247 248 249 [250] 251 252 253 … 500", 49_801, 50_000, "/archive/x/page/249/", "/archive/x/page/251/"},
		{"near the start", 5, 500, 99_999, "1 2 3 4 [5] 6 7 8 … 500", 801, 1000, "/archive/x/page/4/", "/archive/x/page/6/"},
		{"last of many", 500, 500, 99_999, "1 … 497 498 499 [500]", 99_801, 99_999, "/archive/x/page/499/", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := s.paging("x/", tt.n, tt.pages, tt.total, 200)
			var labels []string
			for _, l := range p.PageLinks {
				switch {
				case l.Current:
					labels = append(labels, "["+l.Label+"]")
					if l.URL != "/archive/"+listPath("x/", tt.n) {
						t.Errorf("the current page links %q", l.URL)
					}
				default:
					labels = append(labels, l.Label)
				}
				if (l.URL == "") != (l.Label == "…") {
					t.Errorf("link %q leads to %q", l.Label, l.URL)
				}
			}
			if got := strings.Join(labels, " "); got != tt.wantLinks {
				t.Errorf("links %q, want %q", got, tt.wantLinks)
			}
			if p.First != tt.wantFirst || p.Last != tt.wantLast || p.Prev != tt.wantPrev || p.Next != tt.wantNext {
				t.Errorf("items %d–%d, prev %q, next %q; want %d–%d, %q, %q", p.First, p.Last, p.Prev, p.Next, tt.wantFirst, tt.wantLast, tt.wantPrev, tt.wantNext)
			}
		})
	}
}

func TestChainListShortensLongChains(t *testing.T) {
	s := &site{root: "/"}
	chain := func(n int) *analysis.Chain {
		c := &analysis.Chain{}
		for i := range n {
			day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
			slug := fmt.Sprintf("%s-r%d", day.Format("2006-01-02"), i)
			c.Incidents = append(c.Incidents, &incident.Incident{ID: slug, Slug: slug, Title: fmt.Sprintf("Report %d", i), Start: day})
		}
		c.ID = c.Incidents[0].Slug
		return c
	}
	for _, tt := range []struct {
		reports int
		shown   []int // positions of the reports listed, from 0
		gap     string
	}{
		{3, []int{0, 1, 2}, ""},
		{chainHead + chainTail, seq(0, chainHead+chainTail), ""},
		{30, append(seq(0, chainHead), seq(30-chainTail, 30)...), "5 more reports in between"},
		{1000, append(seq(0, chainHead), seq(1000-chainTail, 1000)...), "975 more reports in between"},
	} {
		t.Run(fmt.Sprint(tt.reports), func(t *testing.T) {
			c := chain(tt.reports)
			got := string(s.chainList([]*analysis.Chain{c}))
			var shown []int
			for i, in := range c.Incidents {
				if strings.Contains(got, `href="/incidents/`+in.Slug+`/"`) {
					shown = append(shown, i)
				}
			}
			if !slices.Equal(shown, tt.shown) {
				t.Errorf("lists reports %v, want %v", shown, tt.shown)
			}
			if !strings.Contains(got, fmt.Sprintf("<h3>%d reports,", tt.reports)) {
				t.Errorf("the heading does not count all %d reports:\n%s", tt.reports, got[:min(300, len(got))])
			}
			if tt.gap == "" {
				if strings.Contains(got, `class="gap"`) {
					t.Errorf("a chain of %d reports is shortened", tt.reports)
				}
				return
			}
			if !strings.Contains(got, tt.gap) {
				t.Errorf("no %q in the chain", tt.gap)
			}
			// The first report after the gap keeps its number in the chain.
			if want := fmt.Sprintf(`<li value="%d">`, tt.reports-chainTail+1); !strings.Contains(got, want) {
				t.Errorf("no %s after the gap", want)
			}
		})
	}
}

// seq is the integers from lo up to hi, hi left out.
func seq(lo, hi int) []int {
	var out []int
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}
