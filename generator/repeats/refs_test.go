package repeats

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestStance(t *testing.T) {
	tests := []struct {
		sentence, next string
		want           Stance
		phrase         string
	}{
		{"A previous incarnation of this occurred on 3 May 2024, see X.", "", Same, "previous incarnation"},
		{"This is likely (at least) similar to X.", "", Same, "similar to"},
		{"The hosts ended up in the same bad state as described in X.", "", Same, "same bad state"},
		{"See X for the details of the cluster.", "", Names, ""},
		{"At first this looked like X, but it turned out to be unrelated.", "", Unrelated, "unrelated"},
		{"X also involved the cache; it is not related to this incident.", "", Unrelated, "not related"},
		{"Someone asked whether this was a repeat of X.", "It was not: the cause there was different.", Unrelated, "it was not"},
		{"Was this X again?", "No, the pool was fine.", Unrelated, "no"},
		{"Despite the similar symptoms, this has nothing to do with X.", "", Unrelated, "nothing to do with"},
		{"The sameness of X is striking.", "", Names, ""}, // whole words only
		{"Was this X again?", "It was: the same pool ran dry.", Names, ""},
		// A denial answers a question only.
		{"This is a recurrence of X.", "It was noticed by the on-call engineer at 14:02.", Same, "a recurrence of"},
		{"The cluster layout is described in X.", "It was not documented anywhere else.", Names, ""},
		{"Was this X?", "Nobody knew.", Names, ""},
		// Phrases common for other reasons say nothing.
		{"To prevent recurrence, the action items of X were finished first.", "", Names, ""},
		{"We added a dashboard similar to the one made after X.", "", Names, ""},
		{"The same error appeared on the host named in X.", "", Names, ""},
		{"This is likely related to X.", "", Names, ""}, // "likely" is not "like"
		{"Like X, the pool ran dry.", "", Same, "like"},
	}
	for _, tt := range tests {
		got, phrase := stanceOf(tt.sentence, tt.next, strings.Index(tt.sentence, "X"))
		if got != tt.want || phrase != tt.phrase {
			t.Errorf("stanceOf(%q, %q) = %d %q, want %d %q", tt.sentence, tt.next, got, phrase, tt.want, tt.phrase)
		}
	}
}

// TestSameStems: every phrase that says "the same" holds one of the
// stems that the cheap test looks for first.
func TestSameStems(t *testing.T) {
	for _, w := range append(slices.Clone(sameWords), nearWords...) {
		if !maySaySame(w) {
			t.Errorf("%q holds none of sameStems", w)
		}
	}
}

func TestReferences(t *testing.T) {
	at := func(d string) time.Time {
		t, _ := time.Parse(time.DateOnly, d)
		return t.Add(9 * time.Hour)
	}
	reports := []Report{
		{ID: "2024-05-03 sessionstore", Start: at("2024-05-03")},
		{ID: "2024-06-10 api-gateway", Start: at("2024-06-10")},
		{ID: "2024-06-10 search", Start: at("2024-06-10")},
		{ID: "outage", Start: at("2024-07-01")}, // not distinctive: never looked for
		{ID: "2024-08-01 sessionstore", Start: at("2024-08-01")},
		{ID: "2024-06-10 api", Start: at("2024-06-10")},
	}
	r := newReferrer(reports)
	tests := []struct {
		name string
		text string
		want string // doc:stance:byDate, in order
	}{
		{"an id and what is said of it", "A previous incarnation of this occurred earlier, see 2024-05-03 sessionstore.", "0:1:false"},
		{"an id named only", "Timeline in (2024-06-10 search), for reference.", "2:0:false"},
		{"unrelated, in the next sentence", "Was this a repeat of 2024-06-10 api-gateway? It was not: the cause there was different.", "1:2:false"},
		{"a semicolon joins clauses of one sentence", "2024-06-10 search also involved the cache; it is not related to this incident.", "2:2:false"},
		{"the strongest stance wins", "See 2024-05-03 sessionstore. It is not related to 2024-05-03 sessionstore at all.", "0:2:false"},
		{"a day, in a sentence saying the same", "This looks almost identical to what happened on 3 May 2024.", "0:1:true"},
		{"a day in American order", "The same failure happened on May 3, 2024 as well.", "0:1:true"},
		{"an ISO day names every report of that day", "The same thing happened on 2024-06-10.", "1:1:true 2:1:true 5:1:true"},
		{"the longest id that matches", "See 2024-06-10 api-gateway for details; 2024-06-10 api is another.", "1:0:false 5:0:false"},
		{"its own day is the timeline's", "2024-08-01 14:05 The same thing happened on the second host.\n2024-08-02 01:00 Same thing happened again.", ""},
		{"a day without saying the same", "The deploy on 3 May 2024 went well.", ""},
		{"a timeline's dates are not references", "2024-05-03 10:00 paged the on-call.\n2024-05-03 10:05 restarted.", ""},
		{"a word that is an id", "The outage lasted an hour.", ""},
		{"itself", "As 2024-08-01 sessionstore says, the same thing happened.", ""},
		{"an id followed by a hyphenated word", "See 2024-06-10 api-server for the cluster.", ""},
		{"an id followed by more of a word", "See 2024-05-03 sessionstore2 for the cluster.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			refs, _ := r.references(4, []string{"title", tt.text})
			for _, ref := range refs {
				got = append(got, fmt.Sprintf("%d:%d:%t", ref.doc, ref.stance, ref.byDate))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("references = %q, want %q", g, tt.want)
			}
		})
	}
}

// TestIDWordsAreNotTerms: the tokenizer, reading with a scanner, skips the
// words of the ids it names and finds the same references as on its own.
func TestIDWordsAreNotTerms(t *testing.T) {
	reports := []Report{
		{ID: "2024-05-03 sessionstore", Start: time.Date(2024, 5, 3, 9, 0, 0, 0, time.UTC)},
		{ID: "2024-06-10 me", Start: time.Date(2024, 6, 10, 9, 0, 0, 0, time.UTC)},
	}
	texts := []string{"Quorum lost", "A previous incarnation was 2024-05-03 sessionstore, on the same hosts."}
	r := newReferrer(reports)
	tok := newTokenizer(nil)
	sc := r.scanner(1)
	var stems []string
	for _, id := range tok.termsScanning(texts, sc) {
		stems = append(stems, tok.stems[id])
	}
	if want := "quorum lost previou incarn host"; strings.Join(stems, " ") != want {
		t.Errorf("terms %q, want %q", strings.Join(stems, " "), want)
	}
	alone, _ := r.references(1, texts)
	if !slices.Equal(sc.out, alone) || len(alone) != 1 || alone[0].stance != Same {
		t.Errorf("scanned %+v, alone %+v", sc.out, alone)
	}
}
