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

// The cache entry of repeat detection is the last run's results, with
// the digest of its whole input: a storedRepeats, then the lists and
// their inputs in storedChunks of at most repeatsChunk reports. gob
// encodes each value into a buffer of its own before writing it, so one
// value of 100,000 reports' lists was a buffer of some 135 MB at the
// moment a build's heap was largest.
type storedRepeats struct {
	Input   repeats.Digest
	Reports int
	Scored  int
}

// storedChunk holds the lists and inputs of consecutive reports.
type storedChunk struct {
	Lists  [][]repeats.Candidate
	Inputs []repeats.Digest
}

const repeatsChunk = 2000

// writeRepeats encodes the entry of res, for the input digest input.
func writeRepeats(w io.Writer, input repeats.Digest, res *repeats.Results) error {
	enc := gob.NewEncoder(w)
	if err := enc.Encode(storedRepeats{Input: input, Reports: len(res.Lists), Scored: res.Scored}); err != nil {
		return err
	}
	for at := 0; at < len(res.Lists); at += repeatsChunk {
		end := min(at+repeatsChunk, len(res.Lists))
		if err := enc.Encode(storedChunk{Lists: res.Lists[at:end], Inputs: res.Inputs[at:end]}); err != nil {
			return err
		}
	}
	return nil
}

// readRepeats decodes what writeRepeats wrote.
func readRepeats(data []byte) (repeats.Digest, *repeats.Results, bool) {
	dec := gob.NewDecoder(bytes.NewReader(data))
	var head storedRepeats
	if dec.Decode(&head) != nil || head.Reports < 0 {
		return repeats.Digest{}, nil, false
	}
	res := &repeats.Results{Lists: make([][]repeats.Candidate, 0, head.Reports), Inputs: make([]repeats.Digest, 0, head.Reports), Scored: head.Scored}
	for len(res.Lists) < head.Reports {
		var c storedChunk
		if dec.Decode(&c) != nil || len(c.Lists) != len(c.Inputs) || len(c.Lists) == 0 || len(res.Lists)+len(c.Lists) > head.Reports {
			return repeats.Digest{}, nil, false
		}
		res.Lists = append(res.Lists, c.Lists...)
		res.Inputs = append(res.Inputs, c.Inputs...)
	}
	return head.Input, res, true
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
			if stored, res, ok := readRepeats(data); ok {
				if stored == input && len(res.Lists) == len(in) {
					return res.Lists
				}
				prev = res
			}
		}
	}
	res := repeats.DetectAgain(in, rc, prev)
	// A cache that cannot be written costs the next build time, not
	// correctness. Streamed, in chunks: at 100,000 reports the encoded
	// lists are hundreds of megabytes, which a buffer would add to the
	// build's peak (docs/benchmarks.md, 2026-12-03).
	_ = c.PutStream("repeats", key, func(w io.Writer) error {
		return writeRepeats(w, input, res)
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
