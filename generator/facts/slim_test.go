package facts

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/incidents-archive/incidents/generator/buildcache"
	"github.com/incidents-archive/incidents/generator/markdown"
)

// memoryStore is an HTMLStore in a map.
type memoryStore struct {
	mu sync.Mutex
	m  map[int][]byte
}

func (s *memoryStore) Store(i int, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[int][]byte{}
	}
	s.m[i] = append([]byte(nil), b...)
	return nil
}

func (s *memoryStore) Load(i int) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.m[i]
	if !ok {
		return nil, fmt.Errorf("nothing stored as %d", i)
	}
	return b, nil
}

// slimBodies is a SlimBodyCache of encoded results in a map, counting
// what is read of it.
type slimBodies struct {
	mu                sync.Mutex
	m                 map[string][]byte
	slim, html, texts atomic.Int64
	gets              atomic.Int64 // whole results asked for
	broken            bool         // HTML and Text fail
}

func (c *slimBodies) value(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *slimBodies) Get(key string) (*markdown.Result, bool) {
	c.gets.Add(1)
	v, ok := c.value(key)
	if !ok {
		return nil, false
	}
	res, err := markdown.DecodeResult(v)
	return res, err == nil
}

func (c *slimBodies) Put(key string, r *markdown.Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[key] = r.AppendBinary(nil)
}

func (c *slimBodies) GetSlim(key string) (*markdown.Result, [sha256.Size]byte, bool) {
	v, ok := c.value(key)
	if !ok {
		return nil, [sha256.Size]byte{}, false
	}
	c.slim.Add(1)
	res, sum, err := markdown.DecodeSlim(v)
	return res, sum, err == nil
}

func (c *slimBodies) Page(key string) ([]byte, []markdown.Heading, error) {
	c.html.Add(1)
	v, ok := c.value(key)
	if !ok || c.broken {
		return nil, nil, errors.New("gone")
	}
	return markdown.DecodePage(v)
}

func (c *slimBodies) Text(key string) (markdown.PlainText, []string, error) {
	c.texts.Add(1)
	v, ok := c.value(key)
	if !ok || c.broken {
		return markdown.PlainText{}, nil, errors.New("gone")
	}
	return markdown.DecodeText(v)
}

// TestSlimBodies: with a SlimBodyCache, the bodies rendered before come
// from it slim, their HTML and plain text are read back from it for the
// readers that ask, detection loads only the texts it reads (none after a
// build with the same input, a changed body or a report added that no
// text names; all after a service is named for the first time, which
// changes what reading them depends on), and every fact is what a build
// without any cache computes.
func TestSlimBodies(t *testing.T) {
	files := map[string]string{}
	for k := range 8 {
		day := fmt.Sprintf("2024-0%d-1%d", 1+k%9, k)
		files[fmt.Sprintf("r%d.md", k)] = report(day+" r", day, "services: [cache]\n",
			"## Summary\n\nThe cache tier timed out under load; see T12"+fmt.Sprint(k)+".\n\n## Timeline\n\n`redis-cli ping` hung for minutes.\n")
	}
	cache := buildcache.Open(t.TempDir(), "test")
	bodies := &slimBodies{m: map[string][]byte{}}
	run := func(files map[string]string) (*Facts, *Facts) {
		t.Helper()
		cold := compute(t, load(t, files), Options{})
		html, plain := &memoryStore{}, &memoryStore{}
		warm := compute(t, load(t, files), Options{Cache: cache, Bodies: bodies, HTML: html, Plain: plain, ReleaseMarkdown: true})
		if !reflect.DeepEqual(warm.Repeats, cold.Repeats) {
			t.Fatalf("repeat lists differ from a build without caches:\n%+v\n%+v", warm.Repeats, cold.Repeats)
		}
		for i, in := range warm.Archive.Incidents {
			c := cold.Bodies[i]
			if b := warm.Bodies[i]; !reflect.DeepEqual(b.Mentions, c.Mentions) || !reflect.DeepEqual(b.Tasks, c.Tasks) {
				t.Errorf("%s: body %+v, want %+v", in.ID, b, c)
			}
			got, toc, err := warm.BodyPage(in)
			if err != nil || string(got) != string(c.HTML) || !reflect.DeepEqual(toc, c.TOC) {
				t.Errorf("%s: HTML %q, contents %+v (%v), want %q, %+v", in.ID, got, toc, err, c.HTML, c.TOC)
			}
			if p, err := warm.ReportPlain(i); err != nil || p != c.Plain {
				t.Errorf("%s: plain text %+v (%v), want %+v", in.ID, p, err, c.Plain)
			}
		}
		return warm, cold
	}
	counts := func() [3]int64 {
		return [3]int64{bodies.slim.Swap(0), bodies.html.Swap(0), bodies.texts.Swap(0)}
	}
	run(files)
	if got := counts(); got[0] != 0 {
		t.Errorf("first build: %d bodies slim from an empty cache", got[0])
	}
	// A body missed slim is rendered, not looked for whole as well.
	defer func() {
		if n := bodies.gets.Load(); n != 0 {
			t.Errorf("%d bodies looked for whole in a slim cache", n)
		}
	}()
	run(files)
	// Every body slim; the HTML and the text read back once each, by the
	// checks above; detection read none.
	if got, want := counts(), [3]int64{8, 8, 8}; got != want {
		t.Errorf("the same archive again: slim, HTML, text reads %v, want %v", got, want)
	}
	edited := maps.Clone(files)
	edited["r3.md"] = report("2024-04-13 r", "2024-04-13", "services: [cache]\n", "## Summary\n\nThe cache tier timed out again, worse.\n")
	run(edited)
	if got, want := counts(), [3]int64{7, 7, 7}; got != want {
		t.Errorf("one body edited: slim, HTML, text reads %v, want %v", got, want)
	}
	added := maps.Clone(edited)
	added["r9.md"] = report("2024-09-30 r", "2024-09-30", "services: [cache]\n", "## Summary\n\nThe cache tier timed out.\n")
	run(added)
	if got, want := counts(), [3]int64{8, 8, 8}; got != want {
		t.Errorf("a report added: slim, HTML, text reads %v, want %v", got, want)
	}
	newService := maps.Clone(added)
	newService["r10.md"] = report("2024-10-30 r", "2024-10-30", "services: [queue]\n", "## Summary\n\nThe queue backed up.\n")
	run(newService)
	if got, want := counts(), [3]int64{9, 9, 9 + 9}; got != want {
		t.Errorf("a report on a new service added: slim, HTML, text reads %v, want %v", got, want)
	}
	// A cache that can no longer be read fails the stage, naming the
	// report, rather than detecting without the text.
	bodies.broken = true
	added["r11.md"] = report("2024-11-30 r", "2024-11-30", "services: [search]\n", "Another.\n")
	_, err := Compute(context.Background(), load(t, added), Options{Cache: cache, Bodies: bodies, HTML: &memoryStore{}, Plain: &memoryStore{}})
	if err == nil || !strings.Contains(err.Error(), "incidents/r") {
		t.Errorf("texts that could not be read back gave %v, not an error naming the report", err)
	}
}
