// Package realstyle writes a synthetic incident archive shaped like real
// ones, for the repeat benchmark: long, uneven bodies (1,000 to 6,000
// words) with timelines of alerts and host names, quoted commands and log
// lines, people, tasks and dashboards; planted repeats that share their
// mechanism in a few sentences among much that differs, often saying so
// in words; near-misses (the same service failing another way, the same
// mechanism on another service, a report naming an earlier one only to
// call it unrelated); few cause tags; a third without a detection time;
// some reports of a title and two paragraphs; a share without services.
//
// Beside the archive it writes truth.json in the format of
// shared/bench/gencorpus.py: {"repeats": {id: [earlier ids, oldest
// first]}}, where a report repeats the earlier reports that share its
// mechanism and its service. Every other report has a mechanism and
// service pair of its own, so the planted families are the only repeats.
//
// The same size and seed always give the same bytes. Every sentence comes
// from the word lists and templates in words.go.
package realstyle

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Summary counts what Write planted.
type Summary struct {
	Reports    int
	Families   int // groups of reports sharing a mechanism and a service
	Repeats    int // reports that repeat an earlier one
	NearMisses int // reports planted beside a family to look like it
	NoServices int
	NoDetected int
	Minimal    int // id, title, start and two paragraphs
}

// kinds of planned report.
const (
	background  = iota
	member      // of a repeat family
	nearService // the family's service, another mechanism
	nearMech    // the family's mechanism, another service
	nearWords   // the family's service, another mechanism, naming an earlier report as unrelated
)

type service struct {
	name, cluster string
	alias         string // another name the catalogue gives it, or ""
	team          string
}

type plan struct {
	kind   int
	mech   int
	svc    int
	family int    // index into families for members, -1 otherwise
	err    string // the family's quoted error string
	alert  string // the family's alert suffix
}

// report is what later reports need of an earlier one.
type report struct {
	id, task string
	title    string
	start    time.Time
	svc      int
}

