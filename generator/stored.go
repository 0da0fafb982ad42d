package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/lint"
	"github.com/incidents-archive/incidents/generator/markdown"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Two entries of the build cache hold one record per report, so that a
// build after an edit decodes and renders only what the edit changed
// (see cached.go for the others):
//
//   - "reports": what decoding each report file gave, the report and its
//     problems, named by the file and a hash of its bytes, under a key
//     naming the content folder as diagnostics label it and the settings
//     decoding reads (incident.SiteKey);
//   - "bodies": each rendered body, named by a hash of the analysis
//     stage's body key (everything the HTML depends on, the Markdown
//     included).
//
// Both are buildcache.Records: a build reads each record it takes, writes
// each it computes, and keeps only those it used.

// Kinds of the entries.
const (
	reportsKind = "reports"
	bodiesKind  = "bodies"
)

// decodedReports is the "reports" entry as archive.Load reads it. A
// record holds, besides what decoding the file gave, what the linter's
// checks of the body found (lint.Body), which depends on the file alone:
// a build takes it for each report it did not decode again, rather than
// reading every body once more.
type decodedReports struct {
	recs *buildcache.Records
	// bufs holds the memory records are read into (*[]byte): decoding
	// copies what it keeps, so one buffer serves many records.
	bufs *sync.Pool
	// findings holds lint.Body of each report got or put, by report
	// (*incident.Incident → lint.BodyFindings).
	findings *sync.Map
}

// openReports opens the "reports" entry of cfg's cache for site.
func openReports(cfg Config, site *siteconfig.Site) decodedReports {
	key := buildcache.Key(reportsKind, cfg.Source, incident.SiteKey(site))
	return decodedReports{recs: cfg.Cache.OpenRecords(reportsKind, key, !cfg.Cold), bufs: &sync.Pool{}, findings: &sync.Map{}}
}

// bodyFindings is lint.Body of in, as the entry had it or decoding found
// it, and whether it had.
func (d decodedReports) bodyFindings(in *incident.Incident) (lint.BodyFindings, bool) {
	if d.findings == nil {
		return lint.BodyFindings{}, false
	}
	v, ok := d.findings.Load(in)
	if !ok {
		return lint.BodyFindings{}, false
	}
	return v.(lint.BodyFindings), true
}

// reportName is the name of the record of file, whose bytes have the
// SHA-256 sum.
func reportName(file string, sum [sha256.Size]byte) string {
	return file + "\x00" + string(sum[:])
}

// How a record of "reports" holds the report's body.
const (
	noReport   = 0 // the file is not a report
	bodyAtEnd  = 1 // the body is the end of the file: its length only
	bodyInside = 2 // the body itself
)

// Get implements archive.DecodeCache.
func (d decodedReports) Get(file string, data []byte, sum [sha256.Size]byte) (in *incident.Incident, found []diag.Diagnostic, ok bool) {
	readPooled(d.recs, d.bufs, reportName(file, sum), func(value []byte) {
		in, found, ok = d.decode(value, data)
	})
	return in, found, ok
}

// decode reads a report's record, value, for the file of bytes data.
// Every value it keeps is a copy (wire.NewReader, Reader.Bytes;
// incident.DecodeBinary copies what it reads of its input).
func (d decodedReports) decode(value, data []byte) (*incident.Incident, []diag.Diagnostic, bool) {
	r := wire.NewReader(value)
	var in *incident.Incident
	switch r.Uint() {
	case noReport:
	case bodyAtEnd:
		// The body's length plus one, 0 for none (see Put).
		n := int64(r.Uint()) - 1
		var body []byte
		if n > int64(len(data)) {
			return nil, nil, false
		}
		if n >= 0 {
			// A copy, as decoding makes: not the whole file's buffer.
			body = append(make([]byte, 0, n), data[int64(len(data))-n:]...)
		}
		var err error
		if in, err = incident.DecodeBinary(r.BytesView(), body); err != nil {
			return nil, nil, false
		}
	case bodyInside:
		body := r.Bytes()
		var err error
		if in, err = incident.DecodeBinary(r.BytesView(), body); err != nil {
			return nil, nil, false
		}
	default:
		return nil, nil, false
	}
	found := readDiagnostics(r)
	body := lint.BodyFindings{TemplateText: readDiagnostics(r), Timeline: readDiagnostics(r)}
	if r.Done() != nil {
		return nil, nil, false
	}
	if in != nil {
		d.findings.Store(in, body)
	}
	return in, found, true
}

// Put implements archive.DecodeCache.
func (d decodedReports) Put(file string, data []byte, sum [sha256.Size]byte, in *incident.Incident, found []diag.Diagnostic) {
	var b []byte
	switch {
	case in == nil:
		b = wire.AppendUint(b, noReport)
	case bytes.HasSuffix(data, in.Body):
		b = wire.AppendUint(b, bodyAtEnd)
		// Not wire.AppendLen, whose reader checks a length against what
		// is left of the record: the body is not in it.
		if in.Body == nil {
			b = wire.AppendUint(b, 0)
		} else {
			b = wire.AppendUint(b, uint64(len(in.Body))+1)
		}
		b = wire.AppendBytes(b, in.AppendBinary(nil))
	default:
		b = wire.AppendUint(b, bodyInside)
		b = wire.AppendBytes(b, in.Body)
		b = wire.AppendBytes(b, in.AppendBinary(nil))
	}
	b = appendDiagnostics(b, found)
	var body lint.BodyFindings
	if in != nil {
		body = lint.Body(in)
		d.findings.Store(in, body)
	}
	b = appendDiagnostics(b, body.TemplateText)
	b = appendDiagnostics(b, body.Timeline)
	d.recs.Put(reportName(file, sum), b)
}

