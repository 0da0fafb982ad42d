// Package mdimport turns a report kept as Markdown by another tool (with
// another tool's front matter, or none) into an importer.Report, through a
// mapping of the tool's keys to this archive's.
package mdimport
