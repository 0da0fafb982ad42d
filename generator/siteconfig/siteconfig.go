// Package siteconfig reads site.yaml, the archive-wide settings: the site's
// title and address, how task ids become links, working hours, the service
// catalogue with its aliases, descriptions for causes and failure modes, and
// the scorecard rubric.
package siteconfig

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/incidents-archive/incidents/generator/diag"
	"github.com/incidents-archive/incidents/generator/matter"
	"go.yaml.in/yaml/v3"
)

// Site is the parsed site.yaml.
type Site struct {
	Title        string       `json:"title"`
	Description  string       `json:"description,omitempty"`
	BaseURL      string       `json:"base_url"`
	TaskURL      string       `json:"task_url,omitempty"`
	UnsafeHTML   bool         `json:"unsafe_html,omitempty"`
	WorkingHours WorkingHours `json:"working_hours"`
	Services     []Service    `json:"services,omitempty"`
	Causes       []Term       `json:"causes,omitempty"`
	FailureModes []Term       `json:"failure_modes,omitempty"`
	// Repeats holds the score thresholds of repeat detection; zero means
	// the detector's default.
	Repeats   RepeatThresholds `json:"repeats"`
	Scorecard []Question       `json:"scorecard"`
	// Tracker is where `incidents tasks sync` asks for the state of the
	// tasks the reports name; zero without one.
	Tracker Tracker `json:"tracker,omitzero"`

	aliases map[string]string // lower-cased alias or name → canonical name
	lines   map[string]int    // service name → line in site.yaml
}

// Tracker names the task tracker of the archive.
type Tracker struct {
	// Kind is phabricator, jira or github.
	Kind string `json:"kind"`
	// URL is the tracker's address: the Phabricator or Jira site
	// (https://phabricator.example.org), or for GitHub its API
	// (https://api.github.com by default).
	URL string `json:"url,omitempty"`
	// Project narrows the tasks: the GitHub repository as owner/repo, to
	// which bare #123 ids belong; for Jira, the project keys ("OPS" or
	// "OPS, INFRA") whose issue keys the reports' text may name; unused
	// by Phabricator.
	Project string `json:"project,omitempty"`
	// TokenEnv names the environment variable that holds the API token;
	// the token is never read from a flag, printed or written.
	TokenEnv string `json:"token_env,omitempty"`
	// Line is the line of the tracker key in site.yaml.
	Line int `json:"-"`
}

// TrackerKinds are the trackers `incidents tasks sync` can ask.
var TrackerKinds = []string{"phabricator", "jira", "github"}

// WorkingHours bounds the business day in a time zone; pages outside it
// count as after hours.
type WorkingHours struct {
	Start    string         `json:"start"`
	End      string         `json:"end"`
	Timezone string         `json:"timezone"`
	Location *time.Location `json:"-"`
}

