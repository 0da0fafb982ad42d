// Package tasks is what the archive knows of the tasks its reports name,
// as the tracker last told it: content/tasks.json, which `incidents tasks
// sync` writes and builds read. Builds never ask the tracker; the file is
// committed with the reports, so they stay offline and reproducible.
//
// The file is JSON, diffable: the time of the sync, the tracker asked,
// then one task per line, sorted by id.
package tasks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
)

// FileName is the file's name in the content folder.
const FileName = "tasks.json"

// The states of a task, whatever the tracker calls them (see Task.Status).
const (
	Open     = "open"     // open, in progress, stalled, needs triage, reopened
	Resolved = "resolved" // done, fixed, closed as done
	Declined = "declined" // won't fix, invalid, duplicate
	Unknown  = "unknown"  // the tracker does not know the id
)

// States are the states a task may have, in the order pages list them.
var States = []string{Open, Resolved, Declined, Unknown}

// Task is one task as the tracker describes it.
type Task struct {
	ID string `json:"id"`
	// State is one of States; Status is the tracker's own word for it
	// ("In Progress", "wontfix"), when it has one.
	State    string `json:"state"`
	Status   string `json:"status,omitempty"`
	Title    string `json:"title,omitempty"`
	Assignee string `json:"assignee,omitempty"`
	URL      string `json:"url,omitempty"`
	// Created and Closed are when the task was opened and, for a
	// resolved or declined task, closed; zero when not known. A task
	// reopened since is open, with no closing time.
	Created time.Time `json:"created,omitzero"`
	Closed  time.Time `json:"closed,omitzero"`
	// ETag is the tracker's version tag of the task, where it gives one
	// (GitHub): the next sync asks only whether it changed.
	ETag string `json:"etag,omitempty"`
}

// IsClosed reports whether the task is resolved or declined.
func (t Task) IsClosed() bool { return t.State == Resolved || t.State == Declined }

// OpenAt reports whether the task was open at instant at: created before
// it and not closed by then. A task closed exactly at that instant was
// not open; a task without a creation time is taken to exist at any
// time before its closing. An unknown task was not open, as far as the
// archive can tell.
func (t Task) OpenAt(at time.Time) bool {
	switch {
	case t.State == Unknown:
		return false
	case !t.Created.IsZero() && !t.Created.Before(at):
		return false
	case t.IsClosed():
		return !t.Closed.IsZero() && t.Closed.After(at)
	}
	return true
}

// Age is how long the task has been, or was, open: from its creation to
// its closing, or to now. ok is false without a creation time, or for a
// closed task without a closing time.
func (t Task) Age(now time.Time) (d time.Duration, ok bool) {
	if t.Created.IsZero() || t.State == Unknown {
		return 0, false
	}
	end := now
	if t.IsClosed() {
		if t.Closed.IsZero() {
			return 0, false
		}
		end = t.Closed
	}
	return max(0, end.Sub(t.Created)), true
}

// File is the content of tasks.json.
type File struct {
	// Synced is when the tracker was asked; Tracker says which ("phabricator
	// https://phabricator.example.org", or "offline" for a file made from
	// the reports alone).
	Synced  time.Time `json:"synced"`
	Tracker string    `json:"tracker"`
	Tasks   []Task    `json:"tasks"`

	// byID indexes Tasks by id. It is built on first use when a File is
	// made by hand; render workers look tasks up at once, so it is
	// swapped in whole, never filled in place.
	byID atomic.Pointer[map[string]int32]
}

// Lookup returns the task with id.
func (f *File) Lookup(id string) (Task, bool) {
	if t := f.Find(id); t != nil {
		return *t, true
	}
	return Task{}, false
}

// Find returns the task with id in place, or nil: without the file, for
// an empty id, or when the file does not hold it. The task must not be
// changed.
func (f *File) Find(id string) *Task {
	if f == nil || id == "" {
		return nil
	}
	m := f.byID.Load()
	if m == nil {
		m = f.index()
	}
	i, ok := (*m)[id]
	if !ok {
		return nil
	}
	return &f.Tasks[i]
}

