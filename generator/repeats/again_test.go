package repeats

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// failures are the words of a few kinds of failure; a random report
// tells one of them in its own order, so that reports of the same kind
// look like repeats and the others do not.
var failures = [][]string{
	strings.Fields("memory leak release pods oomkilled canary heap growth restart"),
	strings.Fields("zone file typo records removed resolvers cached negative answer"),
	strings.Fields("certificate expired midnight handshake clients rejected renewal job"),
	strings.Fields("schema migration locked table writes queued replica lag"),
	strings.Fields("cache stampede backend overloaded keys evicted thundering herd"),
	strings.Fields("disk filled logs rotation stopped database host readonly"),
}

// prose is what every kind of report says besides its failure.
// Some are forms of one stem, so that the word shown for it changes as
// reports come and go.
var prose = strings.Fields("engineer paged acknowledged alert declared responders joined call coordinator status document rollback traffic users errors dashboard restarted restarts rolled rolling")

type archiveMaker struct {
	rng  *rand.Rand
	next int // the number of the last report's id
	// nextStart is when the next report starts, drawn ahead so that a
	// text can name its day before it is added; zero until drawn.
	nextStart time.Time
}

// id is the id of the report numbered n.
func (m *archiveMaker) id(n int) string { return fmt.Sprintf("2024-%03d r%d", n%365, n) }

// upcoming is when the next report starts.
func (m *archiveMaker) upcoming() time.Time {
	if m.nextStart.IsZero() {
		m.nextStart = day(m.rng.Intn(3000))
	}
	return m.nextStart
}

func (m *archiveMaker) words(list []string, n int) string {
	out := make([]string, n)
	for k := range out {
		out[k] = list[m.rng.Intn(len(list))]
	}
	return strings.Join(out, " ")
}

func (m *archiveMaker) sentence() string {
	f := failures[m.rng.Intn(len(failures))]
	return m.words(f, 3+m.rng.Intn(4)) + " " + m.words(prose, 2+m.rng.Intn(4)) + "."
}

var services = []string{"mediawiki", "ores", "restbase", "parsoid", "dns", "etcd"}

func (m *archiveMaker) services() []string {
	var out []string
	for range m.rng.Intn(3) {
		out = append(out, services[m.rng.Intn(len(services))])
	}
	return out
}

func (m *archiveMaker) report(others []Report) Report {
	start := m.upcoming()
	m.next++
	m.nextStart = time.Time{}
	f := failures[m.rng.Intn(len(failures))]
	r := Report{
		ID:       m.id(m.next),
		Start:    start,
		Services: m.services(),
		Text:     []string{m.words(f, 3), m.words(prose, 4), m.words(f, 8) + ". " + m.sentence(), m.sentence()},
	}
	if len(r.Services) == 0 && m.rng.Intn(2) == 0 {
		// The service named only by its hosts, in the text.
		r.Text[2] += fmt.Sprintf(" Hosts mw10%02d and conf20%02d were down.", m.rng.Intn(99), m.rng.Intn(99))
	}
	if m.rng.Intn(4) == 0 {
		r.Causes = []string{[]string{"memory-leak", "config", "capacity"}[m.rng.Intn(3)]}
		r.Trigger = []string{"deploy", "traffic", ""}[m.rng.Intn(3)]
	}
	if m.rng.Intn(5) == 0 {
		r.Tasks = []string{fmt.Sprintf("T%d", m.rng.Intn(20))}
	}
	if m.rng.Intn(5) == 0 {
		r.Quoted = []string{"Error: connection refused by upstream " + fmt.Sprint(m.rng.Intn(99))}
	}
	m.link(&r, others)
	return r
}

