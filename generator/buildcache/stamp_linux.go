//go:build linux

package buildcache

import (
	"io/fs"
	"syscall"
)

// stampOf is the stamp of a file of info; zero when the system does not
// say enough.
func stampOf(info fs.FileInfo) stamp {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return stamp{}
	}
	return stamp{Size: info.Size(), ModNs: info.ModTime().UnixNano(), ChangNs: int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec), Inode: uint64(st.Ino)}
}
