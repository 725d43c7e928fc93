package lab

import (
	"os"
	"path/filepath"
	"testing"
)

func TestParseStat(t *testing.T) {
	line := "42 (kee) pal) S 7 42 42 0 -1 4194560 100 0 0 0 250 50 3 4 20 0 1 0 5 0 0\n"
	st, err := parseStat([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	if st.pid != 42 || st.ppid != 7 || st.ticks != 307 {
		t.Fatalf("%+v, want pid 42 ppid 7 ticks 307", st)
	}
	for _, bad := range []string{"", "42 kee S 1", "42 (k) S 1 2 3", "42 (k) S 1 1 1 0 -1 0 0 0 0 0 x 0 0 0 0"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseStatus(t *testing.T) {
	rss, th, err := parseStatus([]byte("Name:\tgovrrpd\nVmRSS:\t  372736 kB\nThreads:\t10\n"))
	if err != nil || rss != 372736 || th != 10 {
		t.Fatalf("%d %d %v", rss, th, err)
	}
	if _, _, err := parseStatus([]byte("Name:\tx\nThreads:\t1\n")); err == nil {
		t.Error("status without VmRSS: no error")
	}
}

// sampleTree must sum the whole tree (keepalived's parent and child) and
// nothing else.
func TestSampleTreeSumsDescendants(t *testing.T) {
	dir := t.TempDir()
	write := func(pid, ppid string, ticks string, rss string) {
		d := filepath.Join(dir, pid)
		if err := os.MkdirAll(filepath.Join(d, "fd"), 0o755); err != nil {
			t.Fatal(err)
		}
		stat := pid + " (k) S " + ppid + " 1 1 0 -1 0 0 0 0 0 " + ticks + " 0 0 0 20 0 1 0 5 0 0\n"
		status := "VmRSS:\t" + rss + " kB\nThreads:\t1\n"
		if err := os.WriteFile(filepath.Join(d, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "status"), []byte(status), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("10", "1", "100", "1000")
	write("11", "10", "30", "500")
	write("12", "1", "999", "9999") // not in the tree
	s, err := SampleTree(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	if s.Ticks != 130 || s.RSSKiB != 1500 || s.Procs != 2 || s.Threads != 2 {
		t.Fatalf("%+v", s)
	}
	if _, err := SampleTree(dir, 99); err == nil {
		t.Error("missing root: no error")
	}
}