func appendDiagnostics(b []byte, list []diag.Diagnostic) []byte {
	b = wire.AppendLen(b, list == nil, len(list))
	for i, d := range list {
		b = wire.AppendUint(b, uint64(d.Severity))
		// Nearly always the report's own path, as the one before.
		same := i > 0 && d.Path == list[i-1].Path
		b = wire.AppendBool(b, same)
		if !same {
			b = wire.AppendString(b, d.Path)
		}
		b = wire.AppendInt(b, int64(d.Line))
		b = wire.AppendString(b, d.Field)
		b = wire.AppendString(b, d.Message)
	}
	return b
}

// diagnosticsSize is at least the length appendDiagnostics gives list, and
// not much more: a large archive's warnings are megabytes, which a buffer
// grown as they are appended copies many times over.
func diagnosticsSize(list []diag.Diagnostic) int {
	n := binary.MaxVarintLen64
	for _, d := range list {
		// Severity and the path's flag: a byte each; each length and
		// the line: a varint.
		n += 2 + 4*binary.MaxVarintLen64 + len(d.Path) + len(d.Field) + len(d.Message)
	}
	return n
}

func readDiagnostics(r *wire.Reader) []diag.Diagnostic {
	n := r.Len()
	if n < 0 {
		return nil
	}
	out := make([]diag.Diagnostic, n)
	for i := range out {
		sev := diag.Severity(r.Uint())
		if sev != diag.Error && sev != diag.Warning {
			r.Fail()
		}
		var path string
		switch same := r.Bool(); {
		case same && i > 0:
			path = out[i-1].Path
		case same:
			r.Fail()
		default:
			path = r.String()
		}
		out[i] = diag.Diagnostic{Severity: sev, Path: path, Line: int(r.Int()), Field: r.String(), Message: r.String()}
	}
	return out
}

// storedBodies is the "bodies" entry as the analysis stage reads it
// (facts.BodyCache).
type storedBodies struct {
	recs *buildcache.Records
	// bufs holds the memory records are read into (*[]byte), as in
	// decodedReports: markdown.DecodeResult copies what it keeps.
	bufs *sync.Pool
}

// openBodies opens the "bodies" entry of cfg's cache.
func openBodies(cfg Config) storedBodies {
	return storedBodies{recs: cfg.Cache.OpenRecords(bodiesKind, bodiesKind, !cfg.Cold), bufs: &sync.Pool{}}
}

func bodyName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return string(sum[:])
}

// Get implements facts.BodyCache.
func (s storedBodies) Get(key string) (*markdown.Result, bool) {
	var res *markdown.Result
	err := s.decode(key, func(value []byte) (err error) {
		res, err = markdown.DecodeResult(value)
		return err
	})
	return res, err == nil
}

// GetSlim implements facts.SlimBodyCache.
func (s storedBodies) GetSlim(key string) (*markdown.Result, [sha256.Size]byte, bool) {
	var res *markdown.Result
	var sum [sha256.Size]byte
	err := s.decode(key, func(value []byte) (err error) {
		res, sum, err = markdown.DecodeSlim(value)
		return err
	})
	return res, sum, err == nil
}

// Page implements facts.SlimBodyCache.
func (s storedBodies) Page(key string) ([]byte, []markdown.Heading, error) {
	var html []byte
	var toc []markdown.Heading
	err := s.decode(key, func(value []byte) (err error) {
		html, toc, err = markdown.DecodePage(value)
		return err
	})
	return html, toc, err
}

// Text implements facts.SlimBodyCache.
func (s storedBodies) Text(key string) (markdown.PlainText, []string, error) {
	var plain markdown.PlainText
	var quoted []string
	err := s.decode(key, func(value []byte) (err error) {
		plain, quoted, err = markdown.DecodeText(value)
		return err
	})
	return plain, quoted, err
}

// errNoBody is the error of a body the entry held when the build began
// but can no longer give: its record damaged, or the file unreadable.
var errNoBody = errors.New("its rendered body can no longer be read from the build cache (damaged during the build?); the next build renders it again")

// decode reads the record of key into pooled memory and decodes it with
// dec, which must keep no part of it.
func (s storedBodies) decode(key string, dec func([]byte) error) error {
	err := errNoBody
	readPooled(s.recs, s.bufs, bodyName(key), func(value []byte) { err = dec(value) })
	return err
}

// readPooled reads the record name of recs into memory from bufs and
// calls use with it, when recs holds it; use must keep no part of the
// value, whose memory goes back to bufs for the next record.
func readPooled(recs *buildcache.Records, bufs *sync.Pool, name string, use func(value []byte)) {
	var buf []byte
	if p, _ := bufs.Get().(*[]byte); p != nil {
		buf = *p
	}
	value, ok := recs.GetInto(name, buf)
	if !ok {
		if buf != nil {
			bufs.Put(&buf)
		}
		return
	}
	use(value)
	bufs.Put(&value)
}

// Put implements facts.BodyCache.
func (s storedBodies) Put(key string, r *markdown.Result) {
	s.recs.Put(bodyName(key), r.AppendBinary(nil))
}

// saveRecords saves an entry of records, warning in diags when it cannot.
func saveRecords(cfg Config, recs *buildcache.Records, diags *diag.List) {
	if err := recs.Save(); err != nil {
		diags.Warnf(cfg.Cache.Dir(), 0, "", "%s", fmt.Sprintf("the build cache is not kept: %v", err))
	}
}
