package track

import (
	"errors"
	"os"
	"path/filepath"
	"unsafe"

	"golang.org/x/sys/unix"
)

// dirEvents are the inotify events on a track_file's directory that may
// change its value. The file itself is not watched: editors and scripts
// replace it by rename, which a watch on the old inode would miss. IN_CREATE
// is left out because a created file is empty until its writer closes it
// (IN_CLOSE_WRITE), and reading in between would report a spurious 0.
const dirEvents = unix.IN_CLOSE_WRITE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM | unix.IN_DELETE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// openInotify opens the watcher's inotify instance.
func (w *fileWatcher) openInotify() error {
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return err
	}
	w.fd, w.ino = fd, os.NewFile(uintptr(fd), "inotify")
	return nil
}

// addWatches watches each file's directory; a directory that does not
// exist yet is retried on every rescan.
func (w *fileWatcher) addWatches() {
	if w.ino == nil {
		return
	}
	for _, f := range w.files {
		dir := filepath.Dir(f.Path)
		if w.dirs[dir] {
			continue
		}
		wd, err := unix.InotifyAddWatch(w.fd, dir, dirEvents)
		if err != nil {
			continue
		}
		w.wds[int32(wd)] = dir
		w.dirs[dir] = true
	}
}

// read hands inotify records to the run goroutine, which owns the watch
// maps. It ends when the inotify file is closed.
func (w *fileWatcher) read() {
	defer close(w.rdone)
	defer close(w.events)
	buf := make([]byte, 64*(unix.SizeofInotifyEvent+unix.NAME_MAX+1))
	for {
		n, err := w.ino.Read(buf)
		if err != nil {
			if !errors.Is(err, os.ErrClosed) {
				w.p.log().Warn("track_file: inotify read", "err", err)
			}
			return
		}
		var evs []inoEvent
		for off := 0; off+unix.SizeofInotifyEvent <= n; {
			ev := (*unix.InotifyEvent)(unsafe.Pointer(&buf[off]))
			evs = append(evs, inoEvent{ev.Wd, ev.Mask})
			off += unix.SizeofInotifyEvent + int(ev.Len)
		}
		select {
		case w.events <- evs:
		case <-w.quit:
			return
		}
	}
}

// handle re-reads the files of the directories that changed. When a
// watched directory itself went away (or the queue overflowed) every file
// is re-read and the watch re-added if the directory is back.
func (w *fileWatcher) handle(evs []inoEvent) {
	seen := map[string]bool{}
	all := false
	for _, ev := range evs {
		dir, known := w.wds[ev.wd]
		switch {
		case ev.mask&unix.IN_Q_OVERFLOW != 0:
			all = true
		case !known:
			// IN_IGNORED of a watch we already dropped.
		case ev.mask&(unix.IN_IGNORED|unix.IN_DELETE_SELF|unix.IN_MOVE_SELF) != 0:
			if ev.mask&unix.IN_IGNORED == 0 {
				unix.InotifyRmWatch(w.fd, uint32(ev.wd))
			}
			delete(w.wds, ev.wd)
			delete(w.dirs, dir)
			all = true
		default:
			seen[dir] = true
		}
	}
	if all {
		w.check("")
		return
	}
	for d := range seen {
		w.check(d)
	}
}
