package realstyle

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator"
)

// readAll maps every file under dir to its bytes.
func readAll(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[strings.TrimPrefix(p, dir)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestDeterministic: the same size and seed give the same bytes, and
// another seed gives another archive.
func TestDeterministic(t *testing.T) {
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, w := range []struct {
		dir  string
		seed uint64
	}{{a, 1}, {b, 1}, {c, 2}} {
		if _, err := Write(w.dir, 150, w.seed); err != nil {
			t.Fatal(err)
		}
	}
	fa, fb, fc := readAll(t, a), readAll(t, b), readAll(t, c)
	if len(fa) != len(fb) {
		t.Fatalf("seed 1 twice: %d files, then %d", len(fa), len(fb))
	}
	for name, x := range fa {
		if !bytes.Equal(x, fb[name]) {
			t.Errorf("seed 1 twice: %s differs", name)
		}
	}
	if bytes.Equal(fa["/truth.json"], fc["/truth.json"]) {
		t.Errorf("seeds 1 and 2 gave the same truth.json")
	}
}

// TestArchive: every report loads without errors or warnings, truth.json
// names only existing, earlier reports, and the planted shares and body
// lengths are within their bounds.
func TestArchive(t *testing.T) {
	const n = 1500
	dir := t.TempDir()
	started := time.Now()
	sum, err := Write(dir, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d reports written in %v: %+v", n, time.Since(started).Round(time.Millisecond), sum)

	arc, diags, err := generator.Load(context.Background(), generator.Config{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diags.All() {
		t.Errorf("loader: %v", d)
	}
	if len(arc.Incidents) != n {
		t.Fatalf("loaded %d reports, want %d", len(arc.Incidents), n)
	}
	// Every service's hosts map back to it through the catalogue's host
	// patterns, as repeat detection is to read them.
	for _, svc := range services(n / 8) {
		host := svc.cluster + "1001"
		if got, ok := arc.Site.ServiceOfHost(host); !ok || got != svc.name {
			t.Errorf("ServiceOfHost(%q) = %q, %v; want %q", host, got, ok, svc.name)
		}
	}

	var truth struct {
		Repeats map[string][]string `json:"repeats"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	start := map[string]time.Time{}
	for _, in := range arc.Incidents {
		start[in.ID] = in.Start
	}
	repeats := 0
	for id, earlier := range truth.Repeats {
		repeats++
		s, ok := start[id]
		if !ok {
			t.Errorf("truth.json: %q is no report's id", id)
			continue
		}
		if len(earlier) == 0 {
			t.Errorf("truth.json: %q repeats nothing", id)
		}
		for k, e := range earlier {
			es, ok := start[e]
			switch {
			case !ok:
				t.Errorf("truth.json: %q repeats %q, which is no report's id", id, e)
			case es.After(s):
				t.Errorf("truth.json: %q (%v) repeats %q, which started later (%v)", id, s, e, es)
			case k > 0 && es.Before(start[earlier[k-1]]):
				t.Errorf("truth.json: %q's earlier reports are not oldest first", id)
			}
		}
	}
	if repeats != sum.Repeats {
		t.Errorf("truth.json holds %d repeats, the summary %d", repeats, sum.Repeats)
	}

	var noServices, noDetected, minimal, tagged, sayRepeat int
	for _, in := range arc.Incidents {
		body := string(in.Body)
		w := len(strings.Fields(body))
		if !strings.Contains(body, "## ") {
			minimal++
			if w < 40 || w > 400 {
				t.Errorf("%s: a minimal report of %d words, want 40 to 400", in.ID, w)
			}
			if paras := len(strings.Split(strings.TrimSpace(body), "\n\n")); paras != 2 {
				t.Errorf("%s: a minimal report of %d paragraphs, want 2", in.ID, paras)
			}
			if !in.End.IsZero() || len(in.Services) > 0 || in.Task != "" {
				t.Errorf("%s: a minimal report with more than id, title and start", in.ID)
			}
		} else if w < 1000 || w > 6000 {
			t.Errorf("%s: a body of %d words, want 1,000 to 6,000", in.ID, w)
		}
		if len(in.Services) == 0 {
			noServices++
		}
		if in.Detected.IsZero() {
			noDetected++
		}
		if len(in.Causes) > 0 || in.Trigger != "" || in.FailureMode != "" {
			tagged++
		}
		if _, ok := truth.Repeats[in.ID]; ok && (strings.Contains(body, "incarnation") || strings.Contains(body, "(at least) similar")) {
			sayRepeat++
		}
	}
	for _, c := range []struct {
		what     string
		got      int
		low, top float64
	}{
		{"minimal reports", minimal, 0.05, 0.12},
		{"reports without services", noServices, 0.25, 0.40},
		{"reports without detected", noDetected, 0.28, 0.42},
		{"reports with causes, trigger or failure mode", tagged, 0.40, 0.60},
		{"repeats", sum.Repeats, 0.08, 0.20},
		{"near-misses", sum.NearMisses, 0.04, 0.12},
	} {
		if share := float64(c.got) / n; share < c.low || share > c.top {
			t.Errorf("%s: %d of %d (%.3f), want %.2f to %.2f", c.what, c.got, n, share, c.low, c.top)
		}
	}
	if sayRepeat == 0 {
		t.Errorf("no repeat says in words that it is one")
	}
	if sum.Minimal != minimal || sum.NoServices != noServices || sum.NoDetected != noDetected {
		t.Errorf("summary %+v disagrees with the files: %d minimal, %d without services, %d without detected",
			sum, minimal, noServices, noDetected)
	}
}

// TestRepeatsShareMechanism: a repeat quotes the same error string as
// the report it repeats, and runs on hosts of the same cluster.
func TestRepeatsShareMechanism(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, 400, 3); err != nil {
		t.Fatal(err)
	}
	arc, _, err := generator.Load(context.Background(), generator.Config{Source: dir})
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Repeats map[string][]string `json:"repeats"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err := json.Unmarshal(b, &truth); err != nil {
		t.Fatal(err)
	}
	body := map[string]string{}
	for _, in := range arc.Incidents {
		body[in.ID] = string(in.Body)
	}
	for id, earlier := range truth.Repeats {
		quoted := func(s string) []string {
			var out []string
			for i, part := range strings.Split(s, "`") {
				if i%2 == 1 {
					out = append(out, part)
				}
			}
			for _, line := range strings.Split(s, "\n") {
				if _, err, ok := strings.Cut(line, " ERROR "); ok {
					out = append(out, err)
				}
			}
			return out
		}
		shared := false
		for _, q := range quoted(body[earlier[0]]) {
			if len(q) > 12 && strings.Contains(body[id], q) {
				shared = true
				break
			}
		}
		if !shared {
			t.Errorf("%s shares no quoted string with %s, which it repeats", id, earlier[0])
		}
	}
}
