package track

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

func TestResultEvent(t *testing.T) {
	up := Result{Kind: vrrp.TrackKindScript, Name: "s", Up: true}.Event()
	if up != vrrp.TrackerUp(vrrp.TrackKindScript, "s", true) {
		t.Fatalf("script result: %+v", up)
	}
	v := Result{Kind: vrrp.TrackKindFile, Name: "f", Value: -3}.Event()
	if v != vrrp.TrackerValue("f", -3) {
		t.Fatalf("file result: %+v", v)
	}
}

// Reload keeps an unchanged script running with its state, restarts a
// changed one from scratch, stops a removed one, and reports every kept
// result again; after Stop nothing is left running or reporting.
func TestUpdateCarriesStateAndStopLeavesNothing(t *testing.T) {
	checkNoLeak(t)
	dir := t.TempDir()
	ok := writeScript(t, dir, "ok.sh", "exit 0\n")
	bad := writeScript(t, dir, "bad.sh", "exit 1\n")
	kept := vrrp.ScriptTracker{Name: "kept", Script: ok, Interval: 50 * time.Millisecond, Timeout: time.Second, Rise: 1, Fall: 1}
	changed := vrrp.ScriptTracker{Name: "changed", Script: ok, Interval: 50 * time.Millisecond, Timeout: time.Second,
		Rise: 1, Fall: 1}
	gone := vrrp.ScriptTracker{Name: "gone", Script: ok, Interval: 50 * time.Millisecond, Timeout: time.Second, Rise: 1, Fall: 1}
	fpath := filepath.Join(dir, "v")
	file := vrrp.FileTracker{Name: "f", Path: fpath, InitFile: true, InitValue: 3, Weight: 1}
	rec := newRecorder()
	p := startProbes(t, Settings{Scripts: []vrrp.ScriptTracker{kept, changed, gone}, Files: []vrrp.FileTracker{file}}, rec)
	for _, n := range []string{"kept", "changed", "gone"} {
		rec.waitResult(t, vrrp.TrackKindScript, n, 3*time.Second, upIs(true))
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(3))
	if err := os.WriteFile(fpath, []byte("8"), 0o644); err != nil {
		t.Fatal(err)
	}
	rec.waitResult(t, vrrp.TrackKindFile, "f", 2*time.Second, fileIs(8))

	keptRuns := rec.runCount("kept")
	changed.Script, changed.Rise = bad, 1
	file.Weight = 5 // weight only: the tracker keeps its value and init_file is not re-applied
	before := len(rec.results(vrrp.TrackKindScript, "kept"))
	p.Update(Settings{Scripts: []vrrp.ScriptTracker{kept, changed}, Files: []vrrp.FileTracker{file}})
	if got := rec.results(vrrp.TrackKindScript, "kept"); len(got) != before+1 || !got[len(got)-1].Up {
		t.Fatalf("kept script: want its up state reported again once, got %v", got[before:])
	}
	rec.waitResult(t, vrrp.TrackKindScript, "changed", 3*time.Second, upIs(false))
	rec.waitFor(t, "kept keeps running", 3*time.Second, func() bool { return rec.runs["kept"] > keptRuns+2 })
	if b, _ := os.ReadFile(fpath); string(b) != "8" {
		t.Fatalf("init_file re-applied on reload: file holds %q", b)
	}
	if r, _ := rec.lastOf(vrrp.TrackKindFile, "f"); r.Value != 8 {
		t.Fatalf("file value after reload %v", r)
	}
	for _, r := range p.Snapshot() {
		if r.Name == "gone" {
			t.Fatal("removed script still in the snapshot")
		}
	}
	goneRuns := rec.runCount("gone")
	time.Sleep(200 * time.Millisecond)
	if rec.runCount("gone") != goneRuns {
		t.Fatal("removed script still runs")
	}

	p.Stop()
	n := len(rec.results(vrrp.TrackKindFile, "f"))
	runs := rec.runCount("kept")
	if err := os.WriteFile(fpath, []byte("9"), 0o644); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if len(rec.results(vrrp.TrackKindFile, "f")) != n || rec.runCount("kept") != runs {
		t.Fatal("probes still active after Stop")
	}
}