// Write writes an archive of n reports into dir (site.yaml,
// incidents/YEAR/*.md, truth.json) from seed.
func Write(dir string, n int, seed uint64) (Summary, error) {
	var sum Summary
	if n < 1 {
		return sum, fmt.Errorf("realstyle: %d reports asked for; need at least 1", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed17))
	svcs := services(max(len(baseServices), n/8))

	// Plan: about 7 in 100 steps start a family of 2 to 4 reports with one
	// mechanism and service, most with one or two near-misses beside it;
	// the rest are reports whose mechanism and service no other shares.
	used := map[[2]int]bool{}
	// fresh is a mechanism and service pair no report has yet, with the
	// mechanism or the service fixed when not negative; false when none
	// was found.
	fresh := func(mech, svc int) (int, int, bool) {
		for range 500 {
			m, s := mech, svc
			if m < 0 {
				m = rng.IntN(len(mechanisms))
			}
			if s < 0 {
				s = rng.IntN(len(svcs))
			}
			if !used[[2]int{m, s}] {
				used[[2]int{m, s}] = true
				return m, s, true
			}
			if mech >= 0 && svc >= 0 {
				break
			}
		}
		return 0, 0, false
	}
	anyFresh := func() (int, int) {
		for {
			if m, s, ok := fresh(-1, -1); ok {
				return m, s
			}
		}
	}
	var plans []plan
	families := 0
	for len(plans) < n {
		left := n - len(plans)
		if left >= 2 && rng.Float64() < 0.07 {
			m, s := anyFresh()
			mech := mechanisms[m]
			w := &writer{rng: rng, svc: svcs[s], site: sites[0], hosts: []string{svcs[s].cluster + "1001"}}
			p := plan{kind: member, mech: m, svc: s, family: families,
				err: w.fill(pick(rng, mech.errs)), alert: pick(rng, mech.alerts)}
			families++
			size := min(2+rng.IntN(3), left)
			for range size {
				plans = append(plans, p)
			}
			for range rng.IntN(3) {
				if len(plans) == n {
					break
				}
				np := plan{kind: nearService + rng.IntN(3), family: -1}
				ok := false
				switch np.kind {
				case nearService, nearWords:
					for _, o := range rng.Perm(len(mechanisms)) {
						if np.mech, np.svc, ok = fresh(o, s); ok {
							break
						}
					}
				case nearMech:
					np.mech, np.svc, ok = fresh(m, -1)
				}
				if !ok {
					np.mech, np.svc = anyFresh()
				}
				plans = append(plans, np)
			}
			continue
		}
		m, s := anyFresh()
		plans = append(plans, plan{kind: background, mech: m, svc: s, family: -1})
	}
	rng.Shuffle(len(plans), func(i, j int) { plans[i], plans[j] = plans[j], plans[i] })

	from := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(from)
	starts := make([]time.Time, n)
	for i := range starts {
		starts[i] = from.Add(time.Duration(rng.Int64N(int64(span/time.Minute))) * time.Minute)
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })

	if err := os.MkdirAll(filepath.Join(dir, "incidents"), 0o755); err != nil {
		return sum, fmt.Errorf("realstyle: %w", err)
	}
	// Each report draws from a generator of its own once its plan, id,
	// title and references to earlier reports are settled here in order:
	// its text is then made and written by a few goroutines, and comes
	// out the same whichever goroutine makes it.
	type job struct {
		w    *writer
		name string
	}
	jobs := make(chan job, 64)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var first error
			for j := range jobs {
				if err := os.WriteFile(j.name, []byte(j.w.report()), 0o644); err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	wait := func() error {
		close(jobs)
		var first error
		for range 4 {
			if err := <-errs; err != nil && first == nil {
				first = fmt.Errorf("realstyle: %w", err)
			}
		}
		return first
	}
	writers := make([]*writer, 0, n)
	truth := map[string][]string{}
	ids := map[string]bool{}
	var done []report
	byFamily := map[int][]report{}
	bySvc := map[int][]int{} // indexes into done
	years := map[int]bool{}
	for i, p := range plans {
		w := newWriter(rand.New(rand.NewPCG(seed, uint64(i)+1<<40)), svcs, p, starts[i])
		w.id = uniqueID(ids, starts[i], w.idName())
		w.task = fmt.Sprintf("T%d", 100000+i*13+rng.IntN(13))
		switch {
		case p.kind == member && len(byFamily[p.family]) > 0:
			earlier := byFamily[p.family]
			for _, r := range earlier {
				truth[w.id] = append(truth[w.id], r.id)
			}
			sum.Repeats++
			ref := earlier[len(earlier)-1]
			if rng.Float64() < 0.4 {
				ref = earlier[rng.IntN(len(earlier))]
			}
			if rng.Float64() < 0.65 {
				w.refLine = w.refFill(pick(rng, repeatLines), ref)
			}
			if rng.Float64() < 0.12 {
				w.related = ref.id
			}
			if rng.Float64() < 0.1 {
				w.task = ref.task
			}
			if rng.Float64() < 0.15 {
				w.sameTitle = ref.title
			}
		case p.kind == nearWords && len(done) > 0:
			var ref report
			if same := bySvc[p.svc]; len(same) > 0 {
				ref = done[same[rng.IntN(len(same))]]
			} else {
				ref = done[rng.IntN(len(done))]
			}
			w.refLine = w.refFill(pick(rng, unrelatedLines), ref)
		}
		if p.kind >= nearService {
			sum.NearMisses++
		}
		w.titled = w.sameTitle
		if w.titled == "" {
			w.titled = w.title()
		}
		y := starts[i].Year()
		if !years[y] {
			if err := os.MkdirAll(filepath.Join(dir, "incidents", fmt.Sprint(y)), 0o755); err != nil {
				wait()
				return sum, fmt.Errorf("realstyle: %w", err)
			}
			years[y] = true
		}
		name := filepath.Join(dir, "incidents", fmt.Sprint(y), slug(w.id)+".md")
		jobs <- job{w, name}
		writers = append(writers, w)
		r := report{id: w.id, task: w.task, title: w.titled, start: starts[i], svc: p.svc}
		bySvc[p.svc] = append(bySvc[p.svc], len(done))
		done = append(done, r)
		if p.kind == member {
			byFamily[p.family] = append(byFamily[p.family], r)
		}
	}
	if err := wait(); err != nil {
		return sum, err
	}
	for _, w := range writers {
		if w.minimal {
			sum.Minimal++
		}
		if !w.withServices {
			sum.NoServices++
		}
		if !w.withDetected {
			sum.NoDetected++
		}
	}
	for _, f := range byFamily {
		if len(f) > 1 {
			sum.Families++
		}
	}
	sum.Reports = n

	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), siteYAML(n, svcs), 0o644); err != nil {
		return sum, fmt.Errorf("realstyle: %w", err)
	}
	b, err := json.MarshalIndent(struct {
		Repeats map[string][]string `json:"repeats"`
	}{truth}, "", " ")
	if err != nil {
		return sum, fmt.Errorf("realstyle: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truth.json"), append(b, '\n'), 0o644); err != nil {
		return sum, fmt.Errorf("realstyle: %w", err)
	}
	return sum, nil
}

