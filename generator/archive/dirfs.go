package archive

import (
	"io/fs"
	"os"
)

// DirFS is os.DirFS(dir), from which Load reads the reports and pages
// with fewer system calls: through an *os.File, reading a file on Linux
// also sets and clears non-blocking mode and tries to register the file
// with the poller, which a warm build pays for every report (see
// readBounded of dirfs_linux.go). Opening a file or a folder (the
// listing, site.yaml) goes through os.DirFS's Open.
func DirFS(dir string) fs.FS { return dirFS{FS: os.DirFS(dir), dir: dir} }

type dirFS struct {
	fs.FS
	dir string
}
