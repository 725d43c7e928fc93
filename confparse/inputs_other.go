//go:build !linux

package confparse

import (
	"io/fs"
	"time"
)

// fileID off Linux has no ctime, which mtime alone cannot replace (it
// can be set back): no entry ever settles, so every check hashes.
type fileID struct {
	size  int64
	mode  fs.FileMode
	mtime int64
}

func idOf(fi fs.FileInfo) fileID {
	return fileID{size: fi.Size(), mode: fi.Mode(), mtime: fi.ModTime().UnixNano()}
}

func (id fileID) changed() time.Time { return time.Unix(0, id.mtime) }

func (fileID) settledAt(time.Time) bool { return false }
