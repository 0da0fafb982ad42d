package live

import (
	"slices"
	"testing"
)

// TestBuiltPathsAreAsTheBrowserHasThem: a changed page whose slug is not
// ASCII is announced by its percent-encoded path too, which is what the
// script compares (location.pathname), so that its tab reloads.
func TestBuiltPathsAreAsTheBrowserHasThem(t *testing.T) {
	hub := NewHub()
	hub.Built([]string{"incidents/2026-03-01-東京/index.html", "incidents/a/index.html"})
	hub.mu.Lock()
	paths := hub.st.Paths
	hub.mu.Unlock()
	want := []string{"/incidents/2026-03-01-東京/", "/incidents/2026-03-01-%E6%9D%B1%E4%BA%AC/", "/incidents/a/"}
	if !slices.Equal(paths, want) {
		t.Errorf("paths = %q, want %q", paths, want)
	}
}