// link makes r name one of others, in its metadata or its text: by its
// id or by its day. It may also name, by its id or its day, the report
// that will be added next, as a text written before another report was
// imported does.
func (m *archiveMaker) link(r *Report, others []Report) {
	if len(others) == 0 || m.rng.Intn(4) != 0 {
		return
	}
	other := others[m.rng.Intn(len(others))]
	o := other.ID
	switch m.rng.Intn(7) {
	case 4:
		r.Text[3] += " It was the same failure as the outage of " + other.Start.Format(time.DateOnly) + "."
		return
	case 5:
		r.Text[3] += " This is a recurrence of " + m.id(m.next+1) + "."
		return
	case 6:
		r.Text[3] += " The same thing happened on " + m.upcoming().Format("2 January 2006") + "."
		return
	}
	switch m.rng.Intn(4) {
	case 0:
		r.RepeatOf = []string{o}
	case 1:
		r.Related = []string{o}
	case 2:
		says := []string{"It was the same failure as", "A previous incarnation was", "This is a recurrence of"}
		r.Text[3] += " " + says[m.rng.Intn(len(says))] + " " + o + "."
	default:
		r.Text[3] += " This is unrelated to " + o + "."
	}
}

// edit changes reports the way a person does and says how.
func (m *archiveMaker) edit(reports []Report, cfg *Config) ([]Report, string) {
	reports = slices.Clone(reports)
	k := m.rng.Intn(len(reports))
	r := reports[k]
	r.Text = slices.Clone(r.Text)
	kind := m.rng.Intn(16)
	switch kind {
	case 0: // a sentence added
		r.Text[3] += " " + m.sentence()
	case 1: // one word changed
		ws := strings.Fields(r.Text[2])
		ws[m.rng.Intn(len(ws))] = m.words(append(prose, "tyop", "recieved"), 1)
		r.Text[2] = strings.Join(ws, " ")
	case 2:
		r.Text[0] = m.words(failures[m.rng.Intn(len(failures))], 3)
	case 3:
		r.Services = m.services()
	case 4:
		r.Start = r.Start.AddDate(0, 0, m.rng.Intn(200)-100)
	case 5:
		return append(reports, m.report(reports)), "added"
	case 6:
		if len(reports) > 20 {
			return slices.Delete(reports, k, k+1), "deleted"
		}
	case 7:
		r.Causes, r.Trigger, r.FailureMode = []string{"capacity"}, "traffic", "slow"
	case 8:
		r.RepeatOf, r.Related, r.Tasks = nil, nil, []string{fmt.Sprintf("T%d", m.rng.Intn(20))}
		m.link(&r, reports)
	case 9:
		r.Quoted = append(slices.Clone(r.Quoted), "panic: "+m.words(failures[0], 4))
	case 13: // causes alone
		r.Causes = []string{[]string{"memory-leak", "config", "capacity"}[m.rng.Intn(3)]}
	case 14: // what the text says of a report it names
		r.Text[3] = strings.NewReplacer("It was the same failure as", "A previous incarnation was",
			"A previous incarnation was", "This is a recurrence of", "This is a recurrence of", "It was the same failure as").Replace(r.Text[3])
	case 15: // another host of the same service, the words alike
		r.Text[2] = strings.Replace(r.Text[2], "mw10", fmt.Sprintf("mw%d", m.rng.Intn(9)), 1)
	case 10:
		m.rng.Shuffle(len(reports), func(a, b int) { reports[a], reports[b] = reports[b], reports[a] })
		return reports, "reordered"
	case 11:
		cfg.Likely = []float64{0.5, 0.45, 0.55}[m.rng.Intn(3)]
		return reports, "configuration"
	case 12:
		if m.rng.Intn(2) == 0 {
			cfg.Catalogue = nil
		} else {
			cfg.Catalogue = []Service{{Name: "etcd", Hosts: []string{`conf\d+`}}, {Name: "mediawiki", Hosts: []string{`mw\d+`}}}
		}
		return reports, "catalogue"
	}
	reports[k] = r
	return reports, fmt.Sprintf("edit %d", kind)
}

// packedCopy is r encoded and read back with its lists packed
// (UnmarshalBinaryPacked), as a build reads the last run's results.
func packedCopy(t *testing.T, r *Results) *Results {
	t.Helper()
	data, err := r.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	out := &Results{}
	if err := out.UnmarshalBinaryPacked(data); err != nil {
		t.Fatal(err)
	}
	if out.Lists != nil || out.ListCount() != len(r.Lists) {
		t.Fatalf("packed: %d lists decoded, %d counted; want none decoded, %d counted", len(out.Lists), out.ListCount(), len(r.Lists))
	}
	return out
}

