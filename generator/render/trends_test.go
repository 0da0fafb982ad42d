package render

import (
	"math"
	"testing"

	"github.com/incidents-archive/incidents/generator/chart"
)

func TestCSVFile(t *testing.T) {
	tests := []struct {
		name  string
		lines [][]string
		want  string
	}{
		{"plain", [][]string{{"2026-01", "3"}}, "month,n\r\n2026-01,3\r\n"},
		{"quoted", [][]string{{`a,"b"`, "1"}}, "month,n\r\n\"a,\"\"b\"\"\",1\r\n"},
		{"formula", [][]string{{"=SUM(A1)", "+1"}, {"-x", "@y"}}, "month,n\r\n'=SUM(A1),'+1\r\n'-x,'@y\r\n"},
		{"empty cell", [][]string{{"2026-01", ""}}, "month,n\r\n2026-01,\r\n"},
	}
	for _, tt := range tests {
		if got := string(csvFile([]string{"month", "n"}, tt.lines)); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestDescribeSeries(t *testing.T) {
	tests := []struct {
		cats   []string
		series []chart.Series
		want   string
	}{
		{nil, nil, "No data."},
		{[]string{"2026-01", "2026-02"}, []chart.Series{{Name: "incidents", Values: []float64{3, 0}}}, "2026-01: 3; 2026-02: 0."},
		{[]string{"2026-01"}, []chart.Series{{Name: "median", Values: []float64{1.5}}, {Name: "p90", Values: []float64{math.NaN()}}}, "2026-01: median 1.5, p90 none."},
	}
	for _, tt := range tests {
		if got := describeSeries(tt.cats, tt.series); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}
