package track

import (
	"errors"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// defaultFileRescan is the safety-net re-read period of track_files: it
// catches changes inotify cannot see (a file on NFS, a directory created
// after start, a lost event queue).
const defaultFileRescan = 5 * time.Second

// dirEvents are the inotify events on a track_file's directory that may
// change its value. The file itself is not watched: editors and scripts
// replace it by rename, which a watch on the old inode would miss. IN_CREATE
// is left out because a created file is empty until its writer closes it
// (IN_CLOSE_WRITE), and reading in between would report a spurious 0.
const dirEvents = unix.IN_CLOSE_WRITE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM | unix.IN_DELETE |
	unix.IN_DELETE_SELF | unix.IN_MOVE_SELF

// fileState is what a track_file remembers over a reload.
type fileState struct {
	value int
	known bool
}

type fileWatcher struct {
	p      *Probes
	files  []vrrp.FileTracker
	state  map[string]fileState // by tracker name; owned by the run goroutine
	ino    *os.File             // nil when inotify is unavailable
	fd     int                  // ino's descriptor, for watch calls (Fd() would make it blocking)
	rdone  chan struct{}        // closed when the reader ends
	wds    map[int32]string     // watch descriptor -> directory
	dirs   map[string]bool      // directories with a watch
	quit   chan struct{}
	done   chan struct{}
	events chan []inoEvent // from the reader
}

// keepFiles returns the carried state of trackers whose file is unchanged,
// so that a reload does not re-apply init_file to them.
func keepFiles(old, cur []vrrp.FileTracker, carry map[string]fileState) map[string]fileState {
	byName := map[string]vrrp.FileTracker{}
	for _, f := range old {
		byName[f.Name] = f
	}
	out := map[string]fileState{}
	for _, f := range cur {
		if o, ok := byName[f.Name]; ok && o.Path == f.Path {
			if st, ok := carry[f.Name]; ok {
				out[f.Name] = st
			}
		}
	}
	return out
}

func (p *Probes) startFiles(files []vrrp.FileTracker, carry map[string]fileState) {
	p.files = nil
	if len(files) == 0 {
		return
	}
	w := &fileWatcher{p: p, files: files, state: map[string]fileState{}, wds: map[int32]string{},
		dirs: map[string]bool{}, quit: make(chan struct{}), done: make(chan struct{}), rdone: make(chan struct{}),
		events: make(chan []inoEvent, 16)}
	for _, f := range files {
		if st, ok := carry[f.Name]; ok {
			w.state[f.Name] = st
			continue
		}
		if f.InitFile {
			if err := initFile(f.Path, f.InitValue, f.Overwrite); err != nil {
				p.log().Warn("track_file", "name", f.Name, "err", err)
			}
		}
	}
	fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		p.log().Warn("track_file: inotify unavailable, polling only", "err", err)
	} else {
		w.fd, w.ino = fd, os.NewFile(uintptr(fd), "inotify")
	}
	w.addWatches()
	p.files = w
	if w.ino != nil {
		go w.read()
	} else {
		close(w.rdone)
	}
	go w.run(p.fileRescan)
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

// inoEvent is the part of an inotify record the watcher needs.
type inoEvent struct {
	wd   int32
	mask uint32
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

func (w *fileWatcher) run(rescan time.Duration) {
	defer close(w.done)
	if rescan <= 0 {
		rescan = defaultFileRescan
	}
	w.check("")
	tick := time.NewTicker(rescan)
	defer tick.Stop()
	for {
		select {
		case <-w.quit:
			return
		case <-tick.C:
			w.check("")
		case evs, ok := <-w.events:
			if !ok {
				w.events = nil // inotify gone: polling continues
				continue
			}
			w.handle(evs)
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

// check re-reads the files in dir ("" = all) and reports changed values.
func (w *fileWatcher) check(dir string) {
	if dir == "" {
		w.addWatches()
	}
	for _, f := range w.files {
		if dir != "" && filepath.Dir(f.Path) != dir {
			continue
		}
		v, err := readFileValue(f.Path)
		if err != nil {
			w.p.log().Info("track_file: invalid number, keeping the previous value", "name", f.Name, "err", err)
			continue
		}
		w.state[f.Name] = fileState{value: v, known: true}
		w.p.emit(Result{Kind: vrrp.TrackKindFile, Name: f.Name, Value: v})
	}
}

// stop ends the watcher and returns the last values for a reload.
func (w *fileWatcher) stop() map[string]fileState {
	close(w.quit)
	if w.ino != nil {
		w.ino.Close()
	}
	<-w.done
	<-w.rdone
	return w.state
}
