// Package archive loads a content folder into the archive model: the site
// settings, every incident report, the free pages, and the indexes that
// relate them (taxonomy terms, years, references between reports).
//
// Loading reads and decodes files in parallel, then checks what involves
// several reports: duplicate ids and permalinks, and references to ids that
// do not exist. All problems are collected; the caller fails the build if
// any is an error. The archive is read-only once Load returns.
package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/matter"
	"github.com/incidents-archive/incidents/generator/parallel"
	"github.com/incidents-archive/incidents/generator/siteconfig"
	"github.com/incidents-archive/incidents/generator/tasks"
)

// Options control loading.
type Options struct {
	// Label is prefixed to file paths in diagnostics, normally the content
	// folder as the user named it ("content").
	Label string
	// Drafts keeps reports whose status is draft.
	Drafts bool
	// Workers is the number of files decoded at once; 0 means two per CPU.
	Workers int
	// Progress, when set, is called as files are decoded.
	Progress func(done, total int)
	// Listed, when set, is told how many report files there are once
	// they are listed, before any is read.
	Listed func(files int)
	// Reuse, when set, may return the report already decoded from file (a
	// path under the content folder, as Incident.File has it) by the
	// caller, which knows the file has not changed since: it is taken as
	// it is, without reading the file, and its warnings are not repeated.
	// serve uses it to show an edit before rebuilding the whole site.
	Reuse func(file string) (*incident.Incident, bool)
	// Decoded, when set, returns what keeps the reports decoded under
	// the site settings read (called once, before any report is read),
	// between builds: a file whose bytes it has seen is not decoded
	// again, and its warnings and errors come back as decoding gave them.
	Decoded func(site *siteconfig.Site) DecodeCache
}

// DecodeCache keeps reports decoded from files, keyed on the file (a path
// under the content folder) and its bytes. What decoding reads besides
// (the label, the settings incident.SiteKey names, the program itself) is
// the same for every report it holds: Options.Decoded opens it for them.
type DecodeCache interface {
	// Get returns what decoding data, read from file, gave: the report
	// (nil when the file is not one) and the problems found, in the
	// order they were found. sum is the SHA-256 of data, which the
	// caller has taken once for all that needs it. Get must keep no part
	// of data: the caller reads the next file into the same memory.
	Get(file string, data []byte, sum [sha256.Size]byte) (in *incident.Incident, found []diag.Diagnostic, ok bool)
	// Put stores what decoding data, read from file, gave; sum is as
	// for Get.
	Put(file string, data []byte, sum [sha256.Size]byte, in *incident.Incident, found []diag.Diagnostic)
}

// Archive is the loaded content.
type Archive struct {
	Site *siteconfig.Site
	// Tasks is what the tracker last said of the tasks the reports name
	// (tasks.json in the content folder, written by incidents tasks
	// sync); nil without that file.
	Tasks *tasks.File
	// Incidents are the published reports, newest first.
	Incidents []*incident.Incident
	// Pages are the free pages, by weight then title.
	Pages []*Page
	// Taxonomies are the term indexes, in display order.
	Taxonomies []*Taxonomy
	// Years are the years with reports, newest first.
	Years []*Year
	// DraftsLeftOut counts the drafts that were read but left out, since
	// Options.Drafts was not set.
	DraftsLeftOut int

	byID    map[string]*incident.Incident
	allIDs  map[string]bool // drafts included
	relBy   map[string][]*incident.Incident
	taxByID map[string]*Taxonomy
}

// Year groups the reports that started in one calendar year.
type Year struct {
	Year      int
	Incidents []*incident.Incident
}

// ErrNoIncidents is returned when the content folder has no incidents/ folder.
var ErrNoIncidents = errors.New("no incidents/ folder")