// services is the catalogue: the named services, then made-up ones.
func services(n int) []service {
	var out []service
	taken := map[string]bool{}
	for i, b := range baseServices {
		taken[b[0]] = true
		out = append(out, service{name: b[0], cluster: b[1], team: teams[i%len(teams)]})
	}
	for i := range out {
		if c := out[i].cluster; c != out[i].name && !taken[c] {
			out[i].alias = c
			taken[c] = true
		}
	}
	for k := 0; len(out) < n; k++ {
		for _, role := range svcRoles {
			for _, h := range svcHeads {
				for _, t := range svcTails {
					if len(out) >= n {
						return out
					}
					name := h + t + role
					if k > 0 {
						name = fmt.Sprintf("%s%s%d%s", h, t, k+1, role)
					}
					cluster := strings.ReplaceAll(name, "-", "")
					out = append(out, service{name: name, cluster: cluster, team: teams[len(out)%len(teams)]})
				}
			}
		}
	}
	return out
}

func siteYAML(n int, svcs []service) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "title: Real-style incident archive (%d reports)\n", n)
	b.WriteString("base_url: http://localhost:1313/\n")
	b.WriteString("task_url: https://tasks.example.org/{task}\n")
	b.WriteString("services:\n")
	for _, s := range svcs {
		// The hosts of a service are its cluster's name and a number
		// (sessionstore1001), as the catalogue's host patterns say.
		hosts := fmt.Sprintf("hosts: ['%s\\d+']", regexp.QuoteMeta(s.cluster))
		if s.alias != "" {
			fmt.Fprintf(&b, "  %s: {team: %s, aliases: [%s], %s}\n", s.name, s.team, s.alias, hosts)
		} else {
			fmt.Fprintf(&b, "  %s: {team: %s, %s}\n", s.name, s.team, hosts)
		}
	}
	return []byte(b.String())
}

func uniqueID(ids map[string]bool, start time.Time, name string) string {
	id := start.Format("2006-01-02") + " " + name
	for k := 2; ids[id]; k++ {
		id = fmt.Sprintf("%s %s-%d", start.Format("2006-01-02"), name, k)
	}
	ids[id] = true
	return id
}

func slug(id string) string {
	b := []byte(strings.ToLower(id))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return strings.Trim(string(b), "-")
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// writer writes one report.
type writer struct {
	rng      *rand.Rand
	svc      service
	up       string
	site     string
	hosts    []string
	others   []string // hosts of other clusters
	people   []string
	alerts   []string
	err      string
	dash     string
	mech     mechanism
	trigger  string
	id, task string
	refLine  string // the sentence naming an earlier report, or ""
	related  string
	// sameTitle is the title of the report this one repeats, when it
	// takes it over; titled is the title written.
	sameTitle, titled string
	start             time.Time

	minimal, withServices, withDetected bool
}

func newWriter(rng *rand.Rand, svcs []service, p plan, start time.Time) *writer {
	s := svcs[p.svc]
	w := &writer{rng: rng, svc: s, mech: mechanisms[p.mech], start: start}
	up := svcs[rng.IntN(len(svcs))]
	if up.name == s.name {
		up = svcs[(p.svc+1)%len(svcs)]
	}
	w.up = up.name
	si := rng.IntN(len(sites))
	w.site = sites[si]
	for _, h := range rng.Perm(60)[:2+rng.IntN(4)] {
		w.hosts = append(w.hosts, fmt.Sprintf("%s%d%03d", s.cluster, si+1, h+1))
	}
	for range 3 {
		o := svcs[rng.IntN(len(svcs))]
		w.others = append(w.others, fmt.Sprintf("%s%d%03d", o.cluster, rng.IntN(len(sites))+1, rng.IntN(60)+1))
	}
	for k := 2 + rng.IntN(6); len(w.people) < k; {
		p := pick(rng, firstNames) + " " + pick(rng, lastNames)
		if !slices.Contains(w.people, p) {
			w.people = append(w.people, p)
		}
	}
	camel := camelCase(s.cluster)
	suffix := pick(rng, w.mech.alerts)
	w.err = w.fill(pick(rng, w.mech.errs))
	if p.kind == member {
		suffix, w.err = p.alert, p.err
	}
	w.alerts = []string{camel + suffix, camel + pick(rng, []string{"Unavailable", "HighErrorRate", "ProbeFailed"}), camelCase(up.cluster) + "HighLatency"}
	h := fnv.New32a()
	h.Write([]byte(s.cluster))
	w.dash = fmt.Sprintf("https://grafana.example.org/d/%08x/%s-overview", h.Sum32(), s.cluster)
	w.trigger = w.mech.trigger
	if p.kind == member && rng.Float64() < 0.6 {
		w.trigger = pick(rng, triggers)
	}
	return w
}

func camelCase(s string) string {
	var b strings.Builder
	up := true
	for _, c := range s {
		if c == '-' {
			up = true
			continue
		}
		if up && c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		b.WriteRune(c)
		up = false
	}
	return b.String()
}

// idName is the name part of the report's id: the service, its cluster,
// or a word of its mechanism.
func (w *writer) idName() string {
	switch r := w.rng.Float64(); {
	case r < 0.6:
		return w.svc.name
	case r < 0.8:
		return w.svc.cluster
	default:
		return w.mech.causes[0]
	}
}

// fill expands a template's {keys}.
func (w *writer) fill(t string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		b.WriteString(w.value(t[i+1 : i+j]))
		t = t[i+j+1:]
	}
}

