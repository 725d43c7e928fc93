package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseSwitches(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"Name:\tgovrrpd\nvoluntary_ctxt_switches:\t1200\nnonvoluntary_ctxt_switches:\t34\n", 1234, true},
		{"nonvoluntary_ctxt_switches:\t0\nvoluntary_ctxt_switches:\t7", 7, true},
		{"voluntary_ctxt_switches:\t7\n", 0, false},
		{"voluntary_ctxt_switches:\tx\nnonvoluntary_ctxt_switches:\t0\n", 0, false},
		{"", 0, false},
	} {
		got, err := parseSwitches([]byte(tc.in))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseSwitches(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// A tree of one process with two threads, read from a fake /proc: user
// and system time from stat, switches summed over the threads.
func TestSampleSplit(t *testing.T) {
	proc := t.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(proc, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("42/stat", "42 (govrrpd) S 1 42 42 0 -1 4194560 100 0 0 0 250 125 3 4 20 0 5 0 100 1000000 500 18446744073709551615\n")
	write("42/task/42/status", "voluntary_ctxt_switches:\t100\nnonvoluntary_ctxt_switches:\t5\n")
	write("42/task/43/status", "voluntary_ctxt_switches:\t40\nnonvoluntary_ctxt_switches:\t0\n")
	got, err := sampleSplit(proc, []int{42})
	if err != nil {
		t.Fatal(err)
	}
	if want := (cpuSplit{user: 250, sys: 125, switches: 145}); got != want {
		t.Fatalf("sampleSplit = %+v, want %+v", got, want)
	}
	u, s, sw := splitRates(cpuSplit{user: 200, sys: 25, switches: 45}, got, 10*time.Second)
	if u != 5 || s != 10 || sw != 10 {
		t.Errorf("rates over 10 s: user %.2f %%, system %.2f %%, %.1f switches/s; want 5, 10, 10", u, s, sw)
	}
	if _, s, sw := splitRates(got, cpuSplit{user: 250, sys: 125, switches: 100}, time.Second); s != 0 || sw != 0 {
		t.Errorf("a thread gone in the window: system %.2f %%, %.1f switches/s, want 0 and 0 (never negative)", s, sw)
	}
}
