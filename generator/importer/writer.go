package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/archive"
	"github.com/incidents-archive/incidents/generator/incident"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Options configure a Writer.
type Options struct {
	// Content is the content folder to import into (it holds site.yaml
	// and incidents/). It must exist.
	Content string
	// Label names the content folder in messages; Content when empty.
	Label string
	// Site gives the scorecard rubric and the service catalogue; the
	// default site when nil.
	Site *siteconfig.Site
	// DryRun decides everything as a real run would, and writes nothing.
	DryRun bool
	// Recreate writes again the reports a person deleted after an
	// import. Without it they stay deleted: deleting an imported report
	// is taken as meaning it.
	Recreate bool
	// Known reports whether an id names a report that will be in the
	// archive after the import (the existing reports and every page being
	// imported, see Resolver.Known), so that related and repeat_of may
	// name a report written later in the same import. When nil, only the
	// existing reports and those written so far count.
	Known func(id string) bool
}

// Outcome is what the writer did with one report.
type Outcome int

// The outcomes of Write.
const (
	// New: the report was written (or, in a dry run, would be) where no
	// file was.
	New Outcome = iota
	// Updated: the importer's earlier file, untouched since, was
	// rewritten because what the import makes of the source changed.
	Updated
	// Unchanged: the file already holds what the import makes.
	Unchanged
	// Edited: the importer's earlier file was edited by a person since,
	// and the source changed; the file was left alone.
	Edited
	// Deleted: a person deleted the importer's earlier file; it was not
	// written again (see Options.Recreate).
	Deleted
	// Refused: the report could not be written without overwriting a
	// file the importer did not write, or taking another report's id.
	Refused
	// Skipped: the source is not a report (no id).
	Skipped
)

var outcomeNames = [...]string{"new", "updated", "unchanged", "edited by hand, left alone", "deleted by hand, not recreated", "refused", "skipped"}

func (o Outcome) String() string { return outcomeNames[o] }

// Result is what happened to one report.
type Result struct {
	// Path is the report file, with the content folder's label
	// ("content/incidents/2025/2025-03-31-x.md"); empty when Skipped
	// before a path was known.
	Path string
	// Source is where the report came from (Report.ImportedFrom).
	Source  string
	Outcome Outcome
	// Draft says the writer made the report a draft; Problems say why
	// (they head the report's body).
	Draft    bool
	Problems []string
	// Reason explains Edited, Deleted, Refused and Skipped.
	Reason string
	// Warnings are the importer's and the writer's, for a person to check.
	Warnings []Warning
	// Keys are the front-matter keys the report file has.
	Keys []string
}

// Writer writes imported reports into a content folder, and records what
// it wrote so that a later import changes only what changed. It writes
// nothing outside the content folder's incidents/ and its StateFile, and
// never replaces a file it did not write or that a person edited since.
// A Writer is not safe for concurrent use.
type Writer struct {
	opt   Options
	label string
	site  *siteconfig.Site

	state   map[string]stateEntry
	dirty   int               // state entries changed since the state was saved
	exIDs   map[string]string // existing report id → file (content-relative)
	exSlugs map[string]string // existing slug → file
	runIDs  map[string]string // id written in this run → source
	runSlug map[string]string // slug written in this run → source
}

// saveEvery is how many written reports the state may lag behind: an
// interrupted import loses at most this many entries, and the files
// behind them are recognised on the next run as the importer's, because
// they hold exactly what it makes.
const saveEvery = 50