// TestDetectAgainIsDetect: over long random sequences of edits, detection
// that reuses the previous run's lists gives exactly what detection from
// nothing gives, and it does reuse lists.
func TestDetectAgainIsDetect(t *testing.T) {
	tests := []struct {
		name  string
		seed  int64
		steps int
		// budgets that bind: the pools read part of the postings
		binding bool
	}{
		{"seed 0, budgets that bind", 0, 150, true},
		{"seed 1, budgets that bind", 1, 150, true},
		{"seed 2, budgets that bind", 2, 150, true},
		{"seed 3, the default budgets", 3, 100, false},
	}
	for _, tc := range tests {
		seed := tc.seed
		t.Run(tc.name, func(t *testing.T) {
			m := &archiveMaker{rng: rand.New(rand.NewSource(seed))}
			var reports []Report
			for range 120 {
				reports = append(reports, m.report(reports))
			}
			cfg := DefaultConfig()
			cfg.Catalogue = []Service{{Name: "etcd", Hosts: []string{`conf\d+`}}, {Name: "mediawiki", Hosts: []string{`mw\d+`}}}
			if tc.binding {
				cfg.PostingBudget, cfg.Pool, cfg.ServiceRecent = 60, 6, 3
			}
			var prev *Results
			var scored, pooled, read, total, listed int
			for step := range tc.steps {
				var how string
				if step > 0 {
					reports, how = m.edit(reports, &cfg)
				}
				var got *Results
				if step%2 == 1 {
					// As a build reads it from its cache, the lists
					// packed until the detector is done, and as it
					// detects, dropping the texts it reads.
					var err error
					got, err = DetectAgainLoading(slices.Clone(reports), cfg, packedCopy(t, prev), ReportDigests(reports), nil)
					if err != nil {
						t.Fatal(err)
					}
				} else {
					got = DetectAgain(reports, cfg, prev)
				}
				want := Detect(reports, cfg)
				if !reflect.DeepEqual(got.Lists, want) {
					for i := range want {
						if !reflect.DeepEqual(got.Lists[i], want[i]) {
							t.Fatalf("step %d (%s): %s: reused run gives\n%+v\nDetect gives\n%+v", step, how, reports[i].ID, got.Lists[i], want[i])
						}
					}
					t.Fatalf("step %d (%s): %d lists for %d reports", step, how, len(got.Lists), len(want))
				}
				if step > 0 {
					scored += got.Scored
					pooled += got.Pooled
					read += got.Read
					total += len(reports)
				}
				for _, l := range want {
					listed += len(l)
				}
				prev = got
			}
			if listed == 0 {
				t.Fatal("no report had candidates: the archive tests nothing")
			}
			if scored*4 > total*3 {
				t.Errorf("after an edit, %d of %d reports were scored again: the previous lists were hardly reused", scored, total)
			}
			t.Logf("%d of %d texts read again, %d pools computed again, %d lists scored again", read, total, pooled, scored)
			if read*2 > total {
				t.Errorf("after an edit, %d of %d texts were read again: the previous terms were hardly reused", read, total)
			}
			if pooled*4 > total*3 {
				t.Errorf("after an edit, %d of %d pools were computed again: the previous pools were hardly reused", pooled, total)
			}
		})
	}
}

// TestDetectAgainWithoutPrevious: with nothing to reuse, every report is
// scored, and a second run over the same input scores none.
func TestDetectAgainWithoutPrevious(t *testing.T) {
	m := &archiveMaker{rng: rand.New(rand.NewSource(9))}
	var reports []Report
	for range 50 {
		reports = append(reports, m.report(reports))
	}
	first := DetectAgain(reports, DefaultConfig(), nil)
	if first.Scored != len(reports) {
		t.Errorf("without a previous run, %d of %d reports scored", first.Scored, len(reports))
	}
	second := DetectAgain(reports, DefaultConfig(), first)
	if second.Scored != 0 {
		t.Errorf("the same input again: %d reports scored, want 0", second.Scored)
	}
	if !reflect.DeepEqual(first.Lists, second.Lists) || !reflect.DeepEqual(first.Inputs, second.Inputs) {
		t.Error("the same input again gave other results")
	}
}

