package repeats

import (
	"slices"
	"strings"
	"testing"
)

func TestNameParts(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"PHPFPMTooBusy", []string{"PHPFPM", "Too", "Busy"}},
		{"SessionstoreQuorumLost", []string{"Sessionstore", "Quorum", "Lost"}},
		{"ml-serve-overview", []string{"ml", "serve", "overview"}},
		{"sessionstore1001", []string{"sessionstore1001"}},
		{"ProbeDown", []string{"Probe", "Down"}},
		{"-a--b-", []string{"a", "b"}},
	}
	for _, tt := range tests {
		if got := nameParts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("nameParts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCatalogue(t *testing.T) {
	cat := newCatalogue([]Service{
		{Name: "sessionstore", Hosts: []string{`sessionstore\d+`}},
		{Name: "mediawiki", Aliases: []string{"MW"}, Hosts: []string{`mw\d+`, `mwdebug\d+`}},
		{Name: "ml-serve", Hosts: []string{`mlserve\d+`}},
		{Name: "db", Hosts: []string{`(es|pc)\d+`, `db\d+`}},
		{Name: "broken", Hosts: []string{`(unclosed`}},
		{Name: "alerting", Hosts: []string{`alert\d+`}},
	}, []Report{{Services: []string{"ores"}}})
	service := func(w string) string {
		if id, ok := cat.service(w); ok {
			return cat.names[id]
		}
		return ""
	}
	tests := []struct{ word, want string }{
		{"sessionstore1001", "sessionstore"},
		{"sessionstore", "sessionstore"},
		{"sessionstore1001a", ""}, // the pattern matches whole names only
		{"mw2291", "mediawiki"},
		{"mwdebug1001", "mediawiki"},
		{"mw", "mediawiki"}, // an alias, case ignored
		{"mwx", ""},
		{"es1021", "db"}, // a pattern without a literal prefix
		{"pc2011", "db"},
		{"mlserve", "ml-serve"}, // a long literal prefix names the service
		{"ores", "ores"},        // named by a report, not in the catalogue
		{"quorum", ""},
		{"db", "db"},
		{"alert1001", "alerting"},
		{"alert", ""}, // a prefix that is not the service's name is a word
	}
	for _, tt := range tests {
		if got := service(tt.word); got != tt.want {
			t.Errorf("service(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	qualified := []struct{ word, svc, rest string }{
		{"SessionstoreQuorumLost", "sessionstore", "quorumlost"},
		{"sessionstore-overview", "sessionstore", "overview"},
		{"MlserveHighLatency", "ml-serve", "highlatency"},
		{"ml-serve-errors", "ml-serve", "errors"},
		{"MWLatency", "mediawiki", "latency"},
		{"PoolExhausted", "", ""},
		{"dbctl", "", ""},
	}
	for _, tt := range qualified {
		id, rest, ok := cat.qualified(tt.word)
		svc := ""
		if ok {
			svc = cat.names[id]
		}
		if svc != tt.svc || rest != tt.rest {
			t.Errorf("qualified(%q) = %q, %q; want %q, %q", tt.word, svc, rest, tt.svc, tt.rest)
		}
	}
}

// TestTokensNameServices: the words that name a service are mentions of
// it, not terms; a name qualified by a service keeps the rest as a term.
func TestTokensNameServices(t *testing.T) {
	cat := newCatalogue([]Service{{Name: "sessionstore", Hosts: []string{`sessionstore\d+`}}}, nil)
	tok := newTokenizer(cat)
	var stems []string
	for _, id := range tok.terms("Sessionstore lost quorum", "SessionstoreQuorumLost fired on sessionstore1001; see sessionstore-overview.") {
		stems = append(stems, tok.stems[id])
	}
	if want := []string{"lost", "quorum", "quorumlost", "fire", "see", "overview"}; !slices.Equal(stems, want) {
		t.Errorf("terms = %q, want %q", stems, want)
	}
	var words []string
	for _, m := range tok.mentions {
		words = append(words, m.word)
	}
	if want := []string{"sessionstore", "sessionstorequorumlost", "sessionstore1001", "sessionstore-overview"}; !slices.Equal(words, want) {
		t.Errorf("mentions = %q, want %q", words, want)
	}
	if tok.mentions[0].part != 0 || tok.mentions[1].part != 1 {
		t.Errorf("mentions' parts = %d, %d; want 0, 1", tok.mentions[0].part, tok.mentions[1].part)
	}
}

// TestCalibrationIsCurrent: the calibration that pages show was measured
// with the default weights and thresholds.
func TestCalibrationIsCurrent(t *testing.T) {
	if !Calibrated.Applies(DefaultConfig()) {
		t.Errorf("repeats.Calibrated was measured for configuration %s, the defaults are %s: run make bench-repeats CALIBRATE=1 and paste what it prints into calibration.go",
			Calibrated.Config, DefaultConfig().Fingerprint())
	}
	cfg := DefaultConfig()
	cfg.Catalogue = []Service{{Name: "x"}}
	if !Calibrated.Applies(cfg) {
		t.Error("the catalogue changes the fingerprint; it should not")
	}
	cfg.Likely = 0.7
	if Calibrated.Applies(cfg) {
		t.Error("another likely threshold keeps the fingerprint; it should not")
	}
	for _, s := range Calibrated.Styles {
		if s.LikelyRight > s.Likely || s.LikelyFound > s.Repeats || s.FoundTop3 > s.Repeats {
			t.Errorf("style %s: counts do not add up: %+v", s.Style, s)
		}
	}
}

func TestQuotedTerm(t *testing.T) {
	tests := []struct {
		quote, key string
		ok         bool
	}{
		{"ERR max number of clients reached (4242)", "`err max number of clients reached", true},
		{"ERR max number of clients reached (17)", "`err max number of clients reached", true}, // the same message
		{"2024-01-02T10:00:00Z db1001 ERROR lost quorum: 1 of 3 members reachable", "`error lost quorum: of members reachable", true},
		{"df -h /srv", "`df -h /srv", true},
		{"systemctl restart db1001", "", false}, // two words left
		{"1234 5678 9012", "", false},
	}
	for _, tt := range tests {
		key, _, ok := quotedTerm(tt.quote)
		if key != tt.key || ok != tt.ok {
			t.Errorf("quotedTerm(%q) = %q, %t; want %q, %t", tt.quote, key, ok, tt.key, tt.ok)
		}
	}
	_, shown, _ := quotedTerm("the quick brown fox jumps over the lazy dog and keeps running far away")
	if len(shown) > 62 || !strings.HasSuffix(shown, "…`") {
		t.Errorf("a long quote is shown as %q", shown)
	}
}