// NewWriter opens the content folder: it reads the import state and the
// ids of the reports already there (drafts too).
func NewWriter(ctx context.Context, opt Options) (*Writer, error) {
	if info, err := os.Stat(opt.Content); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("content folder %s does not exist; create it, or give the folder that holds site.yaml and incidents/", opt.Content)
	}
	w := &Writer{opt: opt, label: opt.Label, site: opt.Site,
		exIDs: map[string]string{}, exSlugs: map[string]string{}, runIDs: map[string]string{}, runSlug: map[string]string{}}
	if w.label == "" {
		w.label = filepath.ToSlash(opt.Content)
	}
	if w.site == nil {
		w.site = siteconfig.Default()
	}
	var err error
	if w.state, err = readState(opt.Content); err != nil {
		return nil, err
	}
	arc, _, err := archive.Load(ctx, os.DirFS(opt.Content), archive.Options{Label: w.label, Drafts: true})
	switch {
	case errors.Is(err, archive.ErrNoIncidents):
	case err != nil:
		return nil, fmt.Errorf("reading the reports already in %s: %w", w.label, err)
	default:
		for _, in := range arc.Incidents {
			w.exIDs[in.ID] = in.File
			w.exSlugs[in.Slug] = in.File
		}
	}
	return w, nil
}

// SetDryRun sets Options.DryRun, before the first Write: a caller may
// decide on a dry run by what the archive holds (Existing).
func (w *Writer) SetDryRun(dry bool) { w.opt.DryRun = dry }

// Existing returns the ids of the reports the content folder held when
// the Writer was opened.
func (w *Writer) Existing() []string {
	ids := make([]string, 0, len(w.exIDs))
	for id := range w.exIDs {
		ids = append(ids, id)
	}
	return ids
}

// PathFor is where the report with the given id goes, inside the content
// folder: incidents/YYYY/SLUG.md, the year of the date the id starts
// with (else of start; else "undated"), so that the path depends on the
// id alone and a later import finds the file again.
func PathFor(id string, start time.Time) string {
	year := "undated"
	if m := idDate.FindStringSubmatch(id); m != nil {
		year = m[1]
	} else if !start.IsZero() {
		year = start.UTC().Format("2006")
	}
	return path.Join("incidents", year, incident.SlugOr("id", id)+".md")
}

