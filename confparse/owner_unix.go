//go:build unix

package confparse

import (
	"io/fs"
	"syscall"
)

// fileOwner reads a file's owner for keepalived's script checks.
func fileOwner(fi fs.FileInfo) (uid, gid uint32, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, false
	}
	return st.Uid, st.Gid, true
}
