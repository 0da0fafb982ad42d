package chart

import (
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestTicks(t *testing.T) {
	tests := []struct {
		top  float64
		want []float64
	}{
		{0, []float64{0, 1}},
		{math.NaN(), []float64{0, 1}},
		{1, []float64{0, 0.25, 0.5, 0.75, 1}},
		{3, []float64{0, 1, 2, 3}},
		{17, []float64{0, 5, 10, 15, 20}},
		{9, []float64{0, 2.5, 5, 7.5, 10}},
		{0.7, []float64{0, 0.2, 0.4, 0.6, 0.8}},
		{20, []float64{0, 5, 10, 15, 20}},
		{99, []float64{0, 25, 50, 75, 100}},
		{1234567, []float64{0, 500000, 1e6, 1.5e6}},
		{0.3, []float64{0, 0.1, 0.2, 0.3}},
	}
	for _, tt := range tests {
		if got := Ticks(tt.top, 4); !slices.Equal(got, tt.want) {
			t.Errorf("Ticks(%v) = %v, want %v", tt.top, got, tt.want)
		}
	}
}

func TestCompact(t *testing.T) {
	tests := map[float64]string{0: "0", 5: "5", 2.5: "2.5", 0.25: "0.25", 950: "950", 1500: "1.5k", 12345: "12k", 3.4e6: "3.4M", 2e9: "2G"}
	for v, want := range tests {
		if got := Compact(v); got != want {
			t.Errorf("Compact(%v) = %q, want %q", v, got, want)
		}
	}
}

// parse checks that svg is well-formed XML and returns its elements' names
// and its character data.
func parse(t *testing.T, svg string) (elements []string, text string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			elements = append(elements, tok.Name.Local)
		case xml.CharData:
			b.Write(tok)
		}
	}
	return elements, b.String()
}

func count(names []string, name string) int {
	n := 0
	for _, e := range names {
		if e == name {
			n++
		}
	}
	return n
}

func TestBars(t *testing.T) {
	c := Bars{
		Title: "Incidents <per> month", Desc: "Three months & a gap", XLabel: "month", YLabel: "incidents",
		Categories: []string{"2026-01", "2026-02", "2026-03"},
		Series:     []Series{{Name: "median", Values: []float64{1, math.NaN(), 3}}, {Name: "p90", Values: []float64{2, math.NaN(), 7}}},
	}
	svg := c.SVG()
	els, text := parse(t, svg)
	if got := count(els, "rect"); got != 4+2 {
		t.Errorf("%d rects, want 4 bars (the gap has none) and 2 legend keys", got)
	}
	for _, want := range []string{"Incidents <per> month", "Three months & a gap", "month", "incidents", "2026-03: 7 p90", "median", "p90"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	for _, want := range []string{`role="img"`, `aria-label="Incidents &lt;per&gt; month"`, `fill="currentColor"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %s", want)
		}
	}
	for _, bad := range []string{"<script", "font-family", "#"} {
		if strings.Contains(svg, bad) {
			t.Errorf("svg contains %q: colours and fonts come from the page", bad)
		}
	}
}

func TestBarsLabelsWhatFits(t *testing.T) {
	var cats []string
	var vals []float64
	for i := range 120 {
		cats = append(cats, fmt.Sprintf("c%03d", i))
		vals = append(vals, float64(i))
	}
	_, text := parse(t, Bars{Title: "t", Categories: cats, Series: []Series{{Values: vals}}}.SVG())
	labelled := 0
	for _, c := range cats {
		if strings.Count(text, c+":") < strings.Count(text, c) {
			labelled++
		}
	}
	if labelled < 5 || labelled > 30 {
		t.Errorf("%d of 120 categories labelled; want some, spaced out", labelled)
	}
	if strings.Count(text, "c119") != 2 {
		t.Error("the newest category is not labelled")
	}
}

func TestBarsWithoutValues(t *testing.T) {
	svg := Bars{Title: "empty", Categories: []string{"a"}, Series: []Series{{Values: []float64{0}}}}.SVG()
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Errorf("all-zero chart has NaN or Inf coordinates:\n%s", svg)
	}
	parse(t, svg)
}

func TestHBars(t *testing.T) {
	svg := HBars{Title: "Services", Unit: "reports", Labels: []string{"mediawiki-api", `"><script>x</script>`, "a-very-long-service-name-that-goes-on-and-on-and-on-and-on-until-it-is-cut"}, Values: []float64{5, 2, 1}}.SVG()
	els, text := parse(t, svg)
	if got := count(els, "rect"); got != 3 {
		t.Errorf("%d bars, want 3", got)
	}
	for _, want := range []string{"mediawiki-api: 5", `"><script>x</script>: 2`, "a-very-long-service-name-that-goes-on-and-on-and-on-and-on-…", "reports"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q", want)
		}
	}
	if count(els, "script") != 0 {
		t.Error("a label became an element")
	}
}

func TestSparkline(t *testing.T) {
	svg := Sparkline{Title: "Reports per year", Desc: "2024: 0, 2025: 4, 2026: 2", Values: []float64{0, 4, 2}}.SVG()
	els, text := parse(t, svg)
	if count(els, "rect") != 3 || !strings.Contains(text, "2025: 4") {
		t.Errorf("sparkline: %v %q", els, text)
	}
	if !strings.Contains(svg, `height="23"`) || !strings.Contains(svg, `height="11.5"`) {
		t.Errorf("bars are not scaled to the largest value:\n%s", svg)
	}
}

// TestGoldenBars pins the whole output of one chart.
func TestGoldenBars(t *testing.T) {
	got := Bars{
		Title: "Time to resolve", Desc: "Median and 90th percentile of the time to resolve, by month.",
		XLabel: "month", YLabel: "hours",
		Categories: []string{"2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"},
		Series: []Series{
			{Name: "median", Values: []float64{1.5, 2, math.NaN(), 0.5, 3.25, 1}},
			{Name: "90th percentile", Values: []float64{4, 6.5, math.NaN(), 0.5, 12, 2}},
		},
	}.SVG() + "\n"
	golden := filepath.Join("testdata", "bars.golden.svg")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./generator/chart -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("chart differs from %s; if the change is intended, run go test ./generator/chart -update\ngot:\n%s", golden, got)
	}
}

