package cachedir

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidents-archive/incidents/generator/testutil"
)

func TestClaim(t *testing.T) {
	known := Known{
		"index": func(p string) error {
			if _, err := os.Stat(filepath.Join(p, "ours")); err != nil {
				return errors.New("not ours")
			}
			return nil
		},
		"lock": EmptyFile,
	}
	tests := []struct {
		name    string
		files   map[string]string
		adopted bool
		foreign string // in the error; "" for none
	}{
		{"missing", nil, false, ""},
		{"marked, with anything in it", map[string]string{Marker: "x", "anything": "y"}, false, ""},
		{"only what we wrote", map[string]string{"index/ours": "", "lock": ""}, true, ""},
		{"a folder of that name of someone else's", map[string]string{"index/theirs": ""}, false, "it holds index (not ours)"},
		{"a lock file with something in it", map[string]string{"lock": "x"}, false, "lock (not an empty file)"},
		{"another name", map[string]string{"index/ours": "", "notes": ""}, false, "it holds notes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cache")
			if tt.files != nil {
				testutil.WriteFiles(t, dir, tt.files)
			}
			adopted, err := Claim(dir, known)
			var fe *ForeignError
			if tt.foreign != "" {
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.foreign) {
					t.Fatalf("Claim: %v, want a ForeignError saying %q", err, tt.foreign)
				}
				if _, err := os.Lstat(filepath.Join(dir, Marker)); err == nil {
					t.Error("a refused folder was marked")
				}
				return
			}
			if err != nil || adopted != tt.adopted {
				t.Fatalf("Claim: adopted %v, %v; want %v", adopted, err, tt.adopted)
			}
			if state, err := Inspect(dir, known); state != Marked || err != nil {
				t.Errorf("after Claim: %v, %v", state, err)
			}
		})
	}
	t.Run("an empty folder", func(t *testing.T) {
		dir := t.TempDir()
		if state, _ := Inspect(dir, known); state != Empty {
			t.Errorf("state %v", state)
		}
		if _, err := Claim(dir, known); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a marker that is a link is no marker", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(t.TempDir(), "target")
		os.Symlink(target, filepath.Join(dir, Marker))
		if _, err := Claim(dir, known); err == nil {
			t.Fatal("a folder holding a link named as the marker was claimed")
		}
		if _, err := os.Stat(target); err == nil {
			t.Error("the marker was written through the link")
		}
	})
}

func TestLock(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".lock")
	if _, held := Peek(p); held {
		t.Error("a missing lock file is held")
	}
	first := Holder{PID: 4242, Command: "serve", Source: "/srv/reports"}
	lock, _, err := TryLock(p, first)
	if err != nil || lock == nil {
		t.Fatalf("TryLock: %v", err)
	}
	if h, held := Peek(p); !held || h != first {
		t.Errorf("Peek: %+v, %v; want %+v held", h, held, first)
	}
	again, holder, err := TryLock(p, Holder{PID: 1, Command: "build"})
	if err != nil || again != nil || holder != first {
		t.Fatalf("second TryLock: %v, %+v, %v; want the first holder", again, holder, err)
	}
	if got := holder.String(); got != "incidents serve (pid 4242, content folder /srv/reports)" {
		t.Errorf("String: %q", got)
	}
	if err := lock.Release(); err != nil {
		t.Fatal(err)
	}
	if _, held := Peek(p); held {
		t.Error("held after Release")
	}
	if data, _ := os.ReadFile(p); len(data) != 0 {
		t.Errorf("the released lock still names %q", data)
	}
	second, _, err := TryLock(p, Holder{PID: 2, Command: "build"})
	if err != nil || second == nil {
		t.Fatalf("TryLock after Release: %v", err)
	}
	second.Release()
	if got := (Holder{}).String(); got != "another incidents process" {
		t.Errorf("String of no one: %q", got)
	}
}