// index maps each id to its task's position. The keys are copied into
// one string, side by side: a build looks tasks up from every report at
// once, and keys spread over the heap cost a cache miss each.
func (f *File) index() *map[string]int32 {
	n := 0
	for _, t := range f.Tasks {
		n += len(t.ID)
	}
	var b strings.Builder
	b.Grow(n)
	for _, t := range f.Tasks {
		b.WriteString(t.ID)
	}
	keys := b.String()
	m := make(map[string]int32, len(f.Tasks))
	at := 0
	for i, t := range f.Tasks {
		m[keys[at:at+len(t.ID)]] = int32(i)
		at += len(t.ID)
	}
	f.byID.Store(&m)
	return &m
}

// Sort puts the tasks in id order, numbers by their value (T9 before
// T10), and indexes them.
func (f *File) Sort() {
	slices.SortFunc(f.Tasks, func(a, b Task) int { return CompareIDs(a.ID, b.ID) })
	f.index()
}

// CompareIDs orders task ids: by their prefix, then by the number that
// ends them, then as strings (T9 < T10 < T100; #9 < #10).
func CompareIDs(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	if c := strings.Compare(pa, pb); c != 0 {
		return c
	}
	if len(na) != len(nb) {
		return len(na) - len(nb)
	}
	if c := strings.Compare(na, nb); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// splitNumber splits id into what comes before the digits that end it,
// and those digits without leading zeros.
func splitNumber(id string) (prefix, number string) {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	return id[:i], strings.TrimLeft(id[i:], "0")
}

// Marshal encodes f as tasks.json: sorted, one task per line.
func (f *File) Marshal() ([]byte, error) {
	f.Sort()
	var b bytes.Buffer
	head, err := json.Marshal(struct {
		Synced  time.Time `json:"synced"`
		Tracker string    `json:"tracker"`
	}{f.Synced.UTC().Truncate(time.Second), f.Tracker})
	if err != nil {
		return nil, err
	}
	b.Write(head[:len(head)-1]) // without its closing brace
	b.WriteString(`,"tasks":[`)
	for i, t := range f.Tasks {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n")
		t.Created, t.Closed = t.Created.UTC(), t.Closed.UTC()
		line, err := json.Marshal(t)
		if err != nil {
			return nil, fmt.Errorf("task %s: %w", t.ID, err)
		}
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

// Write writes f to path through a temporary file beside it, so that a
// failed write leaves the old file whole.
func (f *File) Write(path string) error {
	data, err := f.Marshal()
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tasks-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Read reads tasks.json at path. A missing file is nil, without a
// problem: an archive without a tracker has none. Problems in the file are
// recorded in diags, naming the file, the line and the field, all of them
// at once; the file is then nil.
func Read(path string, diags *diag.List) (*File, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data, diags), nil
}

// Parse decodes tasks.json from data, read from name; nil when it has
// problems, which go to diags.
func Parse(name string, data []byte, diags *diag.List) *File {
	f, lines, ok := parseLines(name, data, diags)
	if !ok {
		var whole File
		if !parseWhole(name, data, &whole, diags) {
			return nil
		}
		f, lines = &whole, taskLines(data)
	}
	if f == nil {
		return nil
	}
	return check(name, f, lines, diags)
}

// parseLines decodes a file in the form Marshal writes, one task a line,
// the lines on every CPU: a sync of a large archive writes tens of
// thousands of tasks, and builds read them all. ok is false for a file in
// another form (pretty-printed by hand, say), for parseWhole; f is nil
// when a line has problems, which go to diags with their line.
func parseLines(name string, data []byte, diags *diag.List) (f *File, lines []int, ok bool) {
	all := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(all) < 2 || !bytes.HasPrefix(all[0], []byte(`{"synced":`)) || !bytes.HasSuffix(all[0], []byte(`,"tasks":[`)) ||
		!bytes.Equal(all[len(all)-1], []byte("]}")) {
		return nil, nil, false
	}
	f = &File{}
	head := append(bytes.TrimSuffix(all[0], []byte(`,"tasks":[`)), '}')
	if err := json.Unmarshal(head, f); err != nil {
		return nil, nil, false
	}
	body := all[1 : len(all)-1]
	f.Tasks = make([]Task, len(body))
	lines = make([]int, len(body))
	errs := make([]error, len(body))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(body)/1000))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(body); i += workers {
				lines[i] = i + 2
				line := bytes.TrimSuffix(body[i], []byte(","))
				dec := json.NewDecoder(bytes.NewReader(line))
				dec.DisallowUnknownFields()
				errs[i] = dec.Decode(&f.Tasks[i])
			}
		}()
	}
	wg.Wait()
	bad := false
	for i, err := range errs {
		if err == nil {
			continue
		}
		bad = true
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			diags.Errorf(name, lines[i], fmt.Sprintf("tasks[%d].%s", i, typ.Field), "expected a %s, got a JSON %s", typ.Type, typ.Value)
		} else {
			diags.Errorf(name, lines[i], fmt.Sprintf("tasks[%d]", i), "%v", err)
		}
	}
	if bad {
		return nil, nil, true
	}
	return f, lines, true
}