// TestDetectAgainReleasing: DetectAgainLoading, which releases the texts,
// gives the results of DetectAgainDigested, with and without a previous
// run to reuse, and DetectReleasing those of Detect; neither leaves a
// report's text in the input.
func TestDetectAgainReleasing(t *testing.T) {
	m := &archiveMaker{rng: rand.New(rand.NewSource(11))}
	var reports []Report
	for range 60 {
		reports = append(reports, m.report(reports))
	}
	cfg := DefaultConfig()
	var prevKept, prevReleased *Results
	for step := range 3 {
		if step > 0 {
			// An edit: one report's text grows.
			r := &reports[17*step%len(reports)]
			r.Text = append(slices.Clone(r.Text), "the cache tier fell over again after the deploy")
		}
		digests := ReportDigests(reports)
		want := DetectAgainDigested(reports, cfg, prevKept, digests)
		input := slices.Clone(reports)
		got, err := DetectAgainLoading(input, cfg, prevReleased, digests, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Lists, want.Lists) || !reflect.DeepEqual(got.Inputs, want.Inputs) {
			t.Fatalf("step %d: releasing the texts changed the results", step)
		}
		for i, r := range input {
			if r.Text != nil || r.Quoted != nil {
				t.Fatalf("step %d: report %d kept its text", step, i)
			}
		}
		prevKept, prevReleased = want, got
	}
	// Without a previous run, as a build without a cache detects.
	input := slices.Clone(reports)
	if got, want := DetectReleasing(input, cfg), Detect(reports, cfg); !reflect.DeepEqual(got, want) {
		t.Error("DetectReleasing gave other lists than Detect")
	}
	for i, r := range input {
		if r.Text != nil || r.Quoted != nil {
			t.Fatalf("DetectReleasing: report %d kept its text", i)
		}
	}
}

