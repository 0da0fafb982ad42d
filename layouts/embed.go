// Package layouts holds the default templates and static assets of the
// generated site, embedded in the binary. A folder given with --layouts
// overrides them file by file.
//
// Every page template defines "main" (and may define "head" and "title")
// and is executed through "base" in base.html. partials.html holds the
// shared fragments. Files under static/ are copied to /static/ verbatim.
package layouts

import "embed"

// FS holds the default layouts.
//
//go:embed *.html static
var FS embed.FS
