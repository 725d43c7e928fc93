package track

import (
	"os"
	"path/filepath"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// defaultFileRescan is the safety-net re-read period of track_files: it
// catches changes inotify cannot see (a file on NFS, a directory created
// after start, a lost event queue).
const defaultFileRescan = 5 * time.Second

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
	if err := w.openInotify(); err != nil {
		p.log().Warn("track_file: inotify unavailable, polling only", "err", err)
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

// inoEvent is the part of an inotify record the watcher needs.
type inoEvent struct {
	wd   int32
	mask uint32
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
