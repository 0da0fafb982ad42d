package generator

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/internal/wire"
	"github.com/incidents-archive/incidents/generator/publish"
	"github.com/incidents-archive/incidents/search"
)

// The build's use of its cache (Config.Cache). Two entries:
//
//   - "repeats": the last repeat lists, keyed on detection's
//     configuration, kept by the analysis stage (see package facts), with
//     a digest of each list's inputs and of the whole input. Detection is
//     the costliest step of a build: an edit that leaves its input alone
//     (a new layout, a drafts-only change, a rebuild) skips it, and one
//     that changes a report scores again only the lists it may change.
//   - "site-<dest>": what the build last published to a destination, keyed
//     on a hash of everything the output is made from: this program, the
//     settings, every file of the content and layouts folders. When the
//     hash is the same and the destination still holds exactly that
//     output (publish.Intact), the build has nothing to do.
//
// Output never depends on the cache: a build that misses computes what it
// would have found, and the tests compare warm builds with cold ones. One
// failure is new with the bodies read back from the cache (see
// facts.SlimBodyCache): a record that checked when the build took it but
// can no longer be read when its HTML or text is wanted (the file damaged
// during the build) fails the build, naming the report; the next build
// finds the record damaged, a miss, and renders the body again.

// siteStamp is the "site-" entry.
type siteStamp struct {
	Manifest string // hex SHA-256 of the destination's manifest
	Reports  int
	Pages    int
	Files    int
	Bytes    int64
	Warnings []diag.Diagnostic
	Drafts   int // drafts left out
	Indexed  int // reports in the search index, when the build kept one
	// Zone and Day: the trend pages are computed for the build's day in
	// the site's working-hours zone, so the output holds only that day.
	Zone, Day string
}

// appendBinary lays the stamp out with package wire, the warnings as the
// build cache's other entries hold diagnostics (appendDiagnostics): a
// large archive's warnings are megabytes, which JSON took three times as
// long to write.
func (st *siteStamp) appendBinary(b []byte) []byte {
	b = slices.Grow(b, 16*binary.MaxVarintLen64+len(st.Manifest)+len(st.Zone)+len(st.Day)+diagnosticsSize(st.Warnings))
	b = wire.AppendString(b, st.Manifest)
	for _, n := range []int{st.Reports, st.Pages, st.Files, st.Drafts, st.Indexed} {
		b = wire.AppendInt(b, int64(n))
	}
	b = wire.AppendInt(b, st.Bytes)
	b = appendDiagnostics(b, st.Warnings)
	b = wire.AppendString(b, st.Zone)
	return wire.AppendString(b, st.Day)
}

// decodeSiteStamp reads what appendBinary wrote.
func decodeSiteStamp(data []byte) (siteStamp, error) {
	r := wire.NewStringsReader(data)
	var st siteStamp
	st.Manifest = r.String()
	for _, n := range []*int{&st.Reports, &st.Pages, &st.Files, &st.Drafts, &st.Indexed} {
		*n = int(r.Int())
	}
	st.Bytes = r.Int()
	st.Warnings = readDiagnostics(r)
	st.Zone = r.String()
	st.Day = r.String()
	return st, r.Done()
}

