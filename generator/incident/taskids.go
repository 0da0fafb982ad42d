package incident

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/incidents-archive/incidents/generator/siteconfig"
)

var (
	// jiraKey matches a Jira issue key: the project key, a hyphen and the
	// issue's number (OPS-123).
	jiraKey = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,49}-[0-9]{1,9}$`)
	// githubIssue matches a GitHub issue: #123, or owner/repo#123.
	githubIssue = regexp.MustCompile(`^(?:([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100}))?#([0-9]{1,9})$`)
)

// IsTaskID reports whether id is a task id for a tracker of kind (site.yaml
// tracker.kind; "" without a tracker): T and 1–9 digits for every kind,
// and also Jira keys (OPS-123) for jira, and #123 and owner/repo#123 for
// github.
func IsTaskID(kind, id string) bool {
	if TaskPattern.MatchString(id) {
		return true
	}
	switch kind {
	case "jira":
		return jiraKey.MatchString(id)
	case "github":
		return githubIssue.MatchString(id)
	}
	return false
}

// taskExamples names the task id forms of kind, for warnings.
func taskExamples(kind string) string {
	switch kind {
	case "jira":
		return "OPS-123 or T418722"
	case "github":
		return "#123, owner/repo#123 or T418722"
	}
	return "T418722"
}

func trackerKind(site *siteconfig.Site) string {
	if site == nil {
		return ""
	}
	return site.Tracker.Kind
}

// TaskLink is the address of task on site: a GitHub issue id (#123, or
// owner/repo#123) with a github tracker links to the issue itself, in
// tracker.project for #123, on github.com or on the GitHub Enterprise
// site whose API tracker.url names; any other task id goes through
// task_url (see TaskURL). "" when task is not a task id for the site's
// tracker, or there is no address to give.
func TaskLink(site *siteconfig.Site, task string) string {
	if site == nil {
		return ""
	}
	kind := site.Tracker.Kind
	if kind == "github" {
		if m := githubIssue.FindStringSubmatch(task); m != nil {
			repo := site.Tracker.Project
			if m[1] != "" {
				repo = m[1] + "/" + m[2]
			}
			if repo == "" {
				return ""
			}
			return githubWeb(site.Tracker.URL) + "/" + repo + "/issues/" + m[3]
		}
	}
	if !IsTaskID(kind, task) || !(strings.HasPrefix(site.TaskURL, "https://") || strings.HasPrefix(site.TaskURL, "http://")) {
		return ""
	}
	return strings.ReplaceAll(site.TaskURL, "{task}", url.PathEscape(task))
}

// githubWeb is the web address of the GitHub whose API is at api:
// https://github.com for the public API (or none), the API's site without
// /api/v3 for GitHub Enterprise.
func githubWeb(api string) string {
	api = strings.TrimSuffix(api, "/")
	if api == "" || api == "https://api.github.com" {
		return "https://github.com"
	}
	if !strings.HasPrefix(api, "https://") && !strings.HasPrefix(api, "http://") {
		return "https://github.com"
	}
	return strings.TrimSuffix(api, "/api/v3")
}
