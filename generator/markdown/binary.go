package markdown

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"

	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// binaryVersion changes whenever the encoding of AppendBinary changes.
const binaryVersion = 1

// AppendBinary appends the encoding of r, which DecodeResult turns back
// into a Result reflect.DeepEqual to r. The build cache keeps rendered
// bodies this way (see package generator). The plain text and quoted
// lines come last (appendText), so that DecodeSlim can hash them without
// decoding them.
func (r *Result) AppendBinary(b []byte) []byte {
	b = wire.AppendUint(b, binaryVersion)
	b = wire.AppendBytes(b, r.HTML)
	b = wire.AppendLen(b, r.TOC == nil, len(r.TOC))
	for _, h := range r.TOC {
		b = wire.AppendInt(b, int64(h.Level))
		b = wire.AppendString(b, h.ID)
		b = wire.AppendString(b, h.Text)
	}
	// Sorted: one result always encodes to the same bytes.
	b = wire.AppendLen(b, r.Anchors == nil, len(r.Anchors))
	for _, k := range slices.Sorted(maps.Keys(r.Anchors)) {
		b = wire.AppendString(b, k)
		b = wire.AppendBool(b, r.Anchors[k])
	}
	b = wire.AppendStrings(b, r.Mentions)
	b = wire.AppendStrings(b, r.Tasks)
	return r.appendText(b)
}

// appendText appends the end of AppendBinary's encoding: the plain text
// and the quoted lines.
func (r *Result) appendText(b []byte) []byte {
	b = wire.AppendString(b, r.Plain.Summary)
	b = wire.AppendString(b, r.Plain.Rest)
	return wire.AppendStrings(b, r.Quoted)
}

// TextSum is the SHA-256 of r's plain text and quoted lines as
// AppendBinary lays them out: what repeat detection reads of a body, which
// DecodeSlim gives without decoding them.
func (r *Result) TextSum() [sha256.Size]byte {
	return sha256.Sum256(r.appendText(nil))
}

// The parts of a Result that decode may leave out.
type parts uint8

const (
	partHTML    parts = 1 << iota // the HTML
	partTOC                       // the table of contents
	partAnchors                   // the anchors
	partText                      // the plain text and the quoted lines
	partAll     = partHTML | partTOC | partAnchors | partText
)

// DecodeResult decodes what AppendBinary wrote. Damaged or truncated
// data, or data of another encoding version, is an error. The Result
// keeps no part of data: the caller may reuse it.
func DecodeResult(data []byte) (*Result, error) {
	res, _, err := decode(data, partAll)
	return res, err
}

// DecodeSlim decodes the mentions and the tasks of what AppendBinary
// wrote, leaving the other parts out (nil, empty), and returns the
// TextSum of the result encoded: what a build reads of every body when it
// writes few of their pages again. It checks the whole encoding, as
// DecodeResult does, and keeps no part of data.
func DecodeSlim(data []byte) (*Result, [sha256.Size]byte, error) {
	res, text, err := decode(data, 0)
	if err != nil {
		return nil, [sha256.Size]byte{}, err
	}
	return res, sha256.Sum256(text), nil
}

// DecodePage decodes the HTML and the table of contents of what
// AppendBinary wrote, what a page shows of the body, and checks the rest
// of it. It keeps no part of data.
func DecodePage(data []byte) ([]byte, []Heading, error) {
	res, _, err := decode(data, partHTML|partTOC)
	if err != nil {
		return nil, nil, err
	}
	return res.HTML, res.TOC, nil
}

// DecodeText decodes the plain text and the quoted lines of what
// AppendBinary wrote, and checks the rest of it. It keeps no part of
// data.
func DecodeText(data []byte) (PlainText, []string, error) {
	res, _, err := decode(data, partText)
	if err != nil {
		return PlainText{}, nil, err
	}
	return res.Plain, res.Quoted, nil
}

// decode decodes what AppendBinary wrote, the mentions and the tasks
// always and the other parts when want has them,
// and returns the encoding of the plain text and the quoted lines, which
// is part of data.
func decode(data []byte, want parts) (*Result, []byte, error) {
	r := wire.NewReader(data)
	if v := r.Uint(); v != binaryVersion {
		return nil, nil, fmt.Errorf("rendered body: encoding %d, not %d", v, binaryVersion)
	}
	res := &Result{}
	if want&partHTML != 0 {
		res.HTML = r.Bytes()
	} else {
		r.BytesView()
	}
	if n := r.Len(); n >= 0 {
		if want&partTOC != 0 {
			res.TOC = make([]Heading, n)
		}
		for i := range n {
			if res.TOC == nil {
				r.Int()
				r.SkipString()
				r.SkipString()
				continue
			}
			res.TOC[i] = Heading{Level: int(r.Int()), ID: r.String(), Text: r.String()}
		}
	}
	if n := r.Len(); n >= 0 {
		if want&partAnchors != 0 {
			res.Anchors = make(map[string]bool, n)
		}
		for range n {
			if res.Anchors == nil {
				r.SkipString()
				r.Bool()
				continue
			}
			k := r.String()
			res.Anchors[k] = r.Bool()
		}
	}
	res.Mentions, res.Tasks = r.Strings(), r.Strings()
	if err := r.Err(); err != nil {
		return nil, nil, fmt.Errorf("rendered body: %w", err)
	}
	text := r.Rest()
	t := wire.NewReader(text)
	if want&partText != 0 {
		res.Plain.Summary, res.Plain.Rest = t.String(), t.String()
		res.Quoted = t.Strings()
	} else {
		t.SkipString()
		t.SkipString()
		t.SkipStrings()
	}
	if err := t.Done(); err != nil {
		return nil, nil, fmt.Errorf("rendered body: %w", err)
	}
	return res, text, nil
}
