package markdown

import (
	"bytes"
	"reflect"
	"slices"
	"testing"
)

func TestResultRoundTrip(t *testing.T) {
	r := newTestRenderer(false)
	for _, tt := range []struct{ name, md string }{
		{"empty", ""},
		{"prose", "Just words.\n"},
		{"everything", "## Summary\n\nThe API failed; see 2017-11-20 ores and T418722.\n\n## Timeline\n\n### 10:00\n\n`kubectl rollout undo deploy/api` fixed it.\n\n```\nERROR upstream connect error or disconnect/reset\n```\n\n## Timeline\n\nA second heading of the same name.\n"},
		{"raw HTML left out", "<script>alert(1)</script>\n\nText.\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := r.Render([]byte(tt.md))
			if err != nil {
				t.Fatal(err)
			}
			data := res.AppendBinary(nil)
			if again := res.AppendBinary(nil); !bytes.Equal(data, again) {
				t.Fatal("one result encodes to different bytes twice")
			}
			got, err := DecodeResult(data)
			if err != nil {
				t.Fatal(err)
			}
			// The result keeps no part of data, which the build cache
			// reuses for the next record.
			for i := range data {
				data[i] = 0xAA
			}
			if !reflect.DeepEqual(got, res) {
				t.Errorf("round trip changed the result:\n got %#v\nwant %#v", got, res)
			}
		})
	}
}

// fullResult has every field set.
func fullResult() *Result {
	return &Result{
		HTML:     []byte("<p>x</p>"),
		TOC:      []Heading{{Level: 2, ID: "summary", Text: "Summary"}},
		Anchors:  map[string]bool{"summary": true, "odd": false},
		Mentions: []string{"2017-11-20 ores"},
		Tasks:    []string{"T1"},
		Plain:    PlainText{Summary: "s", Rest: "r"},
		Quoted:   []string{"kubectl get pods"},
	}
}

// TestResultBinaryCoversEveryField fails when Result gains a field that
// fullResult leaves unset: set it there, and encode it in AppendBinary.
func TestResultBinaryCoversEveryField(t *testing.T) {
	for _, res := range []*Result{fullResult(), {}, {HTML: []byte{}, TOC: []Heading{}, Anchors: map[string]bool{}, Mentions: []string{}}} {
		got, err := DecodeResult(res.AppendBinary(nil))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, res) {
			t.Errorf("round trip changed the result:\n got %#v\nwant %#v", got, res)
		}
	}
	v := reflect.ValueOf(fullResult()).Elem()
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("fullResult leaves %s unset", v.Type().Field(i).Name)
		}
	}
	p := reflect.ValueOf(fullResult().Plain)
	for i := range p.NumField() {
		if p.Field(i).IsZero() {
			t.Errorf("fullResult leaves Plain.%s unset", p.Type().Field(i).Name)
		}
	}
}

func TestDecodeResultDamaged(t *testing.T) {
	data := fullResult().AppendBinary(nil)
	for n := range len(data) {
		if _, err := DecodeResult(data[:n]); err == nil {
			t.Fatalf("the first %d of %d bytes decoded without an error", n, len(data))
		}
	}
	if _, err := DecodeResult(append(data, 0)); err == nil {
		t.Error("a byte too many decoded without an error")
	}
	if _, err := DecodeResult(append([]byte{binaryVersion + 1}, data[1:]...)); err == nil {
		t.Error("another encoding version decoded without an error")
	}
}

// TestPartialDecoders: DecodeSlim, DecodePage and DecodeText each give
// their parts of the result as DecodeResult does and leave out the
// others, keep no part of the data, and refuse what DecodeResult refuses;
// DecodeSlim's sum is the result's TextSum, which changes with the text
// and the quoted lines only.
func TestPartialDecoders(t *testing.T) {
	full := fullResult()
	data := full.AppendBinary(nil)
	slim, sum, err := DecodeSlim(slices.Clone(data))
	want := &Result{Mentions: full.Mentions, Tasks: full.Tasks}
	if err != nil || !reflect.DeepEqual(slim, want) || sum != full.TextSum() {
		t.Errorf("DecodeSlim = %#v, %x, %v; want %#v, %x", slim, sum, err, want, full.TextSum())
	}
	html, toc, err := DecodePage(slices.Clone(data))
	if err != nil || string(html) != string(full.HTML) || !reflect.DeepEqual(toc, full.TOC) {
		t.Errorf("DecodePage = %q, %+v, %v", html, toc, err)
	}
	buf := slices.Clone(data)
	plain, quoted, err := DecodeText(buf)
	for i := range buf {
		buf[i] = 0xAA
	}
	if err != nil || plain != full.Plain || !reflect.DeepEqual(quoted, full.Quoted) {
		t.Errorf("DecodeText = %+v, %q, %v", plain, quoted, err)
	}
	for _, edit := range []func(*Result){
		func(r *Result) { r.Plain.Summary += "." },
		func(r *Result) { r.Plain.Rest = "" },
		func(r *Result) { r.Quoted = append(r.Quoted, "more") },
	} {
		r := fullResult()
		edit(r)
		if r.TextSum() == full.TextSum() {
			t.Errorf("%+v %q: the same TextSum as the result before the edit", r.Plain, r.Quoted)
		}
	}
	r := fullResult()
	r.HTML, r.Mentions = []byte("<p>other</p>"), nil
	if r.TextSum() != full.TextSum() {
		t.Error("another HTML and mentions changed the TextSum")
	}
	for n := range len(data) {
		_, _, errSlim := DecodeSlim(data[:n])
		_, _, errHTML := DecodePage(data[:n])
		_, _, errText := DecodeText(data[:n])
		if errSlim == nil || errHTML == nil || errText == nil {
			t.Fatalf("the first %d of %d bytes decoded without an error: %v, %v, %v", n, len(data), errSlim, errHTML, errText)
		}
	}
	if _, _, err := DecodeSlim(append(data, 0)); err == nil {
		t.Error("DecodeSlim: a byte too many decoded without an error")
	}
}

// FuzzResultRoundTrip: every rendered body encodes and decodes back to
// itself, and DecodeResult takes any bytes without panicking.
func FuzzResultRoundTrip(f *testing.F) {
	f.Add("## Summary\n\nSee 2017-11-20 ores and T418722.\n\n```\nlog line here\n```\n")
	f.Add("# A\n## A\n### A\n`code span long enough`\n")
	f.Add(string(fullResult().AppendBinary(nil)))
	r := newTestRenderer(false)
	f.Fuzz(func(t *testing.T, md string) {
		DecodeResult([]byte(md))
		res, err := r.Render([]byte(md))
		if err != nil {
			return // over the limits
		}
		got, err := DecodeResult(res.AppendBinary(nil))
		if err != nil || !reflect.DeepEqual(got, res) {
			t.Errorf("round trip changed the result (%v):\n got %#v\nwant %#v", err, got, res)
		}
		if _, sum, err := DecodeSlim(res.AppendBinary(nil)); err != nil || sum != res.TextSum() {
			t.Errorf("DecodeSlim's sum %x (%v), the result's TextSum %x", sum, err, res.TextSum())
		}
	})
}