// Service is an entry of the service catalogue.
type Service struct {
	Name        string   `json:"name"`
	Team        string   `json:"team,omitempty"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	// Hosts are patterns of the service's host names, as written in
	// site.yaml: regular expressions (RE2 syntax) that must match a whole
	// host name, ignoring case, such as `sessionstore\d+` for
	// sessionstore1001. See Site.ServiceOfHost.
	Hosts []string `json:"hosts,omitempty"`

	hostPatterns []*regexp.Regexp
}

// maxHostPattern bounds a host pattern's length: a host name is at most
// 253 characters, and a longer pattern is a mistake, not a host.
const maxHostPattern = 256

// Term is a described value of a taxonomy such as a cause.
type Term struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Question is one entry of the scorecard rubric.
type Question struct {
	Key      string `json:"key"`
	Group    string `json:"group"`
	Question string `json:"question"`
}

// DefaultScorecard is the rubric used when site.yaml has none: fifteen
// questions in three groups, as in the content model.
func DefaultScorecard() []Question {
	return []Question{
		{"responders_differ", "People", "Were the people responding sufficiently different than the previous five incidents?"},
		{"responders_prepared", "People", "Were the people who responded prepared enough to respond effectively?"},
		{"few_paged", "People", "Were fewer than five people paged?"},
		{"pages_routed_correctly", "People", "Were pages routed to the correct sub-team(s)?"},
		{"pages_business_hours", "People", "Were pages routed to online (business hours) engineers?"},
		{"status_doc_updated", "Process", "Was the incident status section kept up to date during the incident?"},
		{"public_status_posted", "Process", "Was a public status page entry created?"},
		{"task_exists", "Process", "Is there a task for the incident?"},
		{"actionables_assigned", "Process", "Are the documented action items assigned?"},
		{"not_a_repeat", "Process", "Is this incident different enough from earlier ones not to count as a repeat occurrence?"},
		{"task_queue_clear", "Tooling", "Was the open task queue free of tasks that would have prevented this incident?"},
		{"communication_ok", "Tooling", "Were the responders able to communicate effectively with the existing tooling?"},
		{"monitoring_notified", "Tooling", "Did existing monitoring notify the initial responders?"},
		{"tools_available", "Tooling", "Were the engineering tools needed available and in service?"},
		{"runbook_used", "Tooling", "Were the steps taken to mitigate guided by an existing runbook?"},
	}
}

// Default returns the settings of an archive without site.yaml.
func Default() *Site {
	s := &Site{
		Title:        "Incident archive",
		BaseURL:      "/",
		WorkingHours: WorkingHours{Start: "09:00", End: "18:00", Timezone: "UTC", Location: time.UTC},
		Scorecard:    DefaultScorecard(),
	}
	s.index()
	return s
}

var knownKeys = []string{"title", "description", "base_url", "task_url", "unsafe_html", "working_hours", "services", "causes", "failure_modes", "scorecard", "repeats", "tracker"}

// RepeatThresholds are the scores from which an earlier report is shown
// as a likely repeat, and as similar.
type RepeatThresholds struct {
	Likely  float64 `json:"likely,omitempty"`
	Similar float64 `json:"similar,omitempty"`
}

// Parse reads site.yaml from data. Problems are added to diags; the
// returned Site is always usable, with defaults where values were wrong.
func Parse(path string, data []byte, diags *diag.List) *Site {
	s := Default()
	doc, d := matter.ParseYAMLFile(path, data)
	if d != nil {
		diags.Add(*d)
		return s
	}
	dec := &matter.Decoder{Path: path, Diags: diags}
	for _, f := range doc.Fields() {
		switch f.Key {
		case "title":
			if v := dec.String(f.Key, f.Value); v != "" {
				s.Title = v
			}
		case "description":
			s.Description = dec.String(f.Key, f.Value)
		case "base_url":
			v := dec.String(f.Key, f.Value)
			if v == "" {
				continue
			}
			if _, err := NormalizeBaseURL(v); err != nil {
				diags.Errorf(path, f.Line, f.Key, "%v", err)
				continue
			}
			s.BaseURL = v
		case "task_url":
			v := dec.String(f.Key, f.Value)
			if v != "" && !strings.Contains(v, "{task}") {
				diags.Errorf(path, f.Line, f.Key, "must contain {task}, which is replaced by the task id, e.g. https://tasks.example.org/{task}")
				continue
			}
			if v != "" && !isWebURL(v) {
				diags.Errorf(path, f.Line, f.Key, "%q is not an http:// or https:// address; task links must open a web page, e.g. https://tasks.example.org/{task}", v)
				continue
			}
			s.TaskURL = v
		case "unsafe_html":
			s.UnsafeHTML, _ = dec.Bool(f.Key, f.Value)
		case "working_hours":
			s.parseWorkingHours(dec, f)
		case "repeats":
			s.parseRepeats(dec, f)
		case "tracker":
			s.parseTracker(dec, f)
		case "services":
			s.parseServices(dec, f)
		case "causes":
			s.Causes = parseTerms(dec, f)
		case "failure_modes":
			s.FailureModes = parseTerms(dec, f)
		case "scorecard":
			s.parseScorecard(dec, f)
		default:
			diags.Warnf(path, f.Line, f.Key, "unknown key%s", diag.DidYouMean(f.Key, knownKeys))
		}
	}
	s.index()
	s.checkAliases(path, diags)
	return s
}

func (s *Site) parseTracker(dec *matter.Decoder, f matter.Field) {
	t := Tracker{Line: f.Line}
	keys := []string{"kind", "url", "project", "token_env"}
	kindGiven := false
	for _, kv := range dec.Mapping(f.Key, f.Value) {
		field := f.Key + "." + kv.Key
		v := strings.TrimSpace(dec.String(field, kv.Value))
		switch kv.Key {
		case "kind":
			kindGiven = true
			if !slices.Contains(TrackerKinds, v) {
				dec.Diags.Errorf(dec.Path, kv.Line, field, "%q is not one of %s%s", v, strings.Join(TrackerKinds, ", "), diag.DidYouMean(v, TrackerKinds))
				continue
			}
			t.Kind = v
		case "url":
			if v != "" && !isWebURL(v) {
				dec.Diags.Errorf(dec.Path, kv.Line, field, "%q is not an http:// or https:// address", v)
				continue
			}
			t.URL = strings.TrimRight(v, "/")
		case "project":
			t.Project = v
		case "token_env":
			if v != "" && !validEnvName(v) {
				dec.Diags.Errorf(dec.Path, kv.Line, field, "%q is not an environment variable's name (letters, digits and _, not starting with a digit); name the variable that holds the token, never the token", v)
				continue
			}
			t.TokenEnv = v
		default:
			dec.Diags.Warnf(dec.Path, kv.Line, field, "unknown key%s", diag.DidYouMean(kv.Key, keys))
		}
	}
	switch {
	case t.Kind == "":
		if !kindGiven {
			dec.Diags.Errorf(dec.Path, f.Line, f.Key+".kind", "a tracker needs a kind: one of %s", strings.Join(TrackerKinds, ", "))
		}
		return
	case t.Kind != "github" && t.URL == "":
		dec.Diags.Errorf(dec.Path, f.Line, f.Key+".url", "a %s tracker needs its address, e.g. https://%s.example.org", t.Kind, t.Kind)
		return
	case t.Kind == "github" && t.Project != "" && strings.Count(t.Project, "/") != 1:
		dec.Diags.Errorf(dec.Path, f.Line, f.Key+".project", "%q is not a GitHub repository; write owner/repo", t.Project)
		return
	}
	if t.Kind == "github" && t.URL == "" {
		t.URL = "https://api.github.com"
	}
	s.Tracker = t
}

// validEnvName reports whether name can be an environment variable's
// name in a shell.
func validEnvName(name string) bool {
	for i, r := range name {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return name != ""
}

func (s *Site) parseRepeats(dec *matter.Decoder, f matter.Field) {
	for _, kv := range dec.Mapping(f.Key, f.Value) {
		field := f.Key + "." + kv.Key
		if kv.Key != "likely" && kv.Key != "similar" {
			dec.Diags.Warnf(dec.Path, kv.Line, field, "unknown key%s", diag.DidYouMean(kv.Key, []string{"likely", "similar"}))
			continue
		}
		v := dec.String(field, kv.Value)
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || x <= 0 || x > 1 {
			dec.Diags.Errorf(dec.Path, kv.Line, field, "expected a score between 0 and 1, such as 0.5, got %q", v)
			continue
		}
		if kv.Key == "likely" {
			s.Repeats.Likely = x
		} else {
			s.Repeats.Similar = x
		}
	}
	if s.Repeats.Likely > 0 && s.Repeats.Similar > 0 && s.Repeats.Similar > s.Repeats.Likely {
		dec.Diags.Errorf(dec.Path, f.Line, f.Key, "similar (%g) must not be above likely (%g)", s.Repeats.Similar, s.Repeats.Likely)
		s.Repeats = RepeatThresholds{}
	}
}

func (s *Site) parseWorkingHours(dec *matter.Decoder, f matter.Field) {
	for _, kv := range dec.Mapping(f.Key, f.Value) {
		field := f.Key + "." + kv.Key
		v := dec.String(field, kv.Value)
		switch kv.Key {
		case "start", "end":
			if _, err := time.Parse("15:04", v); err != nil {
				dec.Diags.Errorf(dec.Path, kv.Line, field, "expected a time of day such as \"09:00\", got %q", v)
				continue
			}
			if kv.Key == "start" {
				s.WorkingHours.Start = v
			} else {
				s.WorkingHours.End = v
			}
		case "timezone":
			loc, err := time.LoadLocation(v)
			if err != nil {
				dec.Diags.Errorf(dec.Path, kv.Line, field, "unknown time zone %q; use an IANA name such as Europe/Berlin", v)
				continue
			}
			s.WorkingHours.Timezone, s.WorkingHours.Location = v, loc
		default:
			dec.Diags.Warnf(dec.Path, kv.Line, field, "unknown key%s", diag.DidYouMean(kv.Key, []string{"start", "end", "timezone"}))
		}
	}
}

func (s *Site) parseServices(dec *matter.Decoder, f matter.Field) {
	for _, kv := range dec.Mapping(f.Key, f.Value) {
		if s.lines == nil {
			s.lines = map[string]int{}
		}
		s.lines[kv.Key] = kv.Line
		svc := Service{Name: kv.Key}
		field := f.Key + "." + kv.Key
		for _, p := range dec.Mapping(field, kv.Value) {
			switch p.Key {
			case "team":
				svc.Team = dec.String(field+".team", p.Value)
			case "description":
				svc.Description = dec.String(field+".description", p.Value)
			case "aliases":
				svc.Aliases = dec.Strings(field+".aliases", p.Value)
			case "hosts":
				svc.parseHosts(dec, field+".hosts", p)
			default:
				dec.Diags.Warnf(dec.Path, p.Line, field+"."+p.Key, "unknown key%s", diag.DidYouMean(p.Key, []string{"team", "description", "aliases", "hosts"}))
			}
		}
		s.Services = append(s.Services, svc)
	}
}

func parseTerms(dec *matter.Decoder, f matter.Field) []Term {
	var out []Term
	for _, kv := range dec.Mapping(f.Key, f.Value) {
		out = append(out, Term{Name: kv.Key, Description: dec.String(f.Key+"."+kv.Key, kv.Value)})
	}
	return out
}

func (s *Site) parseScorecard(dec *matter.Decoder, f matter.Field) {
	items := dec.Sequence(f.Key, f.Value)
	if len(items) == 0 {
		return
	}
	var rubric []Question
	seen := map[string]int{}
	for i, item := range items {
		field := fmt.Sprintf("%s[%d]", f.Key, i+1)
		var q Question
		for _, p := range dec.Mapping(field, item) {
			v := dec.String(field+"."+p.Key, p.Value)
			switch p.Key {
			case "key":
				q.Key = v
			case "group":
				q.Group = v
			case "question":
				q.Question = v
			default:
				dec.Diags.Warnf(dec.Path, p.Line, field+"."+p.Key, "unknown key%s", diag.DidYouMean(p.Key, []string{"key", "group", "question"}))
			}
		}
		if q.Key == "" {
			dec.Diags.Errorf(dec.Path, item.Line, field+".key", "every scorecard question needs a key")
			continue
		}
		if prev, dup := seen[q.Key]; dup {
			dec.Diags.Errorf(dec.Path, item.Line, field+".key", "key %q is already used by question %d", q.Key, prev)
			continue
		}
		seen[q.Key] = i + 1
		if q.Group == "" {
			q.Group = "Other"
		}
		if q.Question == "" {
			q.Question = q.Key
		}
		rubric = append(rubric, q)
	}
	s.Scorecard = rubric
}

func (s *Site) index() {
	s.aliases = map[string]string{}
	for _, svc := range s.Services {
		s.aliases[strings.ToLower(svc.Name)] = svc.Name
	}
	for _, svc := range s.Services {
		for _, a := range svc.Aliases {
			if _, taken := s.aliases[strings.ToLower(a)]; !taken {
				s.aliases[strings.ToLower(a)] = svc.Name
			}
		}
	}
}

func (s *Site) checkAliases(path string, diags *diag.List) {
	owner := map[string]string{}
	for _, svc := range s.Services {
		owner[strings.ToLower(svc.Name)] = svc.Name
	}
	for _, svc := range s.Services {
		for _, a := range svc.Aliases {
			key := strings.ToLower(a)
			if o, ok := owner[key]; ok && o != svc.Name {
				diags.Errorf(path, s.lines[svc.Name], "services."+svc.Name+".aliases", "alias %q is already the name or an alias of %q", a, o)
				continue
			}
			owner[key] = svc.Name
		}
	}
}

// CanonicalService maps a service name or alias to its catalogue name,
// ignoring case. Names not in the catalogue are returned unchanged.
func (s *Site) CanonicalService(name string) string {
	if c, ok := s.aliases[strings.ToLower(name)]; ok {
		return c
	}
	return name
}

// InCatalogue reports whether name (or an alias of it) is catalogued.
func (s *Site) InCatalogue(name string) bool {
	_, ok := s.aliases[strings.ToLower(name)]
	return ok
}

// Service returns the catalogue entry for a canonical name.
func (s *Site) Service(name string) (Service, bool) {
	for _, svc := range s.Services {
		if svc.Name == name {
			return svc, true
		}
	}
	return Service{}, false
}

// ScorecardKeys returns the rubric's keys in order.
func (s *Site) ScorecardKeys() []string {
	keys := make([]string, len(s.Scorecard))
	for i, q := range s.Scorecard {
		keys[i] = q.Key
	}
	return keys
}

// Describe returns the description of name in terms, or "".
func Describe(terms []Term, name string) string {
	for _, t := range terms {
		if t.Name == name {
			return t.Description
		}
	}
	return ""
}

// NormalizeBaseURL checks a base URL and returns it with a trailing slash.
// A bare path such as "/" or "/archive/" is accepted for sites that are
// only ever served from one host.
func NormalizeBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("base URL %q is not a URL: %v", raw, err)
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("base URL %q must use http or https", raw)
	}
	if u.Scheme != "" && u.Host == "" {
		return "", fmt.Errorf("base URL %q has no host", raw)
	}
	if u.Scheme == "" && !strings.HasPrefix(u.Path, "/") {
		return "", fmt.Errorf("base URL %q must be absolute (https://host/path/) or start with /", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String(), nil
}

// SortedServiceNames lists catalogue names, for suggestions.
func (s *Site) SortedServiceNames() []string {
	out := make([]string, 0, len(s.Services))
	for _, svc := range s.Services {
		out = append(out, svc.Name)
	}
	sort.Strings(out)
	return out
}

// isWebURL reports whether u is an absolute http or https URL.
func isWebURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// parseHosts reads a service's host patterns, a pattern or a list of them,
// and compiles each to match a whole host name, ignoring case. A pattern
// that does not compile is an error naming its line.
func (svc *Service) parseHosts(dec *matter.Decoder, field string, p matter.Field) {
	patterns := dec.Strings(field, p.Value)
	lines := make([]int, len(patterns))
	for i := range lines {
		lines[i] = p.Line
		if p.Value != nil && p.Value.Kind == yaml.SequenceNode && i < len(p.Value.Content) {
			lines[i] = p.Value.Content[i].Line
		}
	}
	for i, pat := range patterns {
		where := fmt.Sprintf("%s[%d]", field, i+1)
		if len(pat) > maxHostPattern {
			dec.Diags.Errorf(dec.Path, lines[i], where, "a host pattern of %d characters is too long (at most %d)", len(pat), maxHostPattern)
			continue
		}
		re, err := regexp.Compile(`(?i)^(?:` + pat + `)$`)
		if err != nil {
			dec.Diags.Errorf(dec.Path, lines[i], where, "%q is not a regular expression: %v", pat, unwrapSyntax(err))
			continue
		}
		svc.Hosts = append(svc.Hosts, pat)
		svc.hostPatterns = append(svc.hostPatterns, re)
	}
}

// unwrapSyntax drops the "error parsing regexp: " that package regexp
// puts before every message.
func unwrapSyntax(err error) string {
	return strings.TrimPrefix(err.Error(), "error parsing regexp: ")
}

// ServiceOfHost returns the catalogue's service whose host patterns match
// the whole of host, ignoring case, and whether one does; when several
// do, the first in site.yaml's order wins.
func (s *Site) ServiceOfHost(host string) (string, bool) {
	for _, svc := range s.Services {
		for _, re := range svc.hostPatterns {
			if re.MatchString(host) {
				return svc.Name, true
			}
		}
	}
	return "", false
}