func (w *writer) value(key string) string {
	r := w.rng
	switch key {
	case "svc":
		return w.svc.name
	case "cluster":
		return w.svc.cluster
	case "host":
		return pick(r, w.hosts)
	case "otherhost":
		return pick(r, w.others)
	case "up":
		return w.up
	case "person":
		return pick(r, w.people)
	case "team":
		return pick(r, teams)
	case "n":
		return fmt.Sprint(2 + r.IntN(88))
	case "big":
		return fmt.Sprint(100 + r.IntN(9900))
	case "time":
		return fmt.Sprintf("%02d:%02d", r.IntN(24), r.IntN(60))
	case "alert":
		return pick(r, w.alerts)
	case "cmd":
		return w.fill(pick(r, w.mech.cmds))
	case "err":
		return w.err
	case "dash":
		return w.dash
	case "task":
		return fmt.Sprintf("T%d", 200000+r.IntN(800000))
	case "comp":
		return pick(r, components)
	case "site":
		return w.site
	case "thing":
		return pick(r, things)
	case "looked":
		return pick(r, looked)
	case "graph":
		return pick(r, graphs)
	case "found":
		return pick(r, founds)
	case "proposed":
		return pick(r, proposeds)
	case "trend":
		return pick(r, trends)
	case "discussed":
		return pick(r, discusseds)
	case "objected":
		return pick(r, objecteds)
	case "outcome":
		return pick(r, outcomes)
	case "stateOfDocs":
		return pick(r, stateOfDocs)
	}
	return "{" + key + "}"
}

func (w *writer) refFill(t string, ref report) string {
	t = strings.NewReplacer("{ref}", ref.id, "{refdate}", ref.start.Format("2 January 2006"), "{reftask}", ref.task).Replace(t)
	return w.fill(t)
}

// mechLines are k of the mechanism's sentences, filled.
func (w *writer) mechLines(k int) []string {
	var out []string
	for _, i := range w.rng.Perm(len(w.mech.lines))[:min(k, len(w.mech.lines))] {
		out = append(out, w.fill(w.mech.lines[i]))
	}
	return out
}

func (w *writer) sentences(k int) string {
	s := make([]string, k)
	for i := range s {
		s[i] = w.fill(pick(w.rng, fillerTemplates))
	}
	return strings.Join(s, " ")
}

func (w *writer) title() string {
	if w.rng.Float64() < 0.12 {
		return pick(w.rng, titleBare)
	}
	t := w.fill(pick(w.rng, titleTemplates))
	return strings.ToUpper(t[:1]) + t[1:]
}

