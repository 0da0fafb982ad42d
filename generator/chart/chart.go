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
	// "incidents", "hours".
	XLabel, YLabel string
	Categories     []string
	Series         []Series
	// Format writes a value for tick labels and tooltips; nil writes
	// numbers compactly (1.5k, 2M).
	Format func(float64) string
	// Whole says the values are counts, so that ticks are whole numbers.
	Whole bool
}

// Geometry of the bar chart, in SVG user units.
const (
	width     = 640
	height    = 260
	marginL   = 60
	marginR   = 12
	marginT   = 34
	marginB   = 46
	fontSize  = 12
	charWidth = 7 // a generous average width of a digit at fontSize
)

// opacities tell series apart without colour.
var opacities = []string{"0.9", "0.5", "0.25"}

// SVG draws the chart.
func (c Bars) SVG() string {
	format := c.Format
	if format == nil {
		format = Compact
	}
	var b builder
	b.open(c.Title, c.Desc, width, height)
	top := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) && v > top {
				top = v
			}
		}
	}
	ticks := ticksFor(top, c.Whole)
	ymax := ticks[len(ticks)-1]
	plotW, plotH := float64(width-marginL-marginR), float64(height-marginT-marginB)
	y := func(v float64) float64 { return marginT + plotH - v/ymax*plotH }
	// Grid and y axis.
	b.raw(`<g class="axis y-axis" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="end">`)
	for _, t := range ticks {
		yy := num(y(t))
		b.raw(`<line x1="` + itoa(marginL) + `" x2="` + itoa(width-marginR) + `" y1="` + yy + `" y2="` + yy + `" stroke="currentColor" stroke-opacity="0.2"/>`)
		b.raw(`<text x="` + itoa(marginL-6) + `" y="` + num(y(t)+4) + `">`)
		b.text(format(t))
		b.raw(`</text>`)
	}
	b.raw(`</g>` + "\n")
	b.raw(`<text class="axis-label" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle" transform="translate(14 ` + num(marginT+plotH/2) + `) rotate(-90)">`)
	b.text(c.YLabel)
	b.raw("</text>\n")
	// Bars.
	n := len(c.Categories)
	band := plotW / float64(max(n, 1))
	k := max(len(c.Series), 1)
	barW := band * 0.8 / float64(k)
	for si, s := range c.Series {
		b.raw(`<g class="series s` + itoa(si+1) + `" fill="currentColor" fill-opacity="` + opacities[si%len(opacities)] + `">`)
		for i, v := range s.Values {
			if i >= n || math.IsNaN(v) {
				continue
			}
			x := marginL + float64(i)*band + band*0.1 + float64(si)*barW
			h := max(plotH-(y(v)-marginT), 0)
			b.raw(`<rect x="` + num(x) + `" y="` + num(marginT+plotH-h) + `" width="` + num(barW) + `" height="` + num(h) + `"><title>`)
			label := c.Categories[i] + ": " + format(v)
			if len(c.Series) > 1 || s.Name != "" {
				label += " " + s.Name
			}
			b.text(label)
			b.raw("</title></rect>")
		}
		b.raw("</g>\n")
	}
	// X axis: the baseline, and as many category labels as fit.
	base := num(marginT + plotH)
	b.raw(`<g class="axis x-axis" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle">`)
	b.raw(`<line x1="` + itoa(marginL) + `" x2="` + itoa(width-marginR) + `" y1="` + base + `" y2="` + base + `" stroke="currentColor"/>`)
	widest := 1
	for _, cat := range c.Categories {
		widest = max(widest, len(cat))
	}
	every := max(1, int(math.Ceil(float64((widest+2)*charWidth)/band)))
	for i, cat := range c.Categories {
		if (n-1-i)%every != 0 {
			continue // keep the newest category labelled
		}
		b.raw(`<text x="` + num(marginL+(float64(i)+0.5)*band) + `" y="` + num(marginT+plotH+16) + `">`)
		b.text(cat)
		b.raw(`</text>`)
	}
	b.raw("</g>\n")
	b.raw(`<text class="axis-label" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle" x="` + num(marginL+plotW/2) + `" y="` + itoa(height-8) + `">`)
	b.text(c.XLabel)
	b.raw("</text>\n")
	c.legend(&b)
	b.close()
	return b.String()
}

