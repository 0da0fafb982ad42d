package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// StateFile is where, inside the content folder, the writer records what
// it wrote. The build skips it (it is neither under incidents/ nor
// pages/); a person need not read it, and should keep it with the
// archive: without it a second import cannot tell its own files from a
// person's, and refuses to touch them.
const StateFile = ".import-state.json"

// state is what the writer wrote, by path.
type state struct {
	Version int          `json:"version"`
	Reports []stateEntry `json:"reports"`
}

// stateEntry records one report file the writer wrote.
type stateEntry struct {
	// Path is the file's path inside the content folder, with slashes:
	// "incidents/2025/2025-03-31-sessionstore-unavailability.md".
	Path string `json:"path"`
	// ImportedFrom is the report's source, as its imported_from key says.
	ImportedFrom string `json:"imported_from"`
	// SourceHash is the source's hash (Report.SourceHash) when written.
	SourceHash string `json:"source_hash,omitempty"`
	// FileHash is the SHA-256 of the file as written, "sha256:HEX": when
	// the file on disk has another, a person has edited it.
	FileHash string `json:"file_hash"`
}

const stateVersion = 1

// readState reads the state file of the content folder; a missing file is
// an empty state.
func readState(content string) (map[string]stateEntry, error) {
	p := filepath.Join(content, StateFile)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]stateEntry{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the import state: %w", err)
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s is not an import state the importer can read (%v); it records which reports the importer wrote, so that it never overwrites a person's: restore it from version control, or move it away to import as if for the first time (then every existing report counts as a person's)", p, err)
	}
	if s.Version != stateVersion {
		return nil, fmt.Errorf("%s has version %d; this importer reads version %d", p, s.Version, stateVersion)
	}
	out := make(map[string]stateEntry, len(s.Reports))
	for _, e := range s.Reports {
		out[e.Path] = e
	}
	return out, nil
}

// writeState writes the state atomically (a temporary file renamed over
// the old one), sorted by path, so that an interrupted write leaves the
// previous state and the file diffs well in version control.
func writeState(content string, entries map[string]stateEntry) error {
	s := state{Version: stateVersion, Reports: make([]stateEntry, 0, len(entries))}
	for _, e := range entries {
		s.Reports = append(s.Reports, e)
	}
	slices.SortFunc(s.Reports, func(a, b stateEntry) int { return strings.Compare(a.Path, b.Path) })
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the import state: %w", err)
	}
	if err := writeAtomic(filepath.Join(content, StateFile), append(data, '\n'), true); err != nil {
		return fmt.Errorf("writing the import state: %w", err)
	}
	return nil
}

// writeAtomic replaces p with data through a temporary file in the same
// folder, so that p is always either the old or the new content. sync
// flushes the data to the disk first, so that the rename survives a
// crash with it; the state file is synced, report files are not (a sync
// per report tripled the time of an import of 1,000 pages, and after a
// crash the next import finds a report that was not flushed differing
// from its recorded hash and leaves it alone, as it does any edit).
func writeAtomic(p string, data []byte, sync bool) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".import-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, p)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// createAtomic writes data to p, which must not exist, through a
// temporary file linked into place: p never holds half a report, and a
// file someone created at p in the meantime is never replaced.
func createAtomic(p string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(p), ".import-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err != nil {
		return err
	}
	if err := os.Link(tmp, p); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		// A file system without hard links: exclusive create instead.
		g, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return err
		}
		_, err = g.Write(data)
		if cerr := g.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return nil
}

// fileHash is the hash the state records for a file's content.
func fileHash(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}
