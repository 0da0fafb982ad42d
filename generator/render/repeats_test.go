package render

import (
	"testing"

	"github.com/incidents-archive/incidents/generator/repeats"
)

func TestReasonText(t *testing.T) {
	tests := []struct {
		name string
		why  repeats.Reasons
		want string
	}{
		{"nothing shared", repeats.Reasons{Text: 0.3}, ""},
		{"every signal", repeats.Reasons{
			Services: []string{"search", "api"}, SamePrimary: true, Causes: []string{"heap"},
			Trigger: "deploy", FailureMode: "overload", Terms: []string{"reindex", "heap"}, Link: "task T1",
		}, "shared task T1; shared services: search, api (the same one failed); causes: heap; trigger: deploy; failure mode: overload; matching terms: reindex, heap"},
		{"named by the author", repeats.Reasons{Link: "repeat_of", Services: []string{"dns"}}, "named in repeat_of; shared services: dns"},
		{"related", repeats.Reasons{Link: "related", Terms: []string{"cert"}}, "listed as related; matching terms: cert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := reasonText(tt.why); got != tt.want {
				t.Errorf("reasonText = %q\nwant        %q", got, tt.want)
			}
		})
	}
}

func TestDisagrees(t *testing.T) {
	tests := []struct {
		answer, computed string
		want             bool
	}{
		{"yes", "no", true},
		{"no", "yes", true},
		{"yes", "yes", false},
		{"n/a", "no", false}, // the authors' judgement
		{"", "no", false},    // unanswered
		{"yes", "", false},   // nothing computed
	}
	for _, tt := range tests {
		if got := disagrees(tt.answer, tt.computed); got != tt.want {
			t.Errorf("disagrees(%q, %q) = %v, want %v", tt.answer, tt.computed, got, tt.want)
		}
	}
}
