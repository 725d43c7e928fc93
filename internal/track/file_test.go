package track

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

func fileIs(v int) func(Result) bool { return func(r Result) bool { return r.Value == v } }

func TestTrackFileChanges(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "prio")
	if err := os.WriteFile(path, []byte("3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	// No periodic re-read: every change below must come from inotify.
	p := startProbes(t, Settings{Files: []vrrp.FileTracker{{Name: "f", Path: path, Weight: 1}}}, rec,
		func(p *Probes) { p.fileRescan = time.Hour })
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(3))

	write := func(what string, v int, do func() error) {
		t.Helper()
		start := time.Now()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(v))
		t.Logf("%s: value %d reported after %s", what, v, time.Since(start))
	}
	write("rewrite", 7, func() error { return os.WriteFile(path, []byte("7\n"), 0o644) })
	write("replace by rename", -2, func() error {
		tmp := filepath.Join(dir, ".prio.tmp")
		if err := os.WriteFile(tmp, []byte("-2"), 0o644); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	})
	write("delete", 0, func() error { return os.Remove(path) })
	write("recreate", 0x10, func() error { return os.WriteFile(path, []byte("0x10 hex"), 0o644) })

	n := len(rec.results(vrrp.TrackKindFile, "f"))
	if err := os.WriteFile(path, []byte("99999999999"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "other"), []byte("5"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if got := rec.results(vrrp.TrackKindFile, "f"); len(got) != n {
		t.Fatalf("out-of-range value or another file changed the report: %v", got[n:])
	}
	write("back in range", 16+1, func() error { return os.WriteFile(path, []byte("17"), 0o644) })
}

func TestTrackFileInitFile(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	fresh := filepath.Join(dir, "fresh")
	kept := filepath.Join(dir, "kept")
	over := filepath.Join(dir, "over")
	for _, f := range []string{kept, over} {
		if err := os.WriteFile(f, []byte("9"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := newRecorder()
	p := startProbes(t, Settings{Files: []vrrp.FileTracker{
		{Name: "fresh", Path: fresh, InitFile: true, InitValue: 4},
		{Name: "kept", Path: kept, InitFile: true, InitValue: 4},
		{Name: "over", Path: over, InitFile: true, InitValue: -5, Overwrite: true},
	}}, rec)
	defer p.Stop()
	for name, want := range map[string]int{"fresh": 4, "kept": 9, "over": -5} {
		rec.waitResult(t, vrrp.TrackKindFile, name, 2*time.Second, fileIs(want))
	}
	if b, _ := os.ReadFile(over); string(b) != "-5\n" {
		t.Fatalf("overwritten file holds %q", b)
	}
}

// A file in a directory that does not exist yet is found by the periodic
// re-read, and inotify takes over once the directory is there.
func TestTrackFileLateDirectory(t *testing.T) {
	checkNoLeak(t)
	dir := filepath.Join(t.TempDir(), "later")
	path := filepath.Join(dir, "v")
	rec := newRecorder()
	p := startProbes(t, Settings{Files: []vrrp.FileTracker{{Name: "f", Path: path, Weight: 1}}}, rec)
	defer p.Stop()
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(0))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("2"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(2))
	time.Sleep(250 * time.Millisecond) // at least one rescan: the watch is in place
	if err := os.WriteFile(path, []byte("5"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(5))
	// The directory itself goes and comes back.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(0))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("6"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(6))
}
