// Package chart draws small static SVG charts: vertical bars over
// categories (one or more series), horizontal bars for ranked counts, and
// sparklines.
//
// The charts are meant to be placed inline in HTML pages. They need no
// script and carry no colour or font of their own: text and lines are
// currentColor and the page's font, bars are currentColor at an opacity
// per series, with a class (s1, s2, s3) that a stylesheet may colour, so
// that they follow the page into dark mode and onto paper. Every chart has
// a title and a text alternative (role="img", <title> and <desc>), and
// bar charts have axes with units.
//
// Bar charts fill the width they are given and keep their text at the
// page's size. A viewBox would scale the text with the bars: a chart drawn
// 640 units wide has 7 px labels on a 390 px phone and 21 px ones in a
// 1,120 px column. So the outer <svg> has no viewBox: it is 100% wide and
// a fixed number of pixels high, lengths across are percentages of its
// width, lengths down are pixels, and text is 12 px at any width. Value
// ticks are written just above their grid lines inside the plot rather
// than in a margin beside it, so no margin of fixed pixels is needed
// beside a plot of percentages. Category labels that only fit on a wide
// chart have the class "wide", for the stylesheet to hide on narrow ones.
// Sparklines are word-sized and keep a viewBox.
//
// We draw our own instead of using gonum.org/v1/plot, which writes clean
// SVG but with fixed colours and fonts that a stylesheet cannot reach, and
// brings a large tree of dependencies for the three shapes drawn here.
package chart

import (
	"html"
	"math"
	"strconv"
	"strings"
)

// Series is one set of values over a chart's categories; NaN marks a
// category without a value, drawn as a gap.
type Series struct {
	Name   string
	Values []float64
}

// Bars is a vertical bar chart: one group of bars per category, one bar
// per series.
type Bars struct {
	Title string // shown above the chart and read out as its name
	Desc  string // the text alternative: what the chart shows, in words
	// XLabel and YLabel name the axes with their units: "month",
	// "incidents", "hours". The y label follows the top tick: "20 hours".
	XLabel, YLabel string
	Categories     []string
	Series         []Series
	// Format writes a value for tick labels and tooltips; nil writes
	// numbers compactly (1.5k, 2M).
	Format func(float64) string
	// Whole says the values are counts, so that ticks are whole numbers.
	Whole bool
}

// Geometry of the bar chart: pixels down, and the widths categories are
// labelled for.
const (
	titleH    = 26  // the title's line
	legendH   = 22  // the key's line, with more than one series
	tickH     = 18  // room above the top grid line for its label
	plotH     = 180 // the bars' height
	marginB   = 44  // category labels and the x axis label
	fontSize  = 12
	charWidth = 7 // a generous average width of a character at fontSize
	// narrowW and wideW are the plot widths, in pixels, that category
	// labels are spaced for: every label for narrowW is always shown, the
	// ones added for wideW only on wide charts (class "wide").
	narrowW = 300
	wideW   = 900
)

// opacities tell series apart without colour.
var opacities = []string{"0.9", "0.5", "0.25"}

