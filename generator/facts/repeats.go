package facts

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// storedRepeats is the cache entry of repeat detection: the last run's
// results, with the digest of its whole input.
type storedRepeats struct {
	Input   repeats.Digest
	Results *repeats.Results
}

// detect runs repeat detection on in, with what the cache c (which may be
// nil) holds of the last run for the same configuration: the same input
// takes the lists stored; another input (an edited report) scores again
// only the reports whose lists may have changed (repeats.DetectAgain).
// Either way the lists are exactly those repeats.Detect gives. cold skips
// looking in the cache, not storing there.
func detect(c *buildcache.Cache, cold bool, in []repeats.Report, rc repeats.Config) [][]repeats.Candidate {
	if c == nil {
		return repeats.Detect(in, rc)
	}
	key := repeatKey(c, rc)
	input := repeats.InputDigest(in, rc)
	var prev *repeats.Results
	if !cold {
		if data, ok := c.Get("repeats", key); ok {
			var s storedRepeats
			if gob.NewDecoder(bytes.NewReader(data)).Decode(&s) == nil && s.Results != nil && len(s.Results.Lists) == len(s.Results.Inputs) {
				if s.Input == input && len(s.Results.Lists) == len(in) {
					return s.Results.Lists
				}
				prev = s.Results
			}
		}
	}
	res := repeats.DetectAgain(in, rc, prev)
	// A cache that cannot be written costs the next build time, not
	// correctness. Streamed: at 100,000 reports the encoded lists are
	// hundreds of megabytes, which a buffer would add to the build's
	// peak (docs/benchmarks.md, 2026-12-03).
	_ = c.PutStream("repeats", key, func(w io.Writer) error {
		return gob.NewEncoder(w).Encode(storedRepeats{Input: input, Results: res})
	})
	return res.Lists
}

// repeatKey is the cache key of detection's results: the program and the
// whole configuration. The input is not in the key: the entry holds the
// digest of the input it was computed from, and a run on another input
// reuses what it can of it.
func repeatKey(c *buildcache.Cache, rc repeats.Config) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%#v", rc))
	return buildcache.Key("repeats", c.Program(), hex.EncodeToString(sum[:]))
}
