package tasks

import (
	"testing"
	"time"
)

func TestLabel(t *testing.T) {
	closed := time.Date(2024, 5, 3, 23, 30, 0, 0, time.FixedZone("", -2*3600)) // 2024-05-04 in UTC
	tests := []struct {
		task         Task
		label, class string
	}{
		{Task{State: Open}, "open", "open"},
		{Task{State: Open, Status: "Reopened", Created: closed}, "open", "open"},
		{Task{State: Resolved, Closed: closed}, "resolved 2024-05-04", "resolved"},
		{Task{State: Resolved}, "resolved", "resolved"},
		{Task{State: Declined, Closed: closed}, "declined 2024-05-04", "declined"},
		{Task{State: Declined}, "declined", "declined"},
		{Task{State: Unknown}, "unknown to the tracker", "unknown"},
	}
	for _, tt := range tests {
		label, class := tt.task.Label()
		if label != tt.label || class != tt.class {
			t.Errorf("%+v: Label() = %q, %q; want %q, %q", tt.task, label, class, tt.label, tt.class)
		}
	}
	f := &File{Tasks: []Task{{ID: "T1", State: Resolved, Closed: closed}}}
	if label, _, ok := f.Label("T1"); !ok || label != "resolved 2024-05-04" {
		t.Errorf("File.Label(T1) = %q, %v", label, ok)
	}
	if _, _, ok := f.Label("T2"); ok {
		t.Error("File.Label gives a label for a task the file does not hold")
	}
	var none *File
	if _, _, ok := none.Label("T1"); ok {
		t.Error("a nil File gives a label")
	}
}

func TestDisagreement(t *testing.T) {
	closed := time.Date(2024, 5, 3, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		status string
		task   Task
		want   string
	}{
		{"open", Task{State: Open}, ""},
		{"open", Task{State: Resolved, Closed: closed}, "the tracker says resolved on 2024-05-03"},
		{"open", Task{State: Resolved}, "the tracker says resolved"},
		{"open", Task{State: Declined, Closed: closed}, "the tracker says declined on 2024-05-03"},
		{"done", Task{State: Open}, "the tracker says open"},
		{"declined", Task{State: Open, Status: "Reopened"}, "the tracker says open"},
		{"done", Task{State: Resolved, Closed: closed}, ""},
		{"done", Task{State: Declined, Closed: closed}, ""}, // both closed
		{"declined", Task{State: Resolved, Closed: closed}, ""},
		{"open", Task{State: Unknown}, ""}, // a warning of its own
		{"done", Task{State: Unknown}, ""},
	}
	for _, tt := range tests {
		if got := Disagreement(tt.status, tt.task); got != tt.want {
			t.Errorf("Disagreement(%q, %+v) = %q; want %q", tt.status, tt.task, got, tt.want)
		}
	}
}

func TestDates(t *testing.T) {
	created := time.Date(2024, 4, 1, 9, 0, 0, 0, time.UTC)
	now := time.Date(2024, 4, 13, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		task Task
		want string
	}{
		{Task{State: Open, Created: created}, "opened 2024-04-01, open for 12 days"},
		{Task{State: Open, Created: now.Add(-90 * time.Minute)}, "opened 2024-04-13, open for 1 hour"},
		{Task{State: Resolved, Created: created, Closed: created.Add(24 * time.Hour)}, "opened 2024-04-01, resolved 2024-04-02 after 1 day"},
		{Task{State: Declined, Created: created, Closed: created.Add(32 * 24 * time.Hour)}, "opened 2024-04-01, declined 2024-05-03 after 32 days"},
		{Task{State: Resolved, Created: created}, ""}, // no closing time
		{Task{State: Open}, ""}, // no creation time
		{Task{State: Unknown, Created: created}, ""},
	}
	for _, tt := range tests {
		if got := tt.task.Dates(now); got != tt.want {
			t.Errorf("%+v: Dates = %q; want %q", tt.task, got, tt.want)
		}
	}
}
