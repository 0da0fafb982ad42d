package markdown

import (
	"fmt"
	"maps"
	"slices"

	"github.com/incidents-archive/incidents/generator/internal/wire"
)

// binaryVersion changes whenever the encoding of AppendBinary changes.
const binaryVersion = 1

// AppendBinary appends the encoding of r, which DecodeResult turns back
// into a Result reflect.DeepEqual to r. The build cache keeps rendered
// bodies this way (see package generator).
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
	b = wire.AppendString(b, r.Plain.Summary)
	b = wire.AppendString(b, r.Plain.Rest)
	return wire.AppendStrings(b, r.Quoted)
}

// DecodeResult decodes what AppendBinary wrote. Damaged or truncated
// data, or data of another encoding version, is an error. The Result
// keeps no part of data: the caller may reuse it.
func DecodeResult(data []byte) (*Result, error) {
	r := wire.NewReader(data)
	if v := r.Uint(); v != binaryVersion {
		return nil, fmt.Errorf("rendered body: encoding %d, not %d", v, binaryVersion)
	}
	res := &Result{HTML: r.Bytes()}
	if n := r.Len(); n >= 0 {
		res.TOC = make([]Heading, n)
		for i := range res.TOC {
			res.TOC[i] = Heading{Level: int(r.Int()), ID: r.String(), Text: r.String()}
		}
	}
	if n := r.Len(); n >= 0 {
		res.Anchors = make(map[string]bool, n)
		for range n {
			k := r.String()
			res.Anchors[k] = r.Bool()
		}
	}
	res.Mentions, res.Tasks = r.Strings(), r.Strings()
	res.Plain.Summary, res.Plain.Rest = r.String(), r.String()
	res.Quoted = r.Strings()
	if err := r.Done(); err != nil {
		return nil, fmt.Errorf("rendered body: %w", err)
	}
	return res, nil
}
