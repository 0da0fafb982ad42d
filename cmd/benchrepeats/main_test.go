package main

import (
	"slices"
	"testing"
)

func TestSplitInts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
	}{
		{"2000,10000", []int{2000, 10000}},
		{"1", []int{1}},
		{"", nil},
		{" 1, 2 ,,3", []int{1, 2, 3}},
		{"10000,", []int{10000}},
	} {
		if got := splitInts(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitInts(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
