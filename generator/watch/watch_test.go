package watch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestWatch makes the changes editors and people make and checks that
// each one arrives in a batch naming the file.
func TestWatch(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "incidents", "2026"), 0o755))
	report := filepath.Join(root, "incidents", "2026", "a.md")
	must(os.WriteFile(report, []byte("one"), 0o644))

	w, err := New([]string{root, filepath.Join(root, "missing")}, 20*time.Millisecond)
	must(err)
	ctx, cancel := context.WithCancel(context.Background())
	batches := make(chan []string, 16)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx, func(p []string) { batches <- p }) }()

	nested := filepath.Join(root, "incidents", "2027", "q1", "b.md")
	for _, tt := range []struct {
		name   string
		change func()
		want   string
	}{
		{"written in place", func() { must(os.WriteFile(report, []byte("two"), 0o644)) }, report},
		{"saved by rename (atomic save)", func() {
			tmp := report + ".tmp"
			must(os.WriteFile(tmp, []byte("three"), 0o644))
			must(os.Rename(tmp, report))
		}, report},
		{"saved the way vim does", func() {
			must(os.Rename(report, report+"~"))
			must(os.WriteFile(report, []byte("four"), 0o644))
			must(os.Remove(report + "~"))
		}, report},
		{"created in new folders", func() {
			must(os.MkdirAll(filepath.Dir(nested), 0o755))
			must(os.WriteFile(nested, []byte("new"), 0o644))
		}, nested},
		{"edited in a new folder", func() { must(os.WriteFile(nested, []byte("newer"), 0o644)) }, nested},
		{"deleted", func() { must(os.Remove(report)) }, report},
	} {
		tt.change()
		deadline := time.After(5 * time.Second)
	wait:
		for {
			select {
			case b := <-batches:
				if slices.Contains(b, tt.want) {
					break wait
				}
			case <-deadline:
				t.Fatalf("%s: no batch named %s", tt.name, tt.want)
			}
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestBatching: a burst of changes makes one batch.
func TestBatching(t *testing.T) {
	root := t.TempDir()
	w, err := New([]string{root}, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	batches := make(chan []string, 16)
	go w.Run(ctx, func(p []string) { batches <- p })
	for _, name := range []string{"a.md", "b.md", "c.md"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case b := <-batches:
		want := []string{filepath.Join(root, "a.md"), filepath.Join(root, "b.md"), filepath.Join(root, "c.md")}
		if !slices.Equal(b, want) {
			t.Errorf("batch %v, want %v", b, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no batch")
	}
}
