package live

import (
	"strings"
	"testing"
)

// TestGone: a vanished content folder is told to the tabs as a problem
// naming the folder, under a heading of its own, until a build or a
// content error replaces it; the script shows that heading.
func TestGone(t *testing.T) {
	hub := NewHub()
	hub.Gone("site/content", "content folder site/content is gone; waiting for it to come back")
	st := hub.st
	if len(st.Problems) != 1 || st.Problems[0].Path != "site/content" || !strings.Contains(st.Problems[0].Text, "is gone") {
		t.Errorf("problems after Gone: %+v", st.Problems)
	}
	if !strings.Contains(st.Message, "content folder is gone") {
		t.Errorf("message after Gone: %q", st.Message)
	}
	for _, tt := range []struct {
		name   string
		change func()
	}{
		{"Built", func() { hub.Built(nil) }},
		{"Failed", func() { hub.Failed(nil) }},
		{"FailedText", func() { hub.FailedText("a layout does not parse") }},
	} {
		hub.Gone("site/content", "gone")
		tt.change()
		if hub.st.Message != "" {
			t.Errorf("%s left the message %q", tt.name, hub.st.Message)
		}
	}
	if !strings.Contains(script, "st.message") {
		t.Error("the script does not show the state's message")
	}
}
