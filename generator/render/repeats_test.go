package render

import (
	"reflect"
	"strings"
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
			Trigger: "deploy", FailureMode: "overload", Terms: []string{"reindex", "heap"}, Link: "task T1", Tasks: []string{"T1"},
		}, "same task T1; shared services: search, api (the same one failed); causes: heap; trigger: deploy; failure mode: overload; matching terms: reindex, heap"},
		{"named by the author", repeats.Reasons{Link: "repeat_of", Services: []string{"dns"}}, "named in repeat_of; shared services: dns"},
		{"related", repeats.Reasons{Link: "related", Terms: []string{"cert"}}, "listed as related; matching terms: cert"},
		{"the text says so", repeats.Reasons{Reference: "same", Phrase: "previous incarnation", Services: []string{"sessionstore"}},
			`this report names the other and says "previous incarnation"; shared services: sessionstore`},
		{"the earlier one links here", repeats.Reasons{Reference: "names", ReferenceBack: true}, "linked from it"},
		{"called unrelated", repeats.Reasons{Reference: "unrelated", Phrase: "not related"}, `called unrelated by this report ("not related")`},
		{"hosts name the service", repeats.Reasons{Services: []string{"sessionstore"}, SamePrimary: true, ServiceWords: []string{"sessionstore1001", "sessionstore1003"}},
			"shared services: sessionstore (the same one failed); the service named in the text by this report: sessionstore1001, sessionstore1003 ↔ sessionstore"},
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

func TestScoreMeaning(t *testing.T) {
	cal := repeats.Calibration{
		Config: repeats.DefaultConfig().Fingerprint(), Measured: "2026-12-02", Sizes: []int{2000, 10000}, Seeds: []int{1, 2},
		Styles: []repeats.StyleCalibration{{Style: "real", Repeats: 100, Likely: 90, LikelyRight: 88, LikelyFound: 87}},
	}
	got, rows := scoreMeaning(cal, repeats.DefaultConfig())
	if !strings.Contains(got, "(2,000 and 10,000 reports, 2 seeds, 2026-12-02)") {
		t.Errorf("scoreMeaning = %q", got)
	}
	if want := []calibrationRow{{"shaped like real ones (long, uneven reports, few tags)", "98", "87"}}; len(rows) != 1 || rows[0] != want[0] {
		t.Errorf("rows = %+v, want %+v", rows, want)
	}
	own := repeats.DefaultConfig()
	own.Likely = 0.7
	if got, rows := scoreMeaning(cal, own); !strings.Contains(got, "sets its own thresholds") || rows != nil {
		t.Errorf("with other thresholds, scoreMeaning = %q, %v", got, rows)
	}
	if got, rows := scoreMeaning(repeats.Calibration{}, repeats.DefaultConfig()); got != "" || rows != nil {
		t.Errorf("without a calibration, scoreMeaning = %q, %v", got, rows)
	}
}

// TestKeyReasonsCoverReasonText: a change to any one field of the reasons
// that changes the sentence a page shows (reasonText) changes what the
// page's key holds of them (keyWriter.reasons), from several starting
// points, so that a page is never kept with another sentence than it
// would show.
func TestKeyReasonsCoverReasonText(t *testing.T) {
	key := func(w repeats.Reasons) string {
		k := &keyWriter{}
		k.reasons(&w)
		return string(k.b)
	}
	bases := []repeats.Reasons{
		{},
		{Services: []string{"api"}, ServiceWords: []string{"gateway"}, Reference: "same", Phrase: "again", Link: "related"},
		{Services: []string{"api", "db"}, SamePrimary: true, EarlierServiceWords: []string{"db"}, Reference: "names", ReferenceBack: true,
			Causes: []string{"deploy"}, Trigger: "config", FailureMode: "overload", Terms: []string{"timeout"}, Link: "repeat_of"},
	}
	typ := reflect.TypeOf(repeats.Reasons{})
	for b, base := range bases {
		for f := range typ.NumField() {
			changed := base
			v := reflect.ValueOf(&changed).Elem().Field(f)
			switch v.Kind() {
			case reflect.String:
				for _, s := range []string{"same", "day", "unrelated", "names", "repeat_of", "related", "changed"} {
					if v.String() != s {
						v.SetString(s)
						break
					}
				}
			case reflect.Bool:
				v.SetBool(!v.Bool())
			case reflect.Float64:
				v.SetFloat(v.Float() + 0.5)
			case reflect.Slice:
				v.Set(reflect.Append(v, reflect.ValueOf("changed")))
			default:
				t.Fatalf("Reasons.%s: a field of a kind this test cannot change; teach the test", typ.Field(f).Name)
			}
			if reasonText(changed) != reasonText(base) && key(changed) == key(base) {
				t.Errorf("base %d: a change of Reasons.%s changes the sentence shown (%q → %q) but not the page key",
					b, typ.Field(f).Name, reasonText(base), reasonText(changed))
			}
		}
	}
}