// Write writes one report (or, in a dry run, decides what it would do)
// and says what happened. Errors of the file system are returned; every
// other reason not to write a report is in the Result.
func (w *Writer) Write(r *Report) (Result, error) {
	res := Result{Source: r.ImportedFrom, Warnings: r.Warnings}
	if strings.TrimSpace(r.ID) == "" {
		res.Outcome, res.Reason = Skipped, "the source gives no id (a report's title starts with its date)"
		return res, nil
	}
	rel := PathFor(r.ID, r.Start)
	res.Path = path.Join(w.label, rel)
	known := w.opt.Known
	if known == nil {
		known = func(id string) bool { return w.exIDs[id] != "" || w.runIDs[id] != "" }
	}
	out, err := render(r, res.Path, w.site, known)
	if err != nil {
		res.Outcome, res.Reason = Refused, err.Error()
		return res, nil
	}
	res.Draft, res.Problems, res.Keys = out.draft, out.problems, out.keys
	res.Warnings = append(res.Warnings[:len(res.Warnings):len(res.Warnings)], out.warnings...)

	// The build refuses two reports with one id or one permalink.
	slug := incident.SlugOr("id", r.ID)
	if src, dup := w.runIDs[r.ID]; dup {
		res.Outcome, res.Reason = Refused, fmt.Sprintf("id %q is also the id of %s, imported before it; merge the two sources, or rename one", r.ID, src)
		return res, nil
	}
	if src, dup := w.runSlug[slug]; dup {
		res.Outcome, res.Reason = Refused, fmt.Sprintf("id %q gives the same file and permalink as %s, imported before it; rename one", r.ID, src)
		return res, nil
	}
	if f, ok := w.exIDs[r.ID]; ok && f != rel {
		res.Outcome, res.Reason = Refused, fmt.Sprintf("id %q is already used by %s", r.ID, path.Join(w.label, f))
		return res, nil
	}
	if f, ok := w.exSlugs[slug]; ok && f != rel {
		res.Outcome, res.Reason = Refused, fmt.Sprintf("id %q gives the same permalink as %s", r.ID, path.Join(w.label, f))
		return res, nil
	}
	w.runIDs[r.ID] = r.ImportedFrom
	w.runSlug[slug] = r.ImportedFrom

	dest, err := w.destination(rel)
	if err != nil {
		res.Outcome, res.Reason = Refused, err.Error()
		return res, nil
	}
	entry := stateEntry{Path: rel, ImportedFrom: r.ImportedFrom, SourceHash: r.SourceHash, FileHash: fileHash(out.data)}
	prev, ours := w.state[rel]
	onDisk, err := os.ReadFile(dest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if ours && !w.opt.Recreate {
			res.Outcome, res.Reason = Deleted, "deleted since the import; not written again (--recreate writes it)"
			return res, nil
		}
		res.Outcome = New
		if !w.opt.DryRun {
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				return res, fmt.Errorf("creating the folder of %s: %w", res.Path, err)
			}
			if err := createAtomic(dest, out.data); err != nil {
				return res, fmt.Errorf("writing %s: %w", res.Path, err)
			}
		}
	case err != nil:
		return res, fmt.Errorf("reading %s: %w", res.Path, err)
	case bytes.Equal(onDisk, out.data):
		// Ours, or made exactly as the import makes it (an interrupted
		// import whose state was not saved): nothing to do but record it.
		res.Outcome = Unchanged
		if ours && prev == entry {
			return res, nil
		}
	case !ours:
		res.Outcome, res.Reason = Refused, "a file the importer did not write is in the way; left alone (move it, or give its report another id)"
		return res, nil
	case prev.FileHash == entry.FileHash:
		// What the import makes has not changed since it wrote the file;
		// any difference on disk is a person's.
		res.Outcome = Unchanged
		return res, nil
	case fileHash(onDisk) != prev.FileHash:
		res.Outcome, res.Reason = Edited, "edited since the import; left alone"
		if prev.SourceHash != "" && prev.SourceHash == r.SourceHash {
			res.Reason = "edited since the import, and the import now makes something else of the same source; left alone"
		}
		return res, nil
	default:
		res.Outcome = Updated
		if !w.opt.DryRun {
			if err := writeAtomic(dest, out.data, false); err != nil {
				return res, fmt.Errorf("writing %s: %w", res.Path, err)
			}
		}
	}
	if !w.opt.DryRun {
		w.state[rel] = entry
		if w.dirty++; w.dirty >= saveEvery {
			if err := w.saveState(); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// Close saves the import state. A dry run writes nothing.
func (w *Writer) Close() error {
	if w.opt.DryRun || w.dirty == 0 {
		return nil
	}
	return w.saveState()
}

func (w *Writer) saveState() error {
	if err := writeState(w.opt.Content, w.state); err != nil {
		return err
	}
	w.dirty = 0
	return nil
}

// destination is the file path of rel (incidents/YYYY/SLUG.md), checked
// to stay inside the content folder's incidents/: neither the year's
// folder nor the file may be a symbolic link, which could lead outside.
func (w *Writer) destination(rel string) (string, error) {
	if !strings.HasPrefix(rel, "incidents/") || strings.Contains(rel, "..") || strings.Count(rel, "/") != 2 {
		return "", fmt.Errorf("%s is not a report path under incidents/", rel) // cannot happen: PathFor makes it
	}
	dest := filepath.Join(w.opt.Content, filepath.FromSlash(rel))
	for _, p := range []string{filepath.Dir(dest), dest} {
		if info, err := os.Lstat(p); err == nil && info.Mode()&fs.ModeSymlink != 0 {
			return "", fmt.Errorf("%s is a symbolic link; the importer writes only real files and folders inside %s", path.Join(w.label, filepath.ToSlash(strings.TrimPrefix(p, w.opt.Content+string(filepath.Separator)))), path.Join(w.label, "incidents"))
		}
	}
	return dest, nil
}
