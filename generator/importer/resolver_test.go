package importer_test

import (
	"testing"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/importer/wiki"
)

func TestResolver(t *testing.T) {
	r := importer.NewResolver(wiki.IDFromTitle)
	r.Add("Incidents/2022-09-15 sessionstore quorum issues", "2022-09-15 sessionstore quorum issues")
	r.Add("Incident documentation/20190101-Parser cache", "2019-01-01 Parser cache")
	r.Add("Incidents/2023-05-05 cache miss storm", "2023-05-05 cache miss storm")
	r.Add("Incidents/2023-05-05 cache disk storm", "2023-05-05 cache disk storm")
	r.AddID("2021-03-03 written here")
	r.AddRedirect("Incidents/2022-09-15 Sessionstore outage", "Incidents/2022-09-15 sessionstore quorum issues")
	tests := []struct {
		title, id string
		ok        bool
	}{
		{"Incidents/2022-09-15 sessionstore quorum issues", "2022-09-15 sessionstore quorum issues", true},
		{"incidents/2022-09-15_sessionstore_quorum_issues#Timeline", "2022-09-15 sessionstore quorum issues", true},
		{"Incident documentation/20190101-Parser cache", "2019-01-01 Parser cache", true},
		{"Incidents/2021-03-03 written here", "2021-03-03 written here", true},
		{"Incidents/2022-09-15 Sessionstore outage", "2022-09-15 sessionstore quorum issues", true},
		// renamed since: the same date and most of the words
		{"Incidents/2022-09-15 sessionstore quorum issue", "2022-09-15 sessionstore quorum issues", true},
		{"Incidents/2022-09-15 Sessionstore quorum problems", "2022-09-15 sessionstore quorum issues", true},
		// too different, another date, ambiguous, or not a report
		{"Incidents/2022-09-15 etcd", "", false},
		{"Incidents/2022-09-16 sessionstore quorum issues", "", false},
		{"Incidents/2023-05-05 cache storm", "", false},
		{"Main Page", "", false},
	}
	for _, tt := range tests {
		id, ok := r.Resolve(tt.title)
		if id != tt.id || ok != tt.ok {
			t.Errorf("Resolve(%q) = %q, %v; want %q, %v", tt.title, id, ok, tt.id, tt.ok)
		}
	}
	if got := r.Approximate(); len(got) != 2 {
		t.Errorf("approximate matches %v, want the two renamed titles", got)
	}
}
