package facts

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/repeats"
)

// detect runs repeat detection on in, or takes its result from the cache
// c (which may be nil) when detection's input and configuration are those
// it was stored for. Detection is the costliest step of the stage; an
// edit that leaves its input alone (a new layout, a drafts-only change, a
// rebuild) skips it. cold skips looking in the cache, not storing there.
func detect(c *buildcache.Cache, cold bool, in []repeats.Report, rc repeats.Config) [][]repeats.Candidate {
	key := repeatKey(c, in, rc)
	if key != "" && !cold {
		if data, ok := c.Get("repeats", key); ok {
			var out [][]repeats.Candidate
			if gob.NewDecoder(bytes.NewReader(data)).Decode(&out) == nil && len(out) == len(in) {
				return out
			}
		}
	}
	out := repeats.Detect(in, rc)
	if key != "" {
		var buf bytes.Buffer
		if gob.NewEncoder(&buf).Encode(out) == nil {
			// A cache that cannot be written costs the next build time,
			// not correctness.
			_ = c.Put("repeats", key, buf.Bytes())
		}
	}
	return out
}

// repeatKey is the cache key of detection's result: a hash of its whole
// input and its configuration; "" without a cache. The reports are
// encoded one at a time: gob encodes a value whole in memory before
// writing it, and the whole input holds all of the archive's text.
func repeatKey(c *buildcache.Cache, in []repeats.Report, rc repeats.Config) string {
	if c == nil {
		return ""
	}
	h := sha256.New()
	enc := gob.NewEncoder(h)
	if enc.Encode(rc) != nil || enc.Encode(len(in)) != nil {
		return ""
	}
	for i := range in {
		if enc.Encode(&in[i]) != nil {
			return ""
		}
	}
	return buildcache.Key("repeats", c.Program(), hex.EncodeToString(h.Sum(nil)))
}
