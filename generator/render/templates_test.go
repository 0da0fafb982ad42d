package render

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/incidents-archive/incidents/layouts"
)

// TestOlderPartialsStillBuild: a site's own partials.html, written
// before a partial was added (list-pages, say), redefines what it has and
// takes the rest from the built-in partials; a build does not fail on
// "no such template".
func TestOlderPartialsStillBuild(t *testing.T) {
	own := fstest.MapFS{"partials.html": {Data: []byte(`{{define "task"}}<b class="own-task">{{.}}</b>{{end}}`)}}
	sets, err := parseTemplates(Overlay(own, layouts.FS), (&site{root: "/"}).funcs())
	if err != nil {
		t.Fatalf("a partials.html without the newer partials: %v", err)
	}
	set := sets["term"]
	if set.Lookup("list-pages") == nil {
		t.Fatal("list-pages is missing: the built-in partials were not parsed under the site's own")
	}
	var b bytes.Buffer
	if err := set.ExecuteTemplate(&b, "task", "T1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `class="own-task"`) {
		t.Errorf("the site's own task partial did not win: %q", b.String())
	}
}