// SVG draws the chart.
func (c Bars) SVG() string {
	format := c.Format
	if format == nil {
		format = Compact
	}
	top := titleH + tickH
	if len(c.Series) > 1 {
		top += legendH
	}
	height := top + plotH + marginB
	var b builder
	b.open(c.Title, c.Desc, height)
	c.legend(&b)
	vmax := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > vmax {
				vmax = v
			}
		}
	}
	ticks := ticksFor(vmax, c.Whole)
	ymax := ticks[len(ticks)-1]
	bottom := float64(top + plotH)
	y := func(v float64) float64 { return bottom - v/ymax*plotH }
	// Grid lines first, under the bars.
	b.raw(`<g class="grid" stroke="currentColor" stroke-opacity="0.2">`)
	for _, t := range ticks[1:] {
		yy := num(y(t))
		b.raw(`<line x1="0" x2="100%" y1="` + yy + `" y2="` + yy + `"/>`)
	}
	b.raw("</g>\n")
	// Bars, across in percent of the chart's width.
	n := len(c.Categories)
	band := 100 / float64(max(n, 1))
	k := max(len(c.Series), 1)
	barW := band * 0.8 / float64(k)
	for si, s := range c.Series {
		b.raw(`<g class="series s` + itoa(si+1) + `" fill="currentColor" fill-opacity="` + opacities[si%len(opacities)] + `">`)
		for i, v := range s.Values {
			if i >= n || math.IsNaN(v) {
				continue
			}
			x := float64(i)*band + band*0.1 + float64(si)*barW
			h := max(bottom-y(v), 0)
			b.raw(`<rect x="` + pct(x) + `" y="` + num(bottom-h) + `" width="` + pct(barW) + `" height="` + num(h) + `"><title>`)
			label := c.Categories[i] + ": " + format(v)
			if len(c.Series) > 1 || s.Name != "" {
				label += " " + s.Name
			}
			b.text(label)
			b.raw("</title></rect>")
		}
		b.raw("</g>\n")
	}
	// Value ticks, over the bars, each just above its grid line; the top
	// one names the unit.
	b.raw(`<g class="axis y-axis" fill="currentColor" font-size="` + itoa(fontSize) + `">`)
	for i, t := range ticks[1:] {
		b.raw(`<text x="0" y="` + num(y(t)-4) + `">`)
		b.text(format(t))
		if i == len(ticks)-2 && c.YLabel != "" {
			b.text(" " + c.YLabel)
		}
		b.raw(`</text>`)
	}
	b.raw("</g>\n")
	// X axis: the baseline, and as many category labels as fit.
	base := num(bottom)
	b.raw(`<g class="axis x-axis" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle">`)
	b.raw(`<line x1="0" x2="100%" y1="` + base + `" y2="` + base + `" stroke="currentColor"/>`)
	widest := 1
	for _, cat := range c.Categories {
		widest = max(widest, len([]rune(cat)))
	}
	every := func(w int) int {
		return max(1, int(math.Ceil(float64((widest+2)*charWidth*max(n, 1))/float64(w))))
	}
	narrow, wide := every(narrowW), every(wideW)
	for i, cat := range c.Categories {
		back := n - 1 - i // keep the newest category labelled
		if back%wide != 0 && back%narrow != 0 {
			continue
		}
		// Labels wider than their band at the narrow width would stand
		// out of the chart at its ends: those two end at the edge.
		x, anchor := pct((float64(i)+0.5)*band), ""
		if float64(widest*charWidth) > band*narrowW/100 {
			switch i {
			case 0:
				x, anchor = "0", ` text-anchor="start"`
			case n - 1:
				x, anchor = "100%", ` text-anchor="end"`
			}
		}
		b.raw(`<text x="` + x + `" y="` + num(bottom+16) + `"` + anchor)
		if back%narrow != 0 {
			b.raw(` class="wide"`)
		}
		b.raw(`>`)
		b.text(cat)
		b.raw(`</text>`)
	}
	b.raw("</g>\n")
	b.raw(`<text class="axis-label" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle" x="50%" y="` + itoa(height-6) + `">`)
	b.text(c.XLabel)
	b.raw("</text>\n")
	b.close()
	return b.svg()
}

// legend writes the title and, with more than one series, a key on the
// line below it.
func (c Bars) legend(b *builder) {
	b.raw(`<text class="chart-title" fill="currentColor" font-size="14" font-weight="bold" x="0" y="16">`)
	b.text(c.Title)
	b.raw("</text>\n")
	if len(c.Series) < 2 {
		return
	}
	b.raw(`<g class="legend" fill="currentColor" font-size="` + itoa(fontSize) + `">`)
	x := 0
	for si, s := range c.Series {
		b.raw(`<rect class="s` + itoa(si+1) + `" x="` + itoa(x) + `" y="` + itoa(titleH+2) + `" width="12" height="12" fill="currentColor" fill-opacity="` + opacities[si%len(opacities)] + `"/>`)
		b.raw(`<text x="` + itoa(x+16) + `" y="` + itoa(titleH+12) + `">`)
		b.text(s.Name)
		b.raw(`</text>`)
		x += 16 + len([]rune(s.Name))*charWidth + 16
	}
	b.raw("</g>\n")
}

// HBars is a horizontal bar chart of ranked values, such as the services
// most often hit: each label on a line of its own above its bar, so that
// long names are shown whole at any width.
type HBars struct {
	Title, Desc string
	// Unit names the values, for the axis: "reports", "% answered yes".
	Unit   string
	Labels []string
	Values []float64
	// Max is the end of the value axis; 0 picks one from the values.
	Max    float64
	Format func(float64) string
	Whole  bool // the values are counts: whole-number ticks
}

