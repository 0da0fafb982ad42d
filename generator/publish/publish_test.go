package publish

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// site writes files (name → content) into the build folder.
func site(t *testing.T, files map[string]string) func(*Folder) error {
	return func(f *Folder) error {
		for name, content := range files {
			if _, err := f.WriteFile(name, []byte(content)); err != nil {
				return err
			}
		}
		return nil
	}
}

// tree lists a folder's files and contents, "name=content" sorted.
func tree(t *testing.T, dir string) string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == ManifestName {
			return nil // holds times; see TestUnchangedFilesAreKept
		}
		if d.IsDir() {
			if rel != "." {
				out = append(out, filepath.ToSlash(rel)+"/")
			}
			return nil
		}
		b, err := os.ReadFile(p)
		out = append(out, filepath.ToSlash(rel)+"="+string(b))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " ")
}

func TestBuild(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "sub", "public")
	steps := []struct {
		name  string
		files map[string]string
		fail  bool
		want  string // the tree of dest afterwards
	}{
		{"first build creates dest and its parent", map[string]string{"index.html": "v1", "a/index.html": "a1"}, false,
			".incidents-output=" + markerText + " a/ a/index.html=a1 index.html=v1"},
		{"second build", map[string]string{"index.html": "v2", "b/index.html": "b2"}, false,
			".incidents-output=" + markerText + " b/ b/index.html=b2 index.html=v2"},
		{"a failed build changes nothing", map[string]string{"index.html": "half"}, true,
			".incidents-output=" + markerText + " b/ b/index.html=b2 index.html=v2"},
		{"third build reuses the spare and removes what it did not write", map[string]string{"index.html": "v3", "c/d/index.html": "c3"}, false,
			".incidents-output=" + markerText + " c/ c/d/ c/d/index.html=c3 index.html=v3"},
		{"fourth build", map[string]string{"index.html": "v4"}, false,
			".incidents-output=" + markerText + " index.html=v4"},
	}
	boom := errors.New("boom")
	for _, step := range steps {
		fill := site(t, step.files)
		if step.fail {
			inner := fill
			fill = func(f *Folder) error { inner(f); return boom }
		}
		_, err := Build(dest, fill)
		if step.fail != (err != nil) {
			t.Fatalf("%s: err = %v", step.name, err)
		}
		if got := tree(t, dest); got != step.want {
			t.Errorf("%s:\n got %s\nwant %s", step.name, got, step.want)
		}
	}
	info, err := os.Stat(dest)
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("dest mode = %v, %v; want 0755", info.Mode(), err)
	}
	// The spare holds the build before last, and nothing else is left.
	if got := tree(t, SpareDir(dest)); got != ".incidents-output="+markerText+" c/ c/d/ c/d/index.html=c3 index.html=v3" {
		t.Errorf("spare = %s", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".public.lock .public.spare public" {
		t.Errorf("beside dest: %s", got)
	}
}

func TestBuildRefusesAFile(t *testing.T) {
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	if err := os.WriteFile(dest, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Build(dest, func(*Folder) error { t.Error("fill must not run"); return nil })
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(dest); string(b) != "not a folder" {
		t.Error("the file was changed")
	}
}

// TestBuildRefusesFoldersItDidNotWrite guards against a mistyped --dest:
// a folder of reports must never be swapped away or pruned.
func TestBuildRefusesFoldersItDidNotWrite(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dest string)
	}{
		{"destination with other files", func(t *testing.T, dest string) {
			testutil.WriteFiles(t, dest, map[string]string{"incidents/a.md": "report"})
		}},
		{"spare with other files", func(t *testing.T, dest string) {
			testutil.WriteFiles(t, SpareDir(dest), map[string]string{"notes.txt": "mine"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dest := filepath.Join(root, "public")
			tt.setup(t, dest)
			before := tree(t, root)
			_, err := Build(dest, func(*Folder) error {
				t.Error("fill must not run")
				return nil
			})
			if err == nil || !strings.Contains(err.Error(), "did not write") {
				t.Fatalf("err = %v", err)
			}
			// Only the lock file may appear.
			if after := strings.TrimPrefix(tree(t, root), ".public.lock= "); after != before {
				t.Errorf("files changed:\n%s\n%s", before, after)
			}
		})
	}
	// An empty destination is fine, and so is a symlink refused clearly.
	root := t.TempDir()
	dest := filepath.Join(root, "public")
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(dest, site(t, map[string]string{"index.html": "x"})); err != nil {
		t.Errorf("empty destination: %v", err)
	}
	link := filepath.Join(root, "link")
	if err := os.Symlink(dest, link); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(link, site(t, nil)); err == nil || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("symlink destination: %v", err)
	}
}

// TestFailedBuildKeepsTheManifest: a build that fails part-way records
// what it wrote, so the build after it rewrites only what changed.
func TestFailedBuildKeepsTheManifest(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	first := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	for i := 0; i < 2; i++ { // both folders of the double buffer hold the site
		if _, err := Build(dest, site(t, first)); err != nil {
			t.Fatal(err)
		}
	}
	failed := errors.New("cancelled")
	_, err := Build(dest, func(f *Folder) error {
		if _, err := f.WriteFile("a/index.html", []byte("A")); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("Build = %v, want the fill's error", err)
	}
	var changed []string
	_, err = Build(dest, func(f *Folder) error {
		for _, name := range []string{"index.html", "a/index.html", "b/index.html"} {
			data := first[name]
			if name == "a/index.html" {
				data = "A"
			}
			c, err := f.WriteFile(name, []byte(data))
			if err != nil {
				return err
			}
			if c {
				changed = append(changed, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 0 {
		t.Errorf("after a failed build, the next one rewrote %v, want nothing", changed)
	}
	if got, want := tree(t, dest), ".incidents-output=This folder is written by 'incidents build', which replaces it as a whole.\n a/ a/index.html=A b/ b/index.html=b index.html=home"; got != want {
		t.Errorf("dest = %q, want %q", got, want)
	}
}
