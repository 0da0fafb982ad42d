//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package cachedir

import "os"

// noFollow is 0 where the build does not run in production.
const noFollow = 0

// Elsewhere there is no lock: two processes sharing a cache folder are not
// kept apart.
func flockExclusive(*os.File) (bool, error) { return true, nil }
func flockShared(*os.File) bool             { return true }
func unlock(*os.File)                       {}
