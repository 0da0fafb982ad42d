package facts

import (
	"context"
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

// decodeRepeats reads the results of a cache entry of repeat detection,
// leaving their lists packed (repeats.Results.UnmarshalBinaryPacked):
// detect decodes them all for the same input, and for another
// repeats.DetectAgainLoading decodes the ones it reuses once its own
// indexes are garbage.
func decodeRepeats(data []byte) (*repeats.Results, error) {
	var input repeats.Digest
	if len(data) < len(input) {
		return nil, fmt.Errorf("repeat detection's cache entry: %d bytes", len(data))
	}
	res := &repeats.Results{}
	if err := res.UnmarshalBinaryPacked(data[len(input):]); err != nil {
		return nil, fmt.Errorf("repeat detection's cache entry: %w", err)
	}
	return res, nil
}

// lastRepeats is what the cache holds of detection's last run for a
// configuration, read and decoded beside the bodies' rendering (see
// Compute), the lists checked but left packed: at 100,000 reports the
// entry is some 130 MB, read and checked on one core, which detection
// used to wait for.
type lastRepeats struct {
	key  string // the entry's key (repeatKey)
	done chan struct{}
	// input is the digest of the whole input res was computed from; res
	// is nil when the cache holds no entry, or one that does not read.
	input repeats.Digest
	res   *repeats.Results
}

// readLastRepeats starts reading the cache c's last results of detection
// for the configuration rc. Whether or not the input is the last run's
// (which the bodies must be rendered to tell), it decodes all but the
// lists, and checks those: a run with the same input, which needs only
// the lists, pays for the rest in CPU beside the bodies, not in time.
// The lists are decoded later, on every CPU (see decodeRepeats).
func readLastRepeats(ctx context.Context, c *buildcache.Cache, rc repeats.Config) *lastRepeats {
	l := &lastRepeats{key: repeatKey(c, rc), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		data, ok := c.Get("repeats", l.key)
		if !ok || ctx.Err() != nil {
			// A stopped build does not wait for the decoding.
			return
		}
		if res, err := decodeRepeats(data); err == nil && res.ListCount() == len(res.Inputs) {
			l.input, l.res = repeats.Digest(data[:len(l.input)]), res
		}
	}()
	return l
}

// wait waits until what was read is ready.
func (l *lastRepeats) wait() { <-l.done }

// take returns what was read, once it is, and forgets it: the caller holds
// the only reference, so the last results (hundreds of MB at 100,000
// reports) are garbage as soon as detection is done with them, not when
// the stage ends.
func (l *lastRepeats) take() (repeats.Digest, *repeats.Results) {
	l.wait()
	res := l.res
	l.res = nil
	return l.input, res
}

// detect runs repeat detection on in, with what the cache c (which may be
// nil) holds of the last run for the same configuration, read by last (nil
// for a cold build, which does not look in the cache but stores there):
// the same input takes the lists stored; another input (an edited report)
// scores again only the reports whose lists may have changed
// (repeats.DetectAgain). Either way the lists are exactly those
// repeats.Detect gives.
//
// With release set, detection drops each report's text from in once read
// (repeats.DetectAgainLoading, DetectReleasing); with load set too, it
// loads the texts in leaves out that it reads, and the error is load's. stored returns once what the cache is to keep
// of this run is written.
func detect(c *buildcache.Cache, last *lastRepeats, in []repeats.Report, rc repeats.Config, release bool, load func(int) ([]string, []string, error)) (lists [][]repeats.Candidate, stored func(), err error) {
	if c == nil {
		if release {
			return repeats.DetectReleasing(in, rc), func() {}, nil
		}
		return repeats.Detect(in, rc), func() {}, nil
	}
	digests := repeats.ReportDigests(in)
	input := repeats.CombineDigests(rc, digests)
	key := ""
	var prev *repeats.Results
	if last == nil {
		key = repeatKey(c, rc)
	} else {
		key = last.key
		if lastInput, res := last.take(); res != nil {
			if lastInput == input && res.ListCount() == len(in) {
				res.Unpack()
				return res.Lists, func() {}, nil
			}
			// Another input: what can be reused of the last run.
			prev = res
		}
	}
	var res *repeats.Results
	if release {
		if res, err = repeats.DetectAgainLoading(in, rc, prev, digests, load); err != nil {
			return nil, nil, err
		}
	} else {
		res = repeats.DetectAgainDigested(in, rc, prev, digests)
	}
	// Encoded and written beside the stage's next steps, which read the
	// lists and change nothing of them, as it is encoded: at 100,000
	// reports the encoding is some 130 MB, which a buffer would add to
	// the build's peak of memory.
	done := make(chan struct{})
	go func() {
		defer close(done)
		size, write := res.BinaryWriter()
		// A cache that cannot be written costs the next build time,
		// not correctness.
		_ = c.PutWith("repeats", key, int64(len(input))+size, func(w io.Writer) error {
			if _, err := w.Write(input[:]); err != nil {
				return err
			}
			return write(w)
		})
	}()
	return res.Lists, func() { <-done }, nil
}

// repeatKey is the cache key of detection's results: the program and the
// whole configuration. The input is not in the key: the entry holds the
// digest of the input it was computed from, and a run on another input
// reuses what it can of it.
func repeatKey(c *buildcache.Cache, rc repeats.Config) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%#v", rc))
	return buildcache.Key("repeats", c.Program(), hex.EncodeToString(sum[:]))
}
