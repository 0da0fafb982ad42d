package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidents-archive/incidents/generator/testutil"
)

// TestUpdateLeavesWhatItDidNotWrite: a folder named as the index, or as
// the folders a rebuild leaves beside it, that is not shaped as a bleve
// index (a Go package search/, a folder of notes, a file) is refused with
// an error naming it, and every file in it stays. Update used to take any
// folder it could not open for a damaged index, and delete it.
func TestUpdateLeavesWhatItDidNotWrite(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // under the cache folder
		want  string            // in the error
	}{
		{"a Go package named search", map[string]string{"search/index.go": "package search\n", "search/doc.go": "// Package search.\npackage search\n"}, "search is not a search index"},
		{"notes in search.new", map[string]string{"search.new/notes.txt": "my notes\n"}, "search.new is not a search index"},
		{"notes in search.old", map[string]string{"search.old/todo.md": "- a thing to do\n"}, "search.old is not a search index"},
		{"a file named search", map[string]string{"search": "a file of mine\n"}, "it is not a folder"},
		{"a store holding other files", map[string]string{"search/index_meta.json": "{}", "search/store/root.bolt": "", "search/store/diary.txt": "dear diary\n"}, "store/diary.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cache := t.TempDir()
			testutil.WriteFiles(t, cache, tt.files)
			for _, do := range []struct {
				name string
				fn   func(context.Context, string, []Document, func(string, int, int)) (UpdateStats, error)
			}{{"Update", Update}, {"Rebuild", Rebuild}} {
				_, err := do.fn(context.Background(), filepath.Join(cache, "search"), testDocs(), nil)
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "left alone") {
					t.Errorf("%s: error %v, want one saying %q and that it was left alone", do.name, err, tt.want)
				}
				for rel, content := range tt.files {
					got, err := os.ReadFile(filepath.Join(cache, rel))
					if err != nil || string(got) != content {
						t.Errorf("%s: %s is gone or changed (%v)", do.name, rel, err)
					}
				}
			}
		})
	}
}

// TestRecognize tells an index that incidents wrote from folders that
// merely have its name, which is what lets a cache folder of an earlier
// version be taken over and nothing else.
func TestRecognize(t *testing.T) {
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours")
	if _, err := Update(context.Background(), ours, testDocs(), nil); err != nil {
		t.Fatal(err)
	}
	if err := Recognize(ours); err != nil {
		t.Errorf("an index of ours: %v", err)
	}
	if err := RecognizeLeftover(ours); err != nil {
		t.Errorf("an index of ours as a leftover: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if err := Recognize(empty); err != nil {
		t.Errorf("an empty folder: %v", err)
	}
	// A bleve index that incidents did not write: no version stamp.
	theirs := filepath.Join(dir, "theirs")
	if err := rebuild(context.Background(), theirs, testDocs(), map[string]string{}, func(string, int, int) {}); err != nil {
		t.Fatal(err)
	}
	idx, err := openIndex(theirs, false, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	idx.DeleteInternal(versionKey)
	idx.Close()
	testutil.WriteFiles(t, dir, map[string]string{"gopkg/search.go": "package search\n", "file": "x"})
	for _, p := range []string{theirs, filepath.Join(dir, "gopkg"), filepath.Join(dir, "file"), filepath.Join(dir, "missing")} {
		if err := Recognize(p); err == nil {
			t.Errorf("%s taken for an index of ours", filepath.Base(p))
		}
	}
	if err := RecognizeLeftover(filepath.Join(dir, "gopkg")); err == nil {
		t.Error("a Go package taken for a leftover index")
	}
}

// TestIndexInUseIsNotRebuilt: while another holds the index (here a
// reader, whose shared lock keeps a writer out), Update waits, then
// returns ErrInUse and leaves the index as it was. It used to say "could
// not be opened (timeout); rebuilding it" and replace a healthy index.
func TestIndexInUseIsNotRebuilt(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "search")
	if _, err := Update(ctx, dir, testDocs(), nil); err != nil {
		t.Fatal(err)
	}
	reader, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, "store", "root.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	changed := testDocs()[:2]
	st, err := update(ctx, dir, changed, nil, 300*time.Millisecond)
	if !errors.Is(err, ErrInUse) || st.Rebuilt {
		t.Fatalf("Update of an index in use: %+v, %v; want ErrInUse and no rebuild", st, err)
	}
	after, err := os.ReadFile(filepath.Join(dir, "store", "root.bolt"))
	if err != nil || string(after) != string(before) {
		t.Errorf("the index in use was changed (%v)", err)
	}
	if n, _ := reader.DocCount(); n != 3 {
		t.Errorf("the reader sees %d documents, want 3", n)
	}
	if st.Warning != "" {
		t.Errorf("warning %q", st.Warning)
	}
	// Once the reader is gone the update goes through, in place.
	reader.Close()
	st, err = update(ctx, dir, changed, nil, 300*time.Millisecond)
	if err != nil || st.Rebuilt || st.Deleted != 1 {
		t.Errorf("after the reader: %+v, %v; want one report removed in place", st, err)
	}
}
