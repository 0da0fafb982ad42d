//go:build !linux

package archive

// readBounded reads the file name through os.DirFS.
func (d dirFS) readBounded(name string, buf []byte) ([]byte, error) {
	return readBounded(d.FS, name, buf)
}