// Geometry of the horizontal bar chart: pixels down, percent across.
const (
	rowH     = 38 // a label's line and its bar
	barH     = 13
	maxLabel = 60 // characters of a label shown before it is cut
	hMarginT = 28
	hMarginB = 40
	// hPlotW is the share of the width the longest bar may take; the rest
	// is room for its value.
	hPlotW = 86.0
)

// SVG draws the chart.
func (c HBars) SVG() string {
	format := c.Format
	if format == nil {
		format = Compact
	}
	n := len(c.Labels)
	h := hMarginT + n*rowH + hMarginB
	var b builder
	b.open(c.Title, c.Desc, h)
	top := c.Max
	if top <= 0 {
		for _, v := range c.Values {
			top = max(top, v)
		}
	}
	ticks := ticksFor(top, c.Whole)
	xmax := ticks[len(ticks)-1]
	x := func(v float64) float64 { return v / xmax * hPlotW }
	b.raw(`<text class="chart-title" fill="currentColor" font-size="14" font-weight="bold" x="0" y="16">`)
	b.text(c.Title)
	b.raw("</text>\n")
	bottom := hMarginT + n*rowH
	b.raw(`<g class="axis x-axis" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle">`)
	for i, t := range ticks {
		xx := pct(x(t))
		b.raw(`<line x1="` + xx + `" x2="` + xx + `" y1="` + itoa(hMarginT) + `" y2="` + itoa(bottom) + `" stroke="currentColor" stroke-opacity="0.2"/>`)
		b.raw(`<text x="` + xx + `" y="` + itoa(bottom+16) + `"`)
		if i == 0 {
			b.raw(` text-anchor="start"`)
		}
		b.raw(`>`)
		b.text(format(t))
		b.raw(`</text>`)
	}
	b.raw("</g>\n")
	b.raw(`<text class="axis-label" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle" x="` + pct(hPlotW/2) + `" y="` + itoa(h-6) + `">`)
	b.text(c.Unit)
	b.raw("</text>\n")
	// Bars in the series' colour; labels and values in the text's.
	value := func(i int) float64 {
		if i < len(c.Values) {
			return c.Values[i]
		}
		return 0
	}
	b.raw(`<g class="series s1" fill="currentColor" fill-opacity="` + opacities[0] + `">`)
	for i, label := range c.Labels {
		b.raw(`<rect x="0" y="` + itoa(hMarginT+i*rowH+22) + `" width="` + pct(max(x(value(i)), 0)) + `" height="` + itoa(barH) + `"><title>`)
		b.text(label + ": " + format(value(i)))
		b.raw(`</title></rect>`)
	}
	b.raw("</g>\n")
	b.raw(`<g class="labels" fill="currentColor" font-size="` + itoa(fontSize) + `">`)
	for i, label := range c.Labels {
		yy := hMarginT + i*rowH
		b.raw(`<text x="0" y="` + itoa(yy+17) + `">`)
		b.text(cut(label, maxLabel))
		b.raw(`</text><text x="` + pct(max(x(value(i)), 0)) + `" dx="5" y="` + itoa(yy+33) + `">`)
		b.text(format(value(i)))
		b.raw("</text>")
	}
	b.raw("</g>\n")
	b.close()
	return b.svg()
}

// Sparkline is a word-sized bar chart without axes, such as reports per
// year beside a heading.
type Sparkline struct {
	Title, Desc string
	Values      []float64
}

// Sparkline geometry.
const (
	sparkBar = 6
	sparkGap = 2
	sparkH   = 24
)

// SVG draws the sparkline; a zero value shows as a thin baseline mark.
func (s Sparkline) SVG() string {
	w := max(len(s.Values)*(sparkBar+sparkGap), sparkBar)
	var b builder
	b.openFixed(s.Title, s.Desc, w, sparkH)
	top := 0.0
	for _, v := range s.Values {
		top = max(top, v)
	}
	b.raw(`<g class="series s1" fill="currentColor">`)
	for i, v := range s.Values {
		h := 1.0
		if top > 0 && v > 0 {
			h = max(v/top*(sparkH-1), 2)
		}
		b.raw(`<rect x="` + itoa(i*(sparkBar+sparkGap)) + `" y="` + num(sparkH-h) + `" width="` + itoa(sparkBar) + `" height="` + num(h) + `"`)
		if v <= 0 {
			b.raw(` class="zero" fill-opacity="0.35"`)
		}
		b.raw("/>")
	}
	b.raw("</g>\n")
	b.close()
	return b.svg()
}

