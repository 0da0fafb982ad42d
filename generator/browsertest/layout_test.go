package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// box is an element's rectangle as the browser lays it out, in CSS pixels;
// zero for an element that is missing or not displayed.
type box struct {
	Top, Bottom, Left, Right, Width, Height float64
}

// rect returns the layout box of the first element matching selector.
func rect(t *testing.T, tab context.Context, selector string) box {
	t.Helper()
	return eval[box](t, tab, `(() => {
		const el = document.querySelector(`+js(selector)+`);
		if (!el) return {};
		const r = el.getBoundingClientRect();
		return {Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right, Width: r.width, Height: r.height};
	})()`)
}

// TestLayoutAtTwoWidths loads the incident page and /trends/ at a desktop
// width and a phone width and checks what the stylesheet promises: on the
// desktop a header of one row (search box included), the report's contents
// beside its text; on the phone a compact header whose search is a link,
// the contents above the text, and no page wider than the screen; at both
// widths charts as wide as their figure, with text of a readable size.
func TestLayoutAtTwoWidths(t *testing.T) {
	// Generous for a loaded two-core machine: the pages load in well under
	// a second each.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	site := serveSite(ctx, t)
	browser := startBrowser(ctx, t)

	for _, width := range []int64{1280, 390} {
		wide := width >= 1024
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tab := openPage(t, browser, site, site+"incidents/"+newerSlug+"/")
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatalf("setting the viewport to %d px: %v", width, err)
			}
			checkHeader(t, tab, wide)
			checkNoSidewaysScroll(t, tab, width)

			toc, text := rect(t, tab, "nav.toc"), rect(t, tab, "main .body")
			if toc.Width == 0 || text.Width == 0 {
				t.Fatalf("the incident page has no contents box (%v) or text (%v)", toc, text)
			}
			if wide {
				if toc.Left < text.Right || toc.Top > text.Top+40 || toc.Bottom < text.Top {
					t.Errorf("contents %+v are not beside the text %+v", toc, text)
				}
				// A readable measure: about 70 characters, not the page's width.
				if text.Width > 760 {
					t.Errorf("the text column is %.0f px wide, want a readable measure", text.Width)
				}
			} else if toc.Bottom > text.Top {
				t.Errorf("contents %+v are not above the text %+v", toc, text)
			}

			tab = openPage(t, browser, site, site+"trends/")
			if err := chromedp.Do(tab, chromedp.EmulateViewport(width, 900)); err != nil {
				t.Fatalf("setting the viewport to %d px: %v", width, err)
			}
			checkHeader(t, tab, wide)
			checkNoSidewaysScroll(t, tab, width)
			sizes := eval[[][3]float64](t, tab, `[...document.querySelectorAll(".trend-figure figure")].map(f => {
				const svg = f.querySelector("svg.chart");
				const label = svg.querySelector(".axis text");
				return [svg.getBoundingClientRect().width, f.clientWidth, label ? label.getBoundingClientRect().height : 0];
			})`)
			if len(sizes) < 10 {
				t.Fatalf("%d charts on /trends/, want one per figure", len(sizes))
			}
			for i, s := range sizes {
				if s[0] < s[1]-1 || s[0] > s[1]+1 {
					t.Errorf("chart %d is %.0f px wide in a figure of %.0f px", i+1, s[0], s[1])
				}
				// 12 px text is 14 to 16 px tall; scaled down as a viewBox
				// would scale it on a phone, it is half that.
				if s[2] < 11 || s[2] > 20 {
					t.Errorf("chart %d: an axis label is %.1f px tall, want the page's small text", i+1, s[2])
				}
			}
		})
	}
}

// checkHeader checks the site header: on wide screens brand, sections and
// search box in one row; on phones two short rows, the box replaced by a
// link to the search page.
func checkHeader(t *testing.T, tab context.Context, wide bool) {
	t.Helper()
	header := rect(t, tab, ".site-header")
	brand, nav, search, link := rect(t, tab, ".site-header .brand"), rect(t, tab, ".site-header nav"), rect(t, tab, ".site-header .search-box"), rect(t, tab, ".site-header .search-link")
	if wide {
		if search.Height == 0 || link.Height != 0 {
			t.Errorf("wide header: search box %+v and search link %+v; want the box only", search, link)
		}
		// One row: every part overlaps the others vertically.
		for name, b := range map[string]box{"sections": nav, "search box": search} {
			if b.Top >= brand.Bottom || b.Bottom <= brand.Top {
				t.Errorf("wide header: the %s (%+v) are not in the brand's row (%+v)", name, b, brand)
			}
		}
		if header.Height > 80 {
			t.Errorf("wide header is %.0f px high, want one row", header.Height)
		}
		return
	}
	if search.Height != 0 || link.Height == 0 {
		t.Errorf("phone header: search box %+v and search link %+v; want the link only", search, link)
	}
	if href := eval[string](t, tab, `document.querySelector(".site-header .search-link").pathname`); href != "/search/" {
		t.Errorf("the phone header's search link goes to %s, want /search/", href)
	}
	if header.Height > 110 {
		t.Errorf("phone header is %.0f px high, want two short rows", header.Height)
	}
	if nav.Top < brand.Bottom-1 {
		t.Errorf("phone header: the sections (%+v) are not in a row below the brand (%+v)", nav, brand)
	}
}

// checkNoSidewaysScroll checks that the page is no wider than the screen.
func checkNoSidewaysScroll(t *testing.T, tab context.Context, width int64) {
	t.Helper()
	if w := eval[float64](t, tab, `document.documentElement.scrollWidth`); w > float64(width) {
		t.Errorf("the page is %.0f px wide on a %d px screen", w, width)
	}
}