// report is the whole file.
func (w *writer) report() string {
	r := w.rng
	w.minimal = r.Float64() < 0.08
	var fm strings.Builder
	fm.WriteString("---\n")
	fmt.Fprintf(&fm, "id: %s\n", w.id)
	fmt.Fprintf(&fm, "title: %s\n", w.titled)
	fmt.Fprintf(&fm, "start: %s\n", w.start.Format("2006-01-02 15:04:05"))
	var body string
	if w.minimal {
		body = w.minimalBody()
	} else {
		w.frontMatter(&fm)
		body = w.longBody()
	}
	fm.WriteString("---\n\n")
	return fm.String() + body
}

func (w *writer) frontMatter(fm *strings.Builder) {
	r := w.rng
	dur := time.Duration(5+r.IntN(600)) * time.Minute
	if r.Float64() < 0.5 {
		fmt.Fprintf(fm, "status: %s\n", pick(r, []string{"final", "final", "review"}))
	}
	if r.Float64() < 0.7 {
		fmt.Fprintf(fm, "task: %s\n", w.task)
	}
	if r.Float64() < 0.85 {
		fmt.Fprintf(fm, "end: %s\n", w.start.Add(dur).Format("2006-01-02 15:04:05"))
	}
	w.withDetected = r.Float64() < 0.72
	if w.withDetected {
		fmt.Fprintf(fm, "detected: %s\n", w.start.Add(time.Duration(r.IntN(int(dur/time.Minute)/2+1))*time.Minute).Format("2006-01-02 15:04:05"))
	}
	if r.Float64() < 0.6 {
		fmt.Fprintf(fm, "responders: [%s]\n", strings.Join(w.people, ", "))
	}
	w.withServices = r.Float64() < 0.75
	if w.withServices {
		names := []string{w.svc.name}
		if w.svc.alias != "" && r.Float64() < 0.25 {
			names[0] = w.svc.alias
		}
		if r.Float64() < 0.4 {
			names = append(names, w.up)
		}
		fmt.Fprintf(fm, "services: [%s]\n", strings.Join(names, ", "))
	}
	if r.Float64() < 0.4 {
		fmt.Fprintf(fm, "sites: [%s]\n", w.site)
	}
	if r.Float64() < 0.5 {
		fmt.Fprintf(fm, "impact: %s\n", w.fill(pick(r, impactTemplates)))
	}
	if r.Float64() < 0.3 {
		fmt.Fprintf(fm, "trigger: %s\n", w.trigger)
	}
	if r.Float64() < 0.25 {
		fmt.Fprintf(fm, "causes: [%s]\n", strings.Join(w.mech.causes[:1+r.IntN(len(w.mech.causes))], ", "))
	}
	if r.Float64() < 0.25 {
		fmt.Fprintf(fm, "failure_mode: %s\n", w.mech.mode)
	}
	if w.related != "" {
		fmt.Fprintf(fm, "related: [%s]\n", w.related)
	}
	if k := r.IntN(4); k > 0 && r.Float64() < 0.5 {
		fm.WriteString("actionables:\n")
		for range k {
			fmt.Fprintf(fm, "  - {title: %s, task: T%d, status: %s}\n", w.fill(pick(r, actionTemplates)),
				200000+r.IntN(800000), pick(r, []string{"open", "done", "declined"}))
		}
	}
}

func (w *writer) minimalBody() string {
	r := w.rng
	p1 := []string{w.fill("{svc} failed on {host} and {host}, starting at {time}.")}
	p1 = append(p1, w.fill(pick(r, triggerLines[w.trigger])))
	p1 = append(p1, w.mechLines(2+r.IntN(2))...)
	p1 = append(p1, w.fill("The logs showed `{err}`."))
	p2 := []string{}
	if w.refLine != "" {
		p2 = append(p2, w.refLine)
	}
	p2 = append(p2, w.sentences(2+r.IntN(3)))
	return strings.Join(p1, " ") + "\n\n" + strings.Join(p2, " ") + "\n"
}

