package buildcache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

func TestRecognize(t *testing.T) {
	ours := filepath.Join(t.TempDir(), "build")
	c := Open(ours, "test")
	if err := c.Put("repeats", "k", []byte("payload")); err != nil {
		t.Fatal(err)
	}
	testutil.WriteFiles(t, ours, map[string]string{".site.tmp123": "incidents bu", ".other.tmp9": ""})
	if err := Recognize(ours); err != nil {
		t.Errorf("a cache of ours: %v", err)
	}
	for name, files := range map[string]map[string]string{
		"scripts":           {"release.sh": "#!/bin/sh\n"},
		"an entry and more": {"repeats": formatVersion + "x", "notes.txt": "mine"},
		"a temp of another": {".x.tmp1": "something else"},
	} {
		dir := filepath.Join(t.TempDir(), "build")
		testutil.WriteFiles(t, dir, files)
		if err := Recognize(dir); err == nil {
			t.Errorf("%s: taken for a build cache", name)
		}
	}
	link := filepath.Join(t.TempDir(), "build")
	os.Symlink(ours, link)
	if err := Recognize(link); err == nil {
		t.Error("a link to a cache taken for one")
	}
}
