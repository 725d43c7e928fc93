//go:build linux

package confparse

import (
	"io/fs"
	"syscall"
	"time"
)

// fileID is the stat that stands in for a file's bytes once settled (see
// Inputs): every field a write, a rename over it or a chmod moves.
type fileID struct {
	dev, ino     uint64
	size         int64
	mode         fs.FileMode
	mtime, ctime int64 // nanoseconds since the epoch
}

func idOf(fi fs.FileInfo) fileID {
	id := fileID{size: fi.Size(), mode: fi.Mode(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(st.Dev), uint64(st.Ino)
		id.ctime = int64(st.Ctim.Sec)*1e9 + int64(st.Ctim.Nsec)
	}
	return id
}

// changed is when the file last changed, as far as its stat says.
func (id fileID) changed() time.Time { return time.Unix(0, max(id.mtime, id.ctime)) }

// settledAt reports whether a stat taken at at can stand for the bytes
// read after it: the last change lies more than racyWindow before.
func (id fileID) settledAt(at time.Time) bool {
	return id.ctime != 0 && at.Sub(id.changed()) > racyWindow
}
