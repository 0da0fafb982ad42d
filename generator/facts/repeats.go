package facts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// The cache entry of repeat detection is the digest of the last run's
// whole input (32 bytes), then its results (repeats.Results.AppendBinary,
// written by BinaryWriter).

// decodeRepeats reads the results of a cache entry of repeat detection.
func decodeRepeats(data []byte) (*repeats.Results, error) {
	var input repeats.Digest
	if len(data) < len(input) {
		return nil, fmt.Errorf("repeat detection's cache entry: %d bytes", len(data))
	}
	res := &repeats.Results{}
	if err := res.UnmarshalBinary(data[len(input):]); err != nil {
		return nil, fmt.Errorf("repeat detection's cache entry: %w", err)
	}
	return res, nil
}

// detect runs repeat detection on in, with what the cache c (which may be
// nil) holds of the last run for the same configuration: the same input
// takes the lists stored; another input (an edited report) scores again
// only the reports whose lists may have changed (repeats.DetectAgain).
// Either way the lists are exactly those repeats.Detect gives. cold skips
// looking in the cache, not storing there.
//
// With release set, detection drops each report's text from in once read
// (repeats.DetectAgainReleasing, DetectReleasing).
func detect(c *buildcache.Cache, cold bool, in []repeats.Report, rc repeats.Config, release bool) [][]repeats.Candidate {
	if c == nil {
		if release {
			return repeats.DetectReleasing(in, rc)
		}
		return repeats.Detect(in, rc)
	}
	key := repeatKey(c, rc)
	digests := repeats.ReportDigests(in)
	input := repeats.CombineDigests(rc, digests)
	var prev *repeats.Results
	if !cold {
		if data, ok := c.Get("repeats", key); ok {
			// The same input: only the lists are read.
			if len(data) >= len(input) && repeats.Digest(data[:len(input)]) == input {
				if lists, err := repeats.ListsFromBinary(data[len(input):]); err == nil && len(lists) == len(in) {
					return lists
				}
			}
			// Another input (or lists that did not read): what can be
			// reused of the last run.
			if res, err := decodeRepeats(data); err == nil && len(res.Lists) == len(res.Inputs) {
				prev = res
			}
		}
	}
	var res *repeats.Results
	if release {
		res = repeats.DetectAgainReleasing(in, rc, prev, digests)
	} else {
		res = repeats.DetectAgainDigested(in, rc, prev, digests)
	}
	// Written as it is encoded: at 100,000 reports the encoding is some
	// 300 MB, which a buffer would add to the build's peak of memory.
	size, write := res.BinaryWriter()
	// A cache that cannot be written costs the next build time, not
	// correctness.
	_ = c.PutWith("repeats", key, int64(len(input))+size, func(w io.Writer) error {
		if _, err := w.Write(input[:]); err != nil {
			return err
		}
		return write(w)
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