// TestDetectAgainLoading: reports that leave their text out, with a
// TextSum, get the lists and digests of the same reports with their text;
// only the texts detection reads are loaded (the edited report's after an
// edit; after a report is added, removed or moved to another day, its own
// and those of the texts that look up its id's first word or its day);
// load's error is returned; and without a loader such reports are
// refused.
func TestDetectAgainLoading(t *testing.T) {
	m := &archiveMaker{rng: rand.New(rand.NewSource(12))}
	var reports []Report
	for range 50 {
		reports = append(reports, m.report(reports))
	}
	sum := func(r Report) Digest {
		return sha256.Sum256(fmt.Appendf(nil, "%q %q", r.Text, r.Quoted))
	}
	cfg := DefaultConfig()
	// The archive hands detection its reports newest first (by start,
	// then id), so a report added or moved takes its place among them.
	sortNewestFirst := func() {
		slices.SortStableFunc(reports, func(a, b Report) int {
			if c := b.Start.Compare(a.Start); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
	}
	sortNewestFirst()
	// lookingUp is the set of reports, other than self, whose text holds
	// one of words: an id's first word, or a day as the maker writes it
	// (always in a sentence saying "the same"). Those texts look it up.
	lookingUp := func(self string, words ...string) map[string]bool {
		set := map[string]bool{}
		for _, o := range reports {
			text := strings.Join(o.Text, " ")
			for _, w := range words {
				if o.ID != self && strings.Contains(text, w) {
					set[o.ID] = true
				}
			}
		}
		return set
	}
	first := func(r Report) string { f, _, _ := strings.Cut(r.ID, " "); return f }
	days := func(r Report) []string {
		return []string{r.Start.Format(time.DateOnly), r.Start.Format("2 January 2006")}
	}
	// addReport adds a report: its own text is read, and those that look
	// it up.
	addReport := func() int {
		added := m.report(reports)
		reports = append(reports, added)
		sortNewestFirst()
		return 1 + len(lookingUp(added.ID, append(days(added), first(added))...))
	}
	var prevFull, prevLoaded *Results
	for step, tc := range []struct {
		name string
		// edit edits reports and returns how many texts detection must
		// load: -1 for all.
		edit func() int
	}{
		{"first run", func() int { return -1 }},
		{"no change", func() int { return 0 }},
		{"one text edited", func() int {
			r := &reports[20]
			r.Text = append(slices.Clone(r.Text), "the cache tier fell over again after the deploy")
			return 1
		}},
		{"a report added", addReport},
		{"a report named before it was added", func() int {
			// The report after next, named by id and day in an edited text.
			next := m.id(m.next + 1)
			r := &reports[30]
			r.Text = append(slices.Clone(r.Text), "This is a recurrence of "+next+". The same thing happened on "+m.upcoming().Format(time.DateOnly)+".")
			return 1
		}},
		{"the report named added", addReport},
		{"a report removed", func() int {
			gone := reports[25]
			reports = slices.Delete(reports, 25, 26)
			return len(lookingUp(gone.ID, append(days(gone), first(gone))...))
		}},
		{"a report moved past others", func() int {
			r := &reports[10]
			old := *r
			r.Start = r.Start.AddDate(0, 0, -40)
			moved := *r
			sortNewestFirst()
			return 1 + len(lookingUp(old.ID, append(days(old), days(moved)...)...))
		}},
		{"a report's time moved within its day", func() int {
			r := &reports[5]
			r.Start = r.Start.Add(time.Hour)
			return 1 + len(lookingUp(r.ID, days(*r)...))
		}},
	} {
		loads := tc.edit()
		for i := range reports {
			reports[i].TextSum = sum(reports[i])
		}
		digests := ReportDigests(reports)
		want := DetectAgainDigested(slices.Clone(reports), cfg, prevFull, digests)
		input := slices.Clone(reports)
		for i := range input {
			input[i].Text, input[i].Quoted = nil, nil
		}
		var loaded atomic.Int64
		got, err := DetectAgainLoading(input, cfg, prevLoaded, ReportDigests(input), func(i int) ([]string, []string, error) {
			loaded.Add(1)
			return reports[i].Text, reports[i].Quoted, nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !reflect.DeepEqual(got.Lists, want.Lists) || !reflect.DeepEqual(got.Inputs, want.Inputs) {
			t.Fatalf("%s: loading the texts changed the results", tc.name)
		}
		if !reflect.DeepEqual(got.Lists, Detect(reports, cfg)) {
			t.Fatalf("%s: the lists are not those Detect gives", tc.name)
		}
		t.Logf("%s: %d of %d texts loaded", tc.name, loaded.Load(), len(reports))
		if loads >= 0 && loaded.Load() != int64(loads) || loads < 0 && loaded.Load() != int64(len(reports)) {
			t.Errorf("%s (step %d): %d texts loaded, want %d (-1: all %d)", tc.name, step, loaded.Load(), loads, len(reports))
		}
		prevFull, prevLoaded = want, got
	}
	if !reflect.DeepEqual(prevLoaded.Lists, Detect(reports, cfg)) {
		t.Error("the last lists are not those Detect gives")
	}
	input := slices.Clone(reports)
	for i := range input {
		input[i].Text, input[i].Quoted = nil, nil
	}
	failed := errors.New("the cache is gone")
	if _, err := DetectAgainLoading(input, cfg, nil, ReportDigests(input), func(int) ([]string, []string, error) { return nil, nil, failed }); !errors.Is(err, failed) {
		t.Errorf("a failed load gave %v", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("reports without their text were taken without a loader")
			}
		}()
		DetectAgainLoading(input, cfg, nil, ReportDigests(input), nil)
	}()
}

// TestInputDigestReadsEveryField: a change to any field of any report, or
// to the configuration, changes the digest; a field added to Report
// fails here until InputDigest reads it.
func TestInputDigestReadsEveryField(t *testing.T) {
	base := []Report{
		{ID: "a", Start: day(1), Services: []string{"x"}, Text: []string{"one", "two"}},
		{ID: "b", Start: day(2), Text: []string{"three"}},
	}
	cfg := DefaultConfig()
	want := InputDigest(base, cfg)
	if InputDigest(slices.Clone(base), cfg) != want {
		t.Fatal("the same input gave another digest")
	}
	typ := reflect.TypeOf(Report{})
	for f := range typ.NumField() {
		reports := slices.Clone(base)
		v := reflect.ValueOf(&reports[1]).Elem().Field(f)
		switch v.Interface().(type) {
		case string:
			v.SetString("changed")
		case []string:
			v.Set(reflect.ValueOf([]string{"changed"}))
		case time.Time:
			v.Set(reflect.ValueOf(day(2).Add(time.Nanosecond)))
		case Digest:
			v.Set(reflect.ValueOf(Digest{1}))
		default:
			t.Fatalf("Report.%s: a field of a kind this test cannot change; make InputDigest read it, then teach the test", typ.Field(f).Name)
		}
		if InputDigest(reports, cfg) == want {
			t.Errorf("a change of Report.%s leaves the digest alone", typ.Field(f).Name)
		}
	}
	// A TextSum stands for the text: another TextSum, another digest;
	// the same, the same digest whatever the text.
	summed := slices.Clone(base)
	summed[1].TextSum = Digest{1}
	withSum := InputDigest(summed, cfg)
	summed[1].Text, summed[1].Quoted = nil, nil
	if InputDigest(summed, cfg) != withSum {
		t.Error("with a TextSum, the text left out changed the digest")
	}
	summed[1].TextSum = Digest{2}
	if InputDigest(summed, cfg) == withSum {
		t.Error("another TextSum left the digest alone")
	}
	// Text split elsewhere is other text for the tokenizer's parts.
	moved := slices.Clone(base)
	moved[0].Text = []string{"on", "etwo"}
	if InputDigest(moved, cfg) == want {
		t.Error("text moved between parts leaves the digest alone")
	}
	other := cfg
	other.Catalogue = []Service{{Name: "x", Hosts: []string{`x\d+`}}}
	if InputDigest(base, other) == want {
		t.Error("a change of the catalogue leaves the digest alone")
	}
}

// TestDetectAgainWithAnIDTwice: reports that share an id (an archive with
// errors, which incidents check still reads) are all scored again.
func TestDetectAgainWithAnIDTwice(t *testing.T) {
	m := &archiveMaker{rng: rand.New(rand.NewSource(4))}
	var reports []Report
	for range 30 {
		reports = append(reports, m.report(reports))
	}
	// Report 12's text names report 3's day, in a sentence that says it
	// was the same: kept, its reading names report 3 by id.
	reports[12].Text = append(slices.Clone(reports[12].Text), "It was the same failure as on "+reports[3].Start.Format(time.DateOnly)+".")
	for _, tc := range []struct {
		name     string
		from, to int // reports[to] takes the id of reports[from]
	}{
		{"an earlier report takes a later one's id", 7, 3},
		{"a later report takes an earlier one's id", 3, 7},
	} {
		first := DetectAgain(reports, DefaultConfig(), nil)
		twice := slices.Clone(reports)
		twice[tc.to].ID = twice[tc.from].ID
		got := DetectAgain(twice, DefaultConfig(), first)
		if got.Scored != len(twice) {
			t.Errorf("%s: %d of %d reports scored with an id given twice", tc.name, got.Scored, len(twice))
		}
		if !reflect.DeepEqual(got.Lists, Detect(twice, DefaultConfig())) {
			t.Errorf("%s: the lists differ from Detect's", tc.name)
		}
	}
}

// TestSelectHeaviest: the k heaviest terms selected are those a sort
// puts first, ties in weight broken by term, for every k.
func TestSelectHeaviest(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	tests := []struct {
		name    string
		n       int
		weights int // distinct weights: few make many ties
	}{
		{"one", 1, 1},
		{"all tied", 20, 1},
		{"some ties", 150, 7},
		{"no ties", 150, 1 << 20},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k := 0; k <= tc.n; k++ {
				v := make([]weightedTerm, tc.n)
				for x, term := range rng.Perm(tc.n) {
					v[x] = weightedTerm{int32(term), float32(rng.Intn(tc.weights))}
				}
				want := slices.Clone(v)
				slices.SortFunc(want, func(a, b weightedTerm) int {
					if heavier(a, b) {
						return -1
					}
					return 1
				})
				selectHeaviest(v, k)
				got := slices.Clone(v[:k])
				slices.SortFunc(got, func(a, b weightedTerm) int {
					if heavier(a, b) {
						return -1
					}
					return 1
				})
				if !slices.Equal(got, want[:k]) {
					t.Fatalf("k %d: selected %v, want %v", k, got, want[:k])
				}
			}
		})
	}
}