// words counts the runs of characters between ASCII white space, as
// strings.Fields does for this text, without building the slice.
func words(s string) int {
	n, in := 0, false
	for i := 0; i < len(s); i++ {
		space := s[i] == ' ' || s[i] == '\n' || s[i] == '\t'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

func (w *writer) longBody() string {
	r := w.rng
	// The mechanism is told in three or four sentences, spread over the
	// summary, the timeline and the investigation.
	mech := w.mechLines(3 + r.IntN(2))
	refInSummary := r.Float64() < 0.5

	var head strings.Builder
	head.WriteString("## Summary\n\n")
	sum := []string{w.fill("Starting at " + w.start.Format("15:04") + " UTC, {svc} was degraded for users in {site}."),
		w.fill(pick(r, triggerLines[w.trigger])), mech[0], mech[1]}
	if w.refLine != "" && refInSummary {
		sum = append(sum, w.refLine)
	}
	sum = append(sum, w.sentences(1+r.IntN(2)))
	head.WriteString(strings.Join(sum, " "))
	head.WriteString("\n\n## Timeline\n\nAll times in UTC.\n\n")
	t := w.start.Add(-time.Duration(r.IntN(30)) * time.Minute)
	events := 12 + r.IntN(16) // at most 27: each kind of line at most twice, the error once
	mechAt := r.IntN(events)
	uses := map[int]int{}
	for i := range events {
		// Each kind of line at most twice, the error string at most once.
		k := r.IntN(len(timelineTemplates))
		for uses[k] >= 2 || uses[k] >= 1 && strings.Contains(timelineTemplates[k], "{err}") {
			k = r.IntN(len(timelineTemplates))
		}
		uses[k]++
		line := w.fill(timelineTemplates[k])
		if i == mechAt {
			line = w.fill("{person}: ") + mech[2]
		}
		fmt.Fprintf(&head, "- %s %s\n", t.Format("15:04"), line)
		t = t.Add(time.Duration(1+r.IntN(25)) * time.Minute)
	}

	var tail strings.Builder
	tail.WriteString("\n## Detection\n\n")
	tail.WriteString(w.fill("The first alert was `{alert}` on {host}, at {time}. "))
	tail.WriteString(w.sentences(1 + r.IntN(2)))
	tail.WriteString("\n\n## Conclusions\n\n### What went well?\n\n")
	for range 1 + r.IntN(3) {
		tail.WriteString("- " + w.sentences(1) + "\n")
	}
	tail.WriteString("\n### What went poorly?\n\n")
	if len(mech) > 3 {
		tail.WriteString("- " + mech[3] + "\n")
	}
	for range 1 + r.IntN(3) {
		tail.WriteString("- " + w.sentences(1) + "\n")
	}
	tail.WriteString("\n## Links\n\n")
	fmt.Fprintf(&tail, "- Dashboard: %s\n", w.dash)
	fmt.Fprintf(&tail, "- Logs: https://logstash.example.org/app/discover#/?q=host:%s\n", w.hosts[0])
	fmt.Fprintf(&tail, "- Follow-up: %s\n", w.task)

	// Fill the investigation up to the body's length: 1,000 words and
	// more, thinning out towards 6,000.
	target := min(5600, 1000+int(r.ExpFloat64()*900))
	have := words(head.String()) + words(tail.String()) + 3
	var mid strings.Builder
	mid.WriteString("\n## " + pick(r, []string{"Investigation", "Details", "What happened", "Analysis"}) + "\n\n")
	refAt := 0
	if w.refLine != "" && !refInSummary {
		refAt = 1 + r.IntN(3)
	}
	for para := 0; have < target; para++ {
		var p string
		switch {
		case para == 1:
			p = "Log excerpt from " + w.hosts[0] + ":\n\n```\n" + w.logBlock() + "```"
		case para == refAt:
			p = w.refLine + " " + w.sentences(2+r.IntN(3))
		default:
			p = w.sentences(3 + r.IntN(6))
		}
		have += words(p)
		mid.WriteString(p + "\n\n")
	}
	return head.String() + mid.String() + tail.String()
}

func (w *writer) logBlock() string {
	r := w.rng
	var b strings.Builder
	t := w.start
	errAt := r.IntN(4)
	for i := range 4 + r.IntN(6) {
		msg := w.fill(pick(r, []string{"INFO request served in {n}ms", "WARN slow request to {up} ({big}ms)",
			"INFO health check ok", "WARN retrying call to {otherhost}", "INFO config reloaded"}))
		if i == errAt {
			msg = "ERROR " + w.err
		}
		fmt.Fprintf(&b, "%s %s %s\n", t.Format("2006-01-02T15:04:05Z"), pick(r, w.hosts), msg)
		t = t.Add(time.Duration(1+r.IntN(90)) * time.Second)
	}
	return b.String()
}