// Load reads the content folder fsys. Problems in content are returned in
// the diagnostic list; the error is for failures to read the folder itself.
func Load(ctx context.Context, fsys fs.FS, opts Options) (*Archive, *diag.List, error) {
	diags := &diag.List{}
	label := func(p string) string {
		if opts.Label == "" {
			return p
		}
		return path.Join(opts.Label, p)
	}

	site := siteconfig.Default()
	if data, err := fs.ReadFile(fsys, "site.yaml"); err == nil {
		site = siteconfig.Parse(label("site.yaml"), data, diags)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("reading site.yaml: %w", err)
	}

	var taskFile *tasks.File
	if data, err := fs.ReadFile(fsys, tasks.FileName); err == nil {
		taskFile = tasks.Parse(label(tasks.FileName), data, diags)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("reading %s: %w", tasks.FileName, err)
	}

	files, links, err := markdownFiles(fsys, "incidents")
	warnLinks(links, label, diags)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%s has %w: put reports in %s", opts.Label, ErrNoIncidents, label("incidents/YEAR/NAME.md"))
		}
		return nil, nil, err
	}
	if opts.Listed != nil {
		opts.Listed(len(files))
	}
	all, err := decodeAll(ctx, fsys, files, site, label, opts, diags)
	if err != nil {
		return nil, nil, err
	}
	internTerms(all)

	pageFiles, links, err := markdownFiles(fsys, "pages")
	warnLinks(links, label, diags)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, err
	}
	var pages []*Page
	for _, p := range pageFiles {
		data, err := readBounded(fsys, p, nil)
		if errors.Is(err, errTooBig) {
			diags.Errorf(label(p), 0, "", "%v", err)
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading %s: %w", label(p), err)
		}
		if pg := parsePage(label(p), p, data, diags); pg != nil {
			pages = append(pages, pg)
		}
	}

	a := &Archive{Site: site, Tasks: taskFile}
	a.checkIDs(all, diags)
	for _, in := range all {
		if in.Status == incident.Draft && !opts.Drafts {
			a.DraftsLeftOut++
			continue
		}
		a.Incidents = append(a.Incidents, in)
	}
	sortNewestFirst(a.Incidents)
	a.byID = make(map[string]*incident.Incident, len(a.Incidents))
	for _, in := range a.Incidents {
		a.byID[in.ID] = in
	}
	a.Pages = checkPages(pages, diags)
	a.index()
	return a, diags, nil
}

// markdownFiles lists the .md files under dir, sorted, skipping hidden
// files and editor leftovers. Symbolic links are not followed, so a link
// loop cannot trap the walk and no report is read from outside the
// content folder; links lists them, for a warning.
func markdownFiles(fsys fs.FS, dir string) (out, links []string, err error) {
	err = fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if p != dir && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(name, ".md") && !strings.HasSuffix(name, "~") {
			out = append(out, p)
		}
		if d.Type()&fs.ModeSymlink != 0 {
			links = append(links, p)
		}
		return nil
	})
	sort.Strings(out)
	sort.Strings(links)
	return out, links, err
}

// warnLinks says that the symbolic links under the content folder were
// not followed.
func warnLinks(links []string, label func(string) string, diags *diag.List) {
	for _, p := range links {
		diags.Warnf(label(p), 0, "", "is a symbolic link, which is not followed; put the file or folder itself here")
	}
}