func BenchmarkBars(b *testing.B) {
	c := Bars{Title: "t", XLabel: "month", YLabel: "incidents"}
	c.Series = []Series{{Name: "a"}, {Name: "b"}}
	for i := range 24 {
		c.Categories = append(c.Categories, fmt.Sprintf("2026-%02d", i))
	}
	for si := range c.Series {
		for i := range 24 {
			c.Series[si].Values = append(c.Series[si].Values, float64(i*si))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.SVG()
	}
}

func TestWholeTicks(t *testing.T) {
	tests := []struct {
		top  float64
		want []float64
	}{
		{0, []float64{0, 1}},
		{1, []float64{0, 1}},
		{2.5, []float64{0, 1, 2, 3}},
		{9, []float64{0, 5, 10}},
		{30, []float64{0, 10, 20, 30}},
		{90, []float64{0, 25, 50, 75, 100}},
	}
	for _, tt := range tests {
		if got := ticksFor(tt.top, true); !slices.Equal(got, tt.want) {
			t.Errorf("ticksFor(%v, whole) = %v, want %v", tt.top, got, tt.want)
		}
	}
}

// TestChartsFillTheirWidth checks that bar charts stretch to the width of
// their column with text that stays 12 px: no viewBox (which would scale
// the text with the bars), a width of 100%, and every length across, bars
// and grid lines, in percent of that width.
func TestChartsFillTheirWidth(t *testing.T) {
	var cats []string
	var vals []float64
	for i := range 24 {
		cats = append(cats, fmt.Sprintf("2025-%02d", i%12+1))
		vals = append(vals, float64(i%7))
	}
	charts := map[string]string{
		"bars":  Bars{Title: "Incidents", YLabel: "incidents", Categories: cats, Series: []Series{{Name: "incidents", Values: vals}}, Whole: true}.SVG(),
		"hbars": HBars{Title: "Services", Unit: "reports", Labels: []string{"a", "b"}, Values: []float64{7, 3}, Whole: true}.SVG(),
	}
	for name, svg := range charts {
		parse(t, svg)
		open := svg[:strings.Index(svg, ">")]
		if strings.Contains(open, "viewBox") || !strings.Contains(open, `width="100%"`) {
			t.Errorf("%s: <svg> should be 100%% wide without a viewBox: %s", name, open)
		}
		d := xml.NewDecoder(strings.NewReader(svg))
		for {
			tok, err := d.Token()
			if err != nil {
				break
			}
			el, ok := tok.(xml.StartElement)
			if !ok || (el.Name.Local != "rect" && el.Name.Local != "line") {
				continue
			}
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "x", "x1", "x2", "width":
					if a.Value != "0" && !strings.HasSuffix(a.Value, "%") {
						t.Errorf("%s: <%s %s=%q>: lengths across must be percentages", name, el.Name.Local, a.Name.Local, a.Value)
					}
				}
			}
		}
	}
}

// TestBarsLabelsForTwoWidths checks that on a chart of 24 months the
// labels always shown fit a narrow (phone) chart, and that more, of class
// "wide", are there for a wide one; the newest month is always labelled.
func TestBarsLabelsForTwoWidths(t *testing.T) {
	const narrow, wide = 300, 900 // plot widths in pixels: a phone's, a desktop's
	var cats []string
	var vals []float64
	for i := range 24 {
		cats = append(cats, fmt.Sprintf("%d-%02d", 2024+i/12, i%12+1))
		vals = append(vals, 1)
	}
	svg := Bars{Title: "t", Categories: cats, Series: []Series{{Values: vals}}}.SVG()
	wideOnly := strings.Count(svg, `class="wide">20`)
	always := strings.Count(svg, `">20`) - wideOnly
	// A label of 7 characters takes about 63 px with its gap.
	if always < 3 || always*63 > narrow {
		t.Errorf("%d labels always shown; want a few that fit %d px", always, narrow)
	}
	if wideOnly == 0 || (always+wideOnly)*63 > wide {
		t.Errorf("%d more labels on wide charts; want some that fit %d px with the %d others", wideOnly, wide, always)
	}
	if !strings.Contains(svg, `text-anchor="end">2025-12</text>`) {
		t.Error("the newest month is not labelled at the right edge")
	}
}
