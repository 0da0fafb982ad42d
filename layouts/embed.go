// Package layouts holds the default templates and static assets of the
// generated site, embedded in the binary. A folder given with --layouts
// overrides them file by file.
//
// Every page template defines "main" (and may define "head" and "scripts")
// and is executed through "base" in base.html. partials.html holds the
// shared fragments. Files under static/ are copied to /static/ verbatim.
//
// search.html is the /search/ page, and static/search.js the script that
// runs it: against the server's search API when the page is rendered with
// one (data-api), otherwise against the static index that the build
// writes under /search/ (package search/static), with a copy of bleve's
// English analyzer written in JavaScript.
//
// Long lists come in pages of a bounded size, the first at the list's own
// address and the others at page/2/, page/3/ … under it: the lists of
// reports (incidents.html), a term's reports (term.html), a taxonomy's
// terms (taxonomy.html), the chains of /repeats/ and the tables of repeat
// rates (rates.html). Their data has .Page, .Pages, .First and .Last (the
// positions of the page's first and last items), .PageLinks, .Prev and
// .Next, which the "list-pages" partial turns into the navigation, and
// "list-pages-head" into rel="prev"/"next" links. What describes a whole
// term (.Term, .Trend) is on each of its pages; its rows are .Incidents.
//
// chain.html is the pages of one chain too long to list whole elsewhere
// (/repeats/chains/ID/): .Chain, .Since, .Until and the page's reports as
// .List.
//
// repeats.html is /repeats/ and the later pages of its chains: recurrence
// chains (.ChainList, or .PageChains; .Chains holds every one), the
// highest repeat rates (.Services and .Causes: .Rates, or .Rows as table
// rows, and .URL, the whole table on rates.html) and the rules of the
// computed scorecard answers (.ScoreRules). On
// incident pages, .Repeat holds the possible repeats, similar earlier
// reports, later recurrences and the chain (.Repeat.Blocks as the default
// layout shows them), and .Check the scorecard's computed answers
// (.Check.Checks, .Check.Summary of the disagreements, .Check.Note).
//
// Besides the page data, templates can call: root (the site's base path),
// asset NAME, incidentURL, termURL KIND NAME, taxonomyURL KIND, yearURL,
// pageURL, taskURL TASK, taskBadge TASK (the task's state from tasks.json
// as a badge to follow its link; empty without the file), termLinks KIND
// NAMES, row INCIDENT (its cached table row), date, datetime, iso, duration, minutes, thousands, join,
// lower, title and last. Fragments named "assets", "header", "footer",
// "term-link", "incident-row" and "score-row" are executed once and
// reused, so they see only the data documented beside them.
package layouts

import "embed"

// FS holds the default layouts.
//
//go:embed *.html static
var FS embed.FS