// ticksFor returns the ticks of an axis up to top, whole numbers for
// counts.
func ticksFor(top float64, whole bool) []float64 {
	if whole && top < 4 {
		top = math.Max(math.Ceil(top), 1)
		out := make([]float64, int(top)+1)
		for i := range out {
			out[i] = float64(i)
		}
		return out
	}
	return ticks(top, 4, whole)
}

// Ticks returns about n+1 evenly spaced round values from 0 to at least
// top: 0, 5, 10, 15, 20 for a top of 17.
func Ticks(top float64, n int) []float64 { return ticks(top, n, false) }

func ticks(top float64, n int, whole bool) []float64 {
	if !(top > 0) || math.IsInf(top, 0) {
		return []float64{0, 1}
	}
	raw := top / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag * 10
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if whole && m*mag != math.Round(m*mag) {
			continue
		}
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if top < 1 && step < 0.1 {
		step = 0.1 // a share's axis needs no finer steps than 10%
	}
	var out []float64
	for i := 0; ; i++ {
		v := float64(i) * step
		out = append(out, roundTo(v, step))
		if v >= top*(1-1e-9) {
			break
		}
	}
	return out
}

// roundTo removes the floating-point noise of i·step: steps from 1 up
// have at most one decimal (2.5), smaller ones one more than their size.
func roundTo(v, step float64) float64 {
	if step >= 1 {
		return math.Round(v*10) / 10
	}
	d := math.Pow(10, math.Ceil(-math.Log10(step))+1)
	return math.Round(v*d) / d
}

// Compact writes a number briefly: 950, 1.5k, 12k, 3.4M, 0.25.
func Compact(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e9:
		return trim(v/1e9) + "G"
	case a >= 1e6:
		return trim(v/1e6) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(math.Round(v/1e3), 'f', -1, 64) + "k"
	case a >= 1e3:
		return trim(v/1e3) + "k"
	}
	return trim(v)
}

// trim writes v with at most one decimal, or two below 1.
func trim(v float64) string {
	prec := 1
	if math.Abs(v) < 1 {
		prec = 2
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// cut shortens s to n characters, marking the cut with an ellipsis.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// builder writes SVG markup.
type builder struct{ strings.Builder }

func (b *builder) raw(s string) { b.WriteString(s) }

// svg is the chart written. A chart smaller than the room start made
// for it is copied into a string of its own size: a site keeps a
// service's sparkline for each of its pages, and 100,000 reports have
// tens of thousands of services, causes and responders (4 KB each held
// 190 MB, ten times what the charts are).
func (b *builder) svg() string {
	if b.Cap() > b.Len()+b.Len()/4 {
		return strings.Clone(b.String())
	}
	return b.String()
}
func (b *builder) text(s string) { b.WriteString(html.EscapeString(s)) }

// open starts a chart that fills the width it is given and is h pixels
// high, without a viewBox, so that its text keeps the page's size.
func (b *builder) open(title, desc string, h int) {
	b.start(title, desc, `width="100%" height="`+itoa(h)+`"`)
}

// openFixed starts a chart of a fixed size, w by h, that scales as a
// picture would: a sparkline.
func (b *builder) openFixed(title, desc string, w, h int) {
	b.start(title, desc, `viewBox="0 0 `+itoa(w)+` `+itoa(h)+`" width="`+itoa(w)+`" height="`+itoa(h)+`"`)
}

func (b *builder) start(title, desc, size string) {
	b.Grow(4096)
	b.raw(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" ` + size + ` role="img" aria-label="`)
	b.text(title)
	b.raw(`"><title>`)
	b.text(title)
	b.raw("</title>")
	if desc != "" {
		b.raw("<desc>")
		b.text(desc)
		b.raw("</desc>")
	}
	b.raw("\n")
}

func (b *builder) close() { b.raw("</svg>") }

func itoa(i int) string { return strconv.Itoa(i) }

// pct writes a share of the chart's width, in percent with at most two
// decimals: a tenth of a pixel on a 1,000 px chart.
func pct(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "%"
}

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
