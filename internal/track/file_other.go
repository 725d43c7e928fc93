//go:build !linux

package track

import (
	"fmt"
	"runtime"
)

// openInotify fails: there is no inotify, and track_files are re-read
// every rescan period (fileRescan) instead.
func (w *fileWatcher) openInotify() error {
	return fmt.Errorf("inotify: not supported on %s", runtime.GOOS)
}

// addWatches has nothing to watch with.
func (w *fileWatcher) addWatches() {}

// read is never started: openInotify always fails here.
func (w *fileWatcher) read() { close(w.rdone) }

// handle re-reads every file; no events arrive without inotify.
func (w *fileWatcher) handle([]inoEvent) { w.check("") }
