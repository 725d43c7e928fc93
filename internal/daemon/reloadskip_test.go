package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReloadNoChange: once a configuration is running with its inputs on
// record, a SIGHUP that finds them unchanged reads nothing, changes
// nothing and says "no change" in the history and the counters; the same
// bytes written again are still no change; an include added to the glob
// the file names, or an edit, goes the whole way again.
func TestReloadNoChange(t *testing.T) {
	dir := t.TempDir()
	main := "include " + filepath.Join(dir, "conf.d", "*.conf") + "\n"
	if err := os.Mkdir(filepath.Join(dir, "conf.d"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "conf.d", name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("a.conf", oneInstance)
	h := newHarness(t, main, "eth0=192.0.2.1")
	h.run("advance 4s") // VI_1 becomes master
	sighup := func() string {
		t.Helper()
		h.d.requestReload(nil)
		for h.d.reloading {
			h.d.handle(<-h.d.events)
		}
		return h.d.history[len(h.d.history)-1].Result
	}
	// The harness starts without a record, as a daemon built by a test
	// would: the first SIGHUP reads and keeps one.
	if got := sighup(); got != "unchanged" {
		t.Fatalf("first SIGHUP: %s, want unchanged (read, same configuration)", got)
	}
	in := h.d.insts[0]
	calls := len(h.log.lines)
	tuned := 0 // the forced collection after a reload that read a file
	h.d.tuneMem = func() { tuned++ }
	for _, step := range []struct {
		name string
		edit func()
		want string
	}{
		{"nothing touched", func() {}, "no change"},
		{"the same bytes written again", func() { write("a.conf", oneInstance) }, "no change"},
		{"a new file matching the include", func() { write("b.conf", "# empty\n") }, "unchanged"},
		{"nothing touched after it", func() {}, "no change"},
		{"the priority edited", func() { write("a.conf", strings.Replace(oneInstance, "priority 100", "priority 120", 1)) }, "applied"},
	} {
		step.edit()
		if got := sighup(); got != step.want {
			t.Errorf("%s: %s, want %s", step.name, got, step.want)
		}
		if step.want == "no change" && (len(h.log.lines) != calls || tuned != 0) {
			t.Errorf("%s: the daemon acted: %q, %d collections", step.name, h.log.lines[calls:], tuned)
		}
		tuned = 0
	}
	if h.d.insts[0] != in {
		t.Error("an instance was rebuilt")
	}
	st := h.d.snapshot().ReloadStats
	if st.Total != 6 || st.NoChange != 3 || st.Refused != 0 {
		t.Errorf("reload stats %+v, want 6 reloads, 3 without change", st)
	}
	if r := h.d.history[2]; r.ConfigHash != h.d.history[0].ConfigHash || r.Changes == nil {
		t.Errorf("a no-change entry: %+v; want the running hash and an empty list of changes", r)
	}
}
