package generator

import (
	"sync"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/search/static"
)

// The "search-analyses" entry of the build cache: what the static search
// index found in each report's text (static.Analyses), by a hash of the
// fields it read, so that a build after one report changed runs the
// analyzer on that report alone. One entry holds every report's
// analyses: at 10,000 reports it is read in a fraction of the time the
// analyzer takes, and static.Write drops those of reports no longer
// built. Its key names only the program: the analyses of another binary
// may differ.

const analysesKind = "search-analyses"

// diskAnalyses keeps the static index's analyses in the build cache. A
// cold build does not read them; what goes wrong storing them is kept in
// err, for a warning (the next build analyses every report again).
type diskAnalyses struct {
	cache *buildcache.Cache
	cold  bool
	err   error
}

func (d *diskAnalyses) key() string {
	return buildcache.Key(analysesKind, d.cache.Program())
}

// Load returns the analyses in the cache, nil when there are none usable.
func (d *diskAnalyses) Load() *static.Analyses {
	if d.cold {
		return nil
	}
	data, ok := d.cache.Get(analysesKind, d.key())
	if !ok {
		return nil
	}
	var a static.Analyses
	if a.UnmarshalBinary(data) != nil {
		return nil
	}
	return &a
}

// Store writes a to the cache.
func (d *diskAnalyses) Store(a *static.Analyses) {
	data, err := a.MarshalBinary()
	if err == nil {
		err = d.cache.Put(analysesKind, d.key(), data)
	}
	d.err = err
}

// keptAnalyses keeps the static index's analyses in memory, between the
// builds of a Builder.
type keptAnalyses struct {
	mu sync.Mutex
	a  *static.Analyses
}

func (k *keptAnalyses) Load() *static.Analyses {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.a
}

func (k *keptAnalyses) Store(a *static.Analyses) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.a = a
}
