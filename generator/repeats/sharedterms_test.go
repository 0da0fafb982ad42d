package repeats

import (
	"math"
	"slices"
	"testing"
)

// TestSharedTermsKeepsEveryCountingWord: the matching terms a candidate
// shows are the shared words that count (contribution 0.001 or more), most
// first. The order is by coarseContribution, then by term: a word that
// counts, in the same coarse bucket as a word that does not but sorts
// after it by term, must not be dropped.
func TestSharedTermsKeepsEveryCountingWord(t *testing.T) {
	sqrt := func(w float64) float32 { return float32(math.Sqrt(w)) }
	for _, tc := range []struct {
		name    string
		terms   []string
		weights []float64 // contribution of each term (a·b, both sides sqrt)
		want    []string
	}{
		{
			name:    "a counting word after a non-counting one of its bucket",
			terms:   []string{"alpha", "beta"},
			weights: []float64{0.0009996, 0.0010050},
			want:    []string{"beta"},
		},
		{
			name:    "both count",
			terms:   []string{"alpha", "beta"},
			weights: []float64{0.0010010, 0.0010050},
			want:    []string{"alpha", "beta"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v []weightedTerm
			for i, w := range tc.weights {
				v = append(v, weightedTerm{term: int32(i), weight: sqrt(w)})
			}
			d := &detector{vectors: [][]weightedTerm{v, v}, terms: tc.terms, words: tc.terms}
			got := d.sharedTerms(0, 1)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("sharedTerms = %q, want %q (contributions %v, buckets %d %d)", got, tc.want, tc.weights,
					coarseContribution(sqrt(tc.weights[0])*sqrt(tc.weights[0])), coarseContribution(sqrt(tc.weights[1])*sqrt(tc.weights[1])))
			}
		})
	}
}
