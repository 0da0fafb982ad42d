package repeats

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// Service is a service of the archive's catalogue, as detection needs it:
// the names that stand for it in prose. A host name that one of its Hosts
// patterns matches (sessionstore1001), and a name that starts with one of
// its names (the alert SessionstoreQuorumLost, the dashboard
// sessionstore-overview), say which service a report is about; they are
// not words of the failure, so they are taken out of the text and counted
// as mentions of the service.
type Service struct {
	Name    string
	Aliases []string
	// Hosts are patterns of the service's host names: regular
	// expressions (RE2) that match a whole host name, case ignored, as
	// site.yaml writes them. A pattern that does not compile is ignored
	// (site.yaml's loader reports it).
	Hosts []string
}

// minPrefixName is the least length of a host pattern's literal prefix
// that names the service on its own (when it is the service's name or an
// alias without hyphens): "mlserve" in mlserve\d+ does, "db" in db\d+ is
// too short to tell from prose.
const minPrefixName = 4

// catalogue resolves words to the services they name.
type catalogue struct {
	names  []string         // service id → canonical name
	ids    map[string]int32 // canonical name → service id
	byName map[string]int32 // lowercase name, alias or long host prefix → service id
	// byPrefix holds the host patterns by their literal prefix,
	// lowercased: a word is matched only against the patterns whose
	// prefix it starts with.
	byPrefix  map[string][]hostPattern
	prefixLen []int         // the lengths of those prefixes, shortest first
	bare      []hostPattern // patterns without a literal prefix
}

type hostPattern struct {
	re  *regexp.Regexp
	svc int32
}

func newCatalogue(services []Service, reports []Report) *catalogue {
	c := &catalogue{ids: map[string]int32{}, byName: map[string]int32{}, byPrefix: map[string][]hostPattern{}}
	add := func(name string) int32 {
		if id, ok := c.ids[name]; ok {
			return id
		}
		id := int32(len(c.names))
		c.names = append(c.names, name)
		c.ids[name] = id
		return id
	}
	name := func(word string, id int32) {
		w := strings.ToLower(word)
		if _, taken := c.byName[w]; !taken && w != "" {
			c.byName[w] = id
		}
	}
	for _, s := range services {
		id := add(s.Name)
		name(s.Name, id)
		for _, a := range s.Aliases {
			name(a, id)
		}
	}
	for _, s := range services {
		id := c.ids[s.Name]
		for _, p := range s.Hosts {
			re, err := regexp.Compile(`(?i)^(?:` + p + `)$`)
			if err != nil {
				continue
			}
			hp := hostPattern{re, id}
			prefix := ""
			if lit, err := regexp.Compile(`^(?:` + p + `)$`); err == nil {
				prefix, _ = lit.LiteralPrefix()
				prefix = strings.ToLower(prefix)
			}
			if prefix == "" {
				c.bare = append(c.bare, hp)
				continue
			}
			if _, ok := c.byPrefix[prefix]; !ok {
				c.prefixLen = append(c.prefixLen, len(prefix))
			}
			c.byPrefix[prefix] = append(c.byPrefix[prefix], hp)
			// A prefix that is the service's name or an alias without
			// its hyphens names it too (mlserve for ml-serve), as
			// alerts and dashboards write it; another prefix (alert in
			// alert\d+) may be a word of prose.
			if len(prefix) >= minPrefixName && isLetters(prefix) && slices.ContainsFunc(append([]string{s.Name}, s.Aliases...), func(n string) bool {
				return strings.EqualFold(strings.NewReplacer("-", "", "_", "").Replace(n), prefix)
			}) {
				name(prefix, id)
			}
		}
	}
	slices.Sort(c.prefixLen)
	c.prefixLen = slices.Compact(c.prefixLen)
	// Services the reports name that the catalogue does not list, in
	// their order, not the reports': two names that differ only in case
	// fall the same way whatever the order of the reports.
	for _, s := range distinctServices(reports) {
		name(s, add(s))
	}
	return c
}

// distinctServices are the services the reports name, each once, sorted:
// a set first, since the reports name far fewer services than they are.
func distinctServices(reports []Report) []string {
	set := map[string]bool{}
	for i := range reports {
		for _, s := range reports[i].Services {
			set[s] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// service returns the service that the lowercase word names, by name or
// alias or as one of its hosts.
func (c *catalogue) service(lower string) (int32, bool) {
	if id, ok := c.byName[lower]; ok {
		return id, true
	}
	if lower == "" {
		return 0, false
	}
	for _, n := range c.prefixLen {
		if n > len(lower) {
			break
		}
		for _, hp := range c.byPrefix[lower[:n]] {
			if hp.re.MatchString(lower) {
				return hp.svc, true
			}
		}
	}
	for _, hp := range c.bare {
		if hp.re.MatchString(lower) {
			return hp.svc, true
		}
	}
	return 0, false
}

// qualified splits a name whose first parts name a service, such as the
// alert SessionstoreQuorumLost or the dashboard sessionstore-overview,
// into the service and the rest ("quorumlost", "overview"), which says
// what the name is about on that service.
func (c *catalogue) qualified(word string) (svc int32, rest string, ok bool) {
	parts := nameParts(word)
	if len(parts) < 2 {
		return 0, "", false
	}
	for k := len(parts) - 1; k >= 1; k-- {
		head := strings.ToLower(strings.Join(parts[:k], ""))
		id, found := c.service(head)
		if !found && k > 1 {
			id, found = c.service(strings.ToLower(strings.Join(parts[:k], "-")))
		}
		if found {
			return id, strings.ToLower(strings.Join(parts[k:], "")), true
		}
	}
	return 0, "", false
}

// nameParts splits a name at hyphens and at the humps of camel case:
// PHPFPMTooBusy gives PHPFPM, Too, Busy; ml-serve-overview gives ml,
// serve, overview.
func nameParts(word string) []string {
	var parts []string
	rs := []rune(word)
	start := 0
	cut := func(end int) {
		if end > start {
			parts = append(parts, string(rs[start:end]))
		}
	}
	for i, r := range rs {
		switch {
		case r == '-':
			cut(i)
			start = i + 1
		case i > start && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) ||
			i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])):
			cut(i)
			start = i
		}
	}
	cut(len(rs))
	return parts
}