// buildDay is the day the trend pages are computed for, in the zone of
// arc's working hours, and that zone's name.
func buildDay(cfg Config, loc *time.Location) (zone, day string) {
	if loc == nil {
		loc = time.UTC
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	return loc.String(), now.In(loc).Format(time.DateOnly)
}

// inputKey hashes everything the site is made from, serve's settings in h
// included. It fails only when a folder cannot be read, and then the build
// goes ahead without the cache.
func inputKey(ctx context.Context, cfg Config, h hooks) (string, error) {
	content, err := cfg.Cache.TreeHash(ctx, cfg.Source)
	if err != nil {
		return "", err
	}
	return inputKeyWith(ctx, cfg, h, content)
}

// inputKeyWith is inputKey for a content folder whose TreeHash is content.
func inputKeyWith(ctx context.Context, cfg Config, h hooks, content string) (string, error) {
	abs := func(p string) string {
		if p == "" {
			return ""
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	layouts := ""
	if cfg.Layouts != "" {
		var err error
		if layouts, err = cfg.Cache.TreeHash(ctx, cfg.Layouts); err != nil {
			return "", err
		}
	}
	return buildcache.Key("site", cfg.Cache.Program(), cfg.Source, abs(cfg.Source), content,
		abs(cfg.Layouts), layouts, abs(cfg.Dest), cfg.BaseURL, strconv.FormatBool(cfg.Drafts),
		cfg.Version, h.searchAPI, abs(cfg.SearchIndex), strconv.FormatBool(h.local)), nil
}

// contentRecheck hashes the content folder again once the build has read
// it, to tell whether what it read is what the build's key describes (a
// file saved meanwhile is not). It runs beside the rest of the build: the
// build reads nothing more of the folder, and the hash lists the whole
// folder and looks at every file, 40–60 ms at 10,000 reports that would
// otherwise end the build.
type contentRecheck struct {
	done chan struct{}
	sum  string
	err  error
}

// recheckContent starts hashing cfg's content folder again.
func recheckContent(ctx context.Context, cfg Config) *contentRecheck {
	r := &contentRecheck{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.sum, r.err = cfg.Cache.TreeHash(ctx, cfg.Source)
	}()
	return r
}

// wait returns the hash, once it is done.
func (r *contentRecheck) wait() (string, error) {
	<-r.done
	return r.sum, r.err
}

func stampKind(dest string) string {
	if a, err := filepath.Abs(dest); err == nil {
		dest = a
	}
	return "site-" + buildcache.Key(dest)[:16]
}

// unchanged returns the result of the last build when key still describes
// the content and the destination still holds that build's output.
func unchanged(cfg Config, key string) (*Result, bool) {
	data, ok := cfg.Cache.Get(stampKind(cfg.Dest), key)
	if !ok {
		return nil, false
	}
	st, err := decodeSiteStamp(data)
	if err != nil {
		return nil, false
	}
	loc, err := time.LoadLocation(st.Zone)
	if err != nil {
		return nil, false
	}
	if _, day := buildDay(cfg, loc); day != st.Day {
		return nil, false // a new day: the trend pages change
	}
	sum, err := publish.Intact(cfg.Dest)
	if err != nil || hex.EncodeToString(sum[:]) != st.Manifest {
		return nil, false
	}
	res := &Result{Reports: st.Reports, Pages: st.Pages, Files: st.Files, Bytes: st.Bytes, Warnings: st.Warnings, Drafts: st.Drafts, Unchanged: true}
	if cfg.SearchIndex != "" {
		if _, err := os.Stat(filepath.Join(cfg.SearchIndex, "index_meta.json")); err != nil {
			return nil, false
		}
		res.Index = search.UpdateStats{Unchanged: st.Indexed}
	}
	return res, true
}

// recordBuilt stores the stamp of a finished build, whose output's
// manifest hashes to sum (as publish.Build returned it), if its
// inputs are still those it started from (an edit during the build must
// not be taken for built). The next build checks that the destination's
// files are still those (unchanged), so the manifest's hash is all this
// needs.
func recordBuilt(ctx context.Context, cfg Config, h hooks, key string, recheck *contentRecheck, sum string, res *Result, loc *time.Location) error {
	content, err := recheck.wait()
	if err != nil {
		return cfg.Cache.Remove(stampKind(cfg.Dest))
	}
	// The layouts are read until the pages are written: hashed again now.
	if again, err := inputKeyWith(ctx, cfg, h, content); err != nil || again != key {
		return cfg.Cache.Remove(stampKind(cfg.Dest))
	}
	if sum == "" {
		return cfg.Cache.Remove(stampKind(cfg.Dest))
	}
	st := siteStamp{Manifest: sum, Reports: res.Reports, Pages: res.Pages, Files: res.Files,
		Bytes: res.Bytes, Warnings: res.Warnings, Drafts: res.Drafts, Indexed: res.Index.Indexed + res.Index.Unchanged}
	st.Zone, st.Day = buildDay(cfg, loc)
	return cfg.Cache.Put(stampKind(cfg.Dest), key, st.appendBinary(nil))
}

func cacheWarning(diags *diag.List, cfg Config, err error) {
	diags.Warnf(cfg.Cache.Dir(), 0, "", "%s", fmt.Sprintf("the build cache is not used: %v", err))
}
