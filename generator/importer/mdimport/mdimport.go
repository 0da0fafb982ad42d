// Package mdimport turns a report kept as Markdown by another tool (with
// another tool's front matter, or none) into an importer.Report, through a
// mapping of the tool's keys to this archive's.
//
// # The mapping file
//
// A mapping file is YAML: one line per key of the other tool's front
// matter, naming the key of ours it becomes.
//
//	uuid: ignore          # dropped on purpose
//	url: keep             # kept under "Imported metadata", on purpose
//	start_time: start
//	end_time: end
//	categories: causes
//	keywords: causes      # several keys may feed one list: their values are merged
//	company: services
//	product: services
//	summary: impact
//	state:                # a value map, for keys whose values are spelled otherwise
//	  to: status
//	  values: {published: final, investigating: draft, postmortem: review}
//
// A target is one of our keys (id, title, status, task, start, end,
// detected, detection, paged, paged_after_hours, responders, coordinators,
// services, sites, slos, impact, trigger, causes, failure_mode, related,
// repeat_of, actionables), or "ignore" (drop the key, with no warning), or
// "keep" (list it under "Imported metadata", with no warning). Source keys
// are matched without regard to case. A key of ours that the mapping does
// not name is read as ours, so "title: title" need not be written.
//
// A value map ("values") says what the source's values mean, matched
// without regard to case (and "yes"/"no" meet "true"/"false"). A value may
// map to "ignore" to drop it. For status, detection, trigger and
// failure_mode each value must be one of ours; for lists it renames each
// name (values not in the map are read as they are).
//
// The mapping itself is checked: an unknown target, a value map that
// gives a value our key does not take, a key mapped twice — every problem
// is reported at once as "mapping.yaml:LINE: key: message".
//
// # What is read
//
// Front matter in YAML ("---") or TOML ("+++") is split and decoded by
// package matter. Every key is read through the mapping; a key the
// mapping does not name, and a value that cannot be read as its target
// (a date in a form not understood, a word that is not a status, a
// nested mapping where a name was expected), is kept under "Imported
// metadata" with a warning: nothing is dropped that the mapping did not
// say to drop. Dates are read in our forms (see matter.ParseTime) and in
// those other tools write: "January 5, 2024 10:00 UTC", "5 Jan 2024",
// "Friday, January 5, 2024 at 2:30 PM", RFC 1123 ("Fri, 05 Jan 2024
// 10:00:00 +0000"), "2024/01/05". A time without a zone is UTC; zone
// abbreviations other than UTC and GMT, and dates such as 01/05/2024
// (month or day first?), are ambiguous and not read.
// For services, sites, slos and causes a single value holds several names
// separated by commas; services take the catalogue's names (site.yaml),
// causes become slugs ("Config change" is config-change).
//
// Fields the front matter does not give (and every field, in a file
// without front matter) are looked for in the body: the title is the
// first heading if it is of level 1 (and is removed from the body);
// labelled lines near the top (before the next heading, in the first 40
// lines) give the date, start, end, duration, detection time, impact,
// task, services, responders and coordinators, in the forms "Date: …",
// "**Start:** …", "**End**: …", "- Duration: 45 minutes", "* **Impact:**
// …", "Start (UTC): 10:00"; labels are matched without case and have a
// few spellings each ("Started at", "Resolved at", "Affected services",
// "Incident commander"). A date and a time of day on separate lines
// (Date: and Start:) are combined; an end earlier in the day than the
// start is taken to be the next day (with a warning); a start and a
// duration give the end. An Impact: line takes the lines that continue
// its paragraph. Lines read are removed from the body; a labelled line
// not understood stays, with a warning. Last, a file named
// "2024-01-05-db-outage.md" (or "20240105-…", or ".../2024-01-05-db-outage/index.md")
// gives the date of the start, with a warning that it is a guess.
//
// The id is the start's date and a short name: the file name's (after its
// date) unless that is a number or a hash (a UUID), in which case the
// title's slug. A report with no start is imported as a draft, with a
// warning naming what is missing, and an end before the start is kept
// under "Imported metadata" rather than written where the build would
// refuse it.
package mdimport