func decodeAll(ctx context.Context, fsys fs.FS, files []string, site *siteconfig.Site, label func(string) string, opts Options, diags *diag.List) ([]*incident.Incident, error) {
	// Reading a file waits on the kernel; decoding it is CPU work. Twice as
	// many workers as CPUs keeps the CPUs busy while some wait.
	workers := opts.Workers
	if workers <= 0 {
		workers = 2 * runtime.GOMAXPROCS(0)
	}
	var decoded DecodeCache
	if opts.Decoded != nil {
		decoded = opts.Decoded(site)
	}
	results := make([]*incident.Incident, len(files))
	lists := make([]diag.List, workers) // one per worker: List is not safe for concurrent use
	bufs := make([][]byte, workers)     // by worker: memory to read the next file into
	var done atomic.Int64
	var progressMu sync.Mutex
	err := parallel.Each(ctx, workers, len(files), func(w, i int) error {
		p := files[i]
		if opts.Reuse != nil {
			if in, ok := opts.Reuse(p); ok {
				results[i] = in
				return nil
			}
		}
		data, err := readBounded(fsys, p, bufs[w])
		bufs[w] = nil
		switch {
		case errors.Is(err, errTooBig):
			lists[w].Errorf(label(p), 0, "", "%v", err)
		case err != nil:
			return fmt.Errorf("reading %s: %w", label(p), err)
		case decoded != nil:
			var hit bool
			results[i], hit = decodeCached(decoded, label(p), p, data, site, &lists[w])
			if hit {
				// Nothing holds the file's bytes: the next file is
				// read into them.
				bufs[w] = data
			}
		default:
			results[i] = decode(label(p), p, data, sha256.Sum256(data), site, &lists[w])
		}
		if opts.Progress != nil {
			progressMu.Lock()
			opts.Progress(int(done.Add(1)), len(files))
			progressMu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range lists {
		diags.Merge(&lists[i])
	}
	out := results[:0]
	for _, in := range results {
		if in != nil {
			out = append(out, in)
		}
	}
	return out, nil
}

// digest is Incident.Digest of the file p whose bytes have the SHA-256
// sum.
func digest(p string, sum [sha256.Size]byte) (d [16]byte) {
	h := sha256.New()
	h.Write([]byte(p))
	h.Write([]byte{0})
	h.Write(sum[:])
	copy(d[:], h.Sum(nil))
	return d
}

// fieldsDigest is Incident.FieldsDigest of the file p holding data, whose
// body (as the report holds it) is body: the bytes before the body, or
// the whole file when data does not end with it.
func fieldsDigest(p string, data, body []byte) (d [16]byte) {
	front := data
	if bytes.HasSuffix(data, body) {
		front = data[:len(data)-len(body)]
	}
	h := sha256.New()
	h.Write([]byte(p))
	h.Write([]byte{0, 'f'})
	h.Write(front)
	copy(d[:], h.Sum(nil))
	return d
}

// decode decodes the report data, read from file (labelled path), whose
// SHA-256 is sum.
func decode(path, file string, data []byte, sum [sha256.Size]byte, site *siteconfig.Site, diags *diag.List) *incident.Incident {
	in := incident.Parse(path, data, site, diags)
	if in != nil {
		in.File = file
		in.Digest = digest(file, sum)
		in.FieldsDigest = fieldsDigest(file, data, in.Body)
	}
	return in
}

// decodeCached is decode through the cache c; hit tells that the cache
// had it, and so that nothing keeps data.
func decodeCached(c DecodeCache, path, file string, data []byte, site *siteconfig.Site, diags *diag.List) (in *incident.Incident, hit bool) {
	// One hash of the file for the cache's record and the report's
	// digest: a warm build hashes every report.
	sum := sha256.Sum256(data)
	if in, found, ok := c.Get(file, data, sum); ok {
		diags.AddAll(found)
		if in != nil {
			in.Digest = digest(file, sum)
			// A record of this file and sum holds it (the reports' cache
			// does): hashing every report's front matter again on every
			// build is for a cache that does not.
			if in.FieldsDigest == ([16]byte{}) {
				in.FieldsDigest = fieldsDigest(file, data, in.Body)
			}
		}
		return in, true
	}
	var own diag.List
	in = decode(path, file, data, sum, site, &own)
	found := own.Items()
	c.Put(file, data, sum, in, found)
	diags.AddAll(found)
	return in, false
}

var errTooBig = fmt.Errorf("file is larger than %d MiB, the limit for a report; is it a report?", matter.MaxFileSize>>20)

// readBounded reads the file p of fsys, into buf's memory when it has
// room.
func readBounded(fsys fs.FS, p string, buf []byte) ([]byte, error) {
	if d, ok := fsys.(dirFS); ok {
		return d.readBounded(p, buf)
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1)
	if info, err := f.Stat(); err == nil {
		size = info.Size()
	}
	return readAllBounded(f.Read, size, buf)
}

// readAllBounded reads with read, which returns io.EOF at the end, a
// file of size bytes (-1 when unknown), into buf's memory when it has
// room.
func readAllBounded(read func([]byte) (int, error), size int64, buf []byte) ([]byte, error) {
	if size > matter.MaxFileSize {
		return nil, errTooBig
	}
	// Room for the whole file and one byte more, so that its end is seen
	// without growing the buffer; the size can change between the look
	// and the read, so read no more than the limit allows, whatever the
	// file has become.
	room := 512
	if size >= 0 {
		room = int(size) + 1
	}
	data := buf[:0]
	if cap(data) < room {
		data = make([]byte, 0, room)
	}
	for {
		if len(data) == cap(data) {
			if len(data) > matter.MaxFileSize {
				return nil, errTooBig
			}
			data = slices.Grow(data, min(len(data), matter.MaxFileSize+1-len(data)))
		}
		n, err := read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(data) > matter.MaxFileSize {
		return nil, errTooBig
	}
	return data, nil
}

// checkIDs reports duplicate ids and permalinks, and references to ids that
// do not exist. Reports are taken in path order, so the first file keeps an
// id and the later ones are reported.
func (a *Archive) checkIDs(all []*incident.Incident, diags *diag.List) {
	byID := make(map[string]*incident.Incident, len(all))
	bySlug := make(map[string]*incident.Incident, len(all))
	a.allIDs = make(map[string]bool, len(all))
	for _, in := range all {
		if first, dup := byID[in.ID]; dup {
			diags.Errorf(in.Path, in.Line("id"), "id", "%q is already used by %s:%d", in.ID, first.Path, first.Line("id"))
			continue
		}
		if first, dup := bySlug[in.Slug]; dup && in.Slug != "" {
			if incident.SlugIsCut(in.ID) || incident.SlugIsCut(first.ID) {
				diags.Errorf(in.Path, in.Line("id"), "id", "%q gives the same permalink /incidents/%s/ as %q in %s:%d: a permalink keeps only the first %d characters (at most %d bytes) of an id, and these ids collide there; shorten one of them, or make them differ near the start",
					in.ID, in.Slug, first.ID, first.Path, first.Line("id"), incident.MaxSlugChars, incident.MaxSlugBytes)
			} else {
				diags.Errorf(in.Path, in.Line("id"), "id", "%q gives the same permalink /incidents/%s/ as %q in %s:%d; make the ids differ in letters or digits", in.ID, in.Slug, first.ID, first.Path, first.Line("id"))
			}
			continue
		}
		byID[in.ID] = in
		bySlug[in.Slug] = in
		a.allIDs[in.ID] = true
	}
	var ids []string
	suggest := func(id string) string {
		if ids == nil {
			for k := range byID {
				ids = append(ids, k)
			}
			sort.Strings(ids)
		}
		return diag.DidYouMean(id, ids)
	}
	for _, in := range all {
		for _, ref := range []struct {
			key string
			ids []string
		}{{"related", in.Related}, {"repeat_of", in.RepeatOf}} {
			for _, id := range ref.ids {
				other, ok := byID[id]
				switch {
				case !ok:
					diags.Errorf(in.Path, in.Line(ref.key), ref.key, "no report has the id %q%s", id, suggest(id))
				case ref.key == "repeat_of" && other != in && !other.Start.IsZero() && other.Start.After(in.Start):
					diags.Warnf(in.Path, in.Line(ref.key), ref.key, "%q started after this incident; only earlier incidents can be repeated", id)
				}
			}
		}
	}
}

// Incident returns the published report with the given id.
func (a *Archive) Incident(id string) (*incident.Incident, bool) {
	in, ok := a.byID[id]
	return in, ok
}

// WithReport returns a copy of the archive in which in takes the place of
// the published report with its id, or joins the published reports:
// incidents repeats compares a report file, often a draft, with the
// archive this way. The archive itself is left as it was.
func (a *Archive) WithReport(in *incident.Incident) *Archive {
	b := &Archive{Site: a.Site, Tasks: a.Tasks, Pages: a.Pages, DraftsLeftOut: a.DraftsLeftOut}
	b.Incidents = slices.DeleteFunc(slices.Clone(a.Incidents), func(x *incident.Incident) bool { return x.ID == in.ID })
	b.Incidents = append(b.Incidents, in)
	sortNewestFirst(b.Incidents)
	b.byID = make(map[string]*incident.Incident, len(b.Incidents))
	for _, x := range b.Incidents {
		b.byID[x.ID] = x
	}
	b.allIDs = maps.Clone(a.allIDs)
	if b.allIDs == nil {
		b.allIDs = map[string]bool{}
	}
	b.allIDs[in.ID] = true
	b.index()
	return b
}

// HasID reports whether any report, draft or not, has the id.
func (a *Archive) HasID(id string) bool { return a.allIDs[id] }

// RelatedBy returns the published reports that list id in related or
// repeat_of, newest first.
func (a *Archive) RelatedBy(id string) []*incident.Incident { return a.relBy[id] }

// Taxonomy returns the taxonomy with the given kind ("services").
func (a *Archive) Taxonomy(kind string) *Taxonomy { return a.taxByID[kind] }

// TotalDuration adds up the durations of reports that have ended.
func TotalDuration(ins []*incident.Incident) time.Duration {
	var d time.Duration
	for _, in := range ins {
		d += in.Duration
	}
	return d
}

func (a *Archive) index() {
	a.relBy = map[string][]*incident.Incident{}
	years := map[int]*Year{}
	for _, in := range a.Incidents {
		for _, id := range slices.Concat(in.Related, in.RepeatOf) {
			if _, ok := a.byID[id]; ok && id != in.ID && !slices.Contains(a.relBy[id], in) {
				a.relBy[id] = append(a.relBy[id], in)
			}
		}
		y := in.Year()
		if years[y] == nil {
			years[y] = &Year{Year: y}
			a.Years = append(a.Years, years[y])
		}
		years[y].Incidents = append(years[y].Incidents, in)
	}
	sort.Slice(a.Years, func(i, j int) bool { return a.Years[i].Year > a.Years[j].Year })
	a.Taxonomies = buildTaxonomies(a.Site, a.Incidents)
	a.taxByID = map[string]*Taxonomy{}
	for _, t := range a.Taxonomies {
		a.taxByID[t.Kind] = t
	}
}

// sortNewestFirst orders by start, newest first, then by id for a stable
// order among reports that started at the same time.
func sortNewestFirst(ins []*incident.Incident) {
	sort.Slice(ins, func(i, j int) bool {
		a, b := ins[i], ins[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.After(b.Start)
		}
		return a.ID < b.ID
	})
}