// legend writes the title and, with more than one series, a key.
func (c Bars) legend(b *builder) {
	b.raw(`<text class="chart-title" fill="currentColor" font-size="14" font-weight="bold" x="0" y="16">`)
	b.text(c.Title)
	b.raw("</text>\n")
	if len(c.Series) < 2 {
		return
	}
	x := width - marginR
	// Right-aligned: lay the key out from the right edge leftwards.
	var items []string
	for si := len(c.Series) - 1; si >= 0; si-- {
		name := c.Series[si].Name
		w := len(name)*charWidth + 18
		x -= w
		var item strings.Builder
		item.WriteString(`<rect class="s` + itoa(si+1) + `" x="` + itoa(x) + `" y="6" width="12" height="12" fill="currentColor" fill-opacity="` + opacities[si%len(opacities)] + `"/>`)
		item.WriteString(`<text x="` + itoa(x+16) + `" y="16">` + html.EscapeString(name) + `</text>`)
		items = append(items, item.String())
		x -= 8
	}
	b.raw(`<g class="legend" fill="currentColor" font-size="` + itoa(fontSize) + `">`)
	for i := len(items) - 1; i >= 0; i-- {
		b.raw(items[i])
	}
	b.raw("</g>\n")
}

// HBars is a horizontal bar chart of ranked values, such as the services
// most often hit, one labelled bar per line.
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

// Geometry of the horizontal bar chart.
const (
	rowH      = 22
	hLabelW   = 190
	maxLabel  = 26 // characters of a label shown before it is cut
	hMarginT  = 28
	hMarginB  = 40
	hValueGap = 56
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
	b.open(c.Title, c.Desc, width, h)
	top := c.Max
	if top <= 0 {
		for _, v := range c.Values {
			top = max(top, v)
		}
	}
	ticks := ticksFor(top, c.Whole)
	xmax := ticks[len(ticks)-1]
	plotW := float64(width - hLabelW - hValueGap)
	x := func(v float64) float64 { return hLabelW + v/xmax*plotW }
	b.raw(`<text class="chart-title" fill="currentColor" font-size="14" font-weight="bold" x="0" y="16">`)
	b.text(c.Title)
	b.raw("</text>\n")
	bottom := hMarginT + n*rowH
	b.raw(`<g class="axis x-axis" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle">`)
	for _, t := range ticks {
		xx := num(x(t))
		b.raw(`<line x1="` + xx + `" x2="` + xx + `" y1="` + itoa(hMarginT) + `" y2="` + itoa(bottom) + `" stroke="currentColor" stroke-opacity="0.2"/>`)
		b.raw(`<text x="` + xx + `" y="` + itoa(bottom+16) + `">`)
		b.text(format(t))
		b.raw(`</text>`)
	}
	b.raw("</g>\n")
	b.raw(`<text class="axis-label" fill="currentColor" font-size="` + itoa(fontSize) + `" text-anchor="middle" x="` + num(hLabelW+plotW/2) + `" y="` + itoa(h-6) + `">`)
	b.text(c.Unit)
	b.raw("</text>\n")
	b.raw(`<g class="series s1" fill="currentColor" font-size="` + itoa(fontSize) + `">`)
	for i, label := range c.Labels {
		v := 0.0
		if i < len(c.Values) {
			v = c.Values[i]
		}
		yy := hMarginT + i*rowH
		b.raw(`<text x="` + itoa(hLabelW-6) + `" y="` + itoa(yy+15) + `" text-anchor="end">`)
		b.text(cut(label, maxLabel))
		b.raw(`</text><rect x="` + itoa(hLabelW) + `" y="` + itoa(yy+3) + `" width="` + num(max(x(v)-hLabelW, 0)) + `" height="` + itoa(rowH-6) + `" fill-opacity="` + opacities[0] + `"><title>`)
		b.text(label + ": " + format(v))
		b.raw(`</title></rect><text x="` + num(x(v)+4) + `" y="` + itoa(yy+15) + `">`)
		b.text(format(v))
		b.raw("</text>")
	}
	b.raw("</g>\n")
	b.close()
	return b.String()
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
	b.open(s.Title, s.Desc, w, sparkH)
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
	return b.String()
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

func (b *builder) raw(s string)  { b.WriteString(s) }
func (b *builder) text(s string) { b.WriteString(html.EscapeString(s)) }

func (b *builder) open(title, desc string, w, h int) {
	b.Grow(4096)
	b.raw(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + itoa(w) + ` ` + itoa(h) + `" width="` + itoa(w) + `" height="` + itoa(h) + `" role="img" aria-label="`)
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

// num writes a coordinate with at most one decimal.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}
