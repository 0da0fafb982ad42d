// PLACEHOLDER (helper cli, issue 14): stand-ins for what helper mdimport
// writes in this package, so that cmd/incidents/import.go compiles on
// branch h14-cli. The lead deletes this file at merge.

package mdimport

import (
	"errors"

	"github.com/incidents-archive/incidents/generator/importer"
	"github.com/incidents-archive/incidents/generator/siteconfig"
)

// Mapping maps another tool's keys to ours. (Placeholder.)
type Mapping struct{}

// ParseMapping reads a mapping file. (Placeholder.)
func ParseMapping(path string, data []byte) (*Mapping, error) {
	return nil, errors.New("mdimport.ParseMapping is a placeholder on this branch")
}

// Options are what a conversion needs beyond the file. (Placeholder.)
type Options struct {
	Site *siteconfig.Site
}

// Convert reads one Markdown report. (Placeholder.)
func Convert(path string, data []byte, m *Mapping, opt Options) *importer.Report {
	return &importer.Report{ImportedFrom: path, Body: string(data)}
}