// parseWhole decodes data as one JSON value, into f.
func parseWhole(name string, data []byte, f *File, diags *diag.List) bool {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			diags.Errorf(name, lineAt(data, syn.Offset), "", "not valid JSON: %v; run incidents tasks sync to write it again", err)
		case errors.As(err, &typ):
			diags.Errorf(name, lineAt(data, typ.Offset), typ.Field, "expected a %s, got a JSON %s", typ.Type, typ.Value)
		default:
			diags.Errorf(name, 0, "", "%v", err)
		}
		return false
	}
	return true
}

// check checks the tasks of f, whose lines in the file are lines (when
// known), and indexes them; nil when they have problems.
func check(name string, f *File, lines []int, diags *diag.List) *File {
	before := len(diags.Errors())
	seen := map[string]int{}
	for i, t := range f.Tasks {
		line := 0
		if len(lines) == len(f.Tasks) {
			line = lines[i]
		}
		at := func(field, msg string, args ...any) {
			diags.Errorf(name, line, fmt.Sprintf("tasks[%d].%s", i, field), msg, args...)
		}
		switch {
		case strings.TrimSpace(t.ID) == "":
			at("id", "every task needs an id")
		case seen[t.ID] > 0:
			at("id", "%q is already tasks[%d]", t.ID, seen[t.ID]-1)
		default:
			seen[t.ID] = i + 1
		}
		if !slices.Contains(States, t.State) {
			at("state", "%q is not one of %s", t.State, strings.Join(States, ", "))
		}
		if !t.Closed.IsZero() && !t.Created.IsZero() && t.Closed.Before(t.Created) {
			at("closed", "%s is before created %s", t.Closed.Format(time.RFC3339), t.Created.Format(time.RFC3339))
		}
		if !t.Closed.IsZero() && !t.IsClosed() {
			at("closed", "a task that is %s has no closing time", t.State)
		}
	}
	if len(diags.Errors()) > before {
		return nil
	}
	f.index()
	return f
}

func lineAt(data []byte, offset int64) int {
	return bytes.Count(data[:min(int(offset), len(data))], []byte("\n")) + 1
}

// taskLines are the lines of the file's tasks, in order: the lines that
// hold a task's "id" key, as Marshal writes them.
func taskLines(data []byte) []int {
	var out []int
	line := 1
	for _, l := range bytes.Split(data, []byte("\n")) {
		if bytes.Contains(l, []byte(`"id":`)) {
			out = append(out, line)
		}
		line++
	}
	return out
}
