package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

func TestParseThreadStatus(t *testing.T) {
	cases := []struct {
		in        string
		vcs, nvcs int64
		err       bool
	}{
		{"Name:\tgovrrpd\nvoluntary_ctxt_switches:\t1205\nnonvoluntary_ctxt_switches:\t1866\n", 1205, 1866, false},
		{"voluntary_ctxt_switches:\t3\n", 0, 0, true},
		{"voluntary_ctxt_switches:\tx\nnonvoluntary_ctxt_switches:\t1\n", 0, 0, true},
		{"", 0, 0, true},
	}
	for _, c := range cases {
		v, n, err := parseThreadStatus([]byte(c.in))
		if (err != nil) != c.err || v != c.vcs || n != c.nvcs {
			t.Errorf("%q: got %d, %d, %v; want %d, %d, error %v", c.in, v, n, err, c.vcs, c.nvcs, c.err)
		}
	}
}

func TestParseSchedstat(t *testing.T) {
	run, slices, err := parseSchedstat([]byte("6535000123 81234 3072\n"))
	if err != nil || run != 6535000123 || slices != 3072 {
		t.Errorf("got %d, %d, %v", run, slices, err)
	}
	for _, bad := range []string{"", "1 2", "x 2 3", "1 2 y"} {
		if _, _, err := parseSchedstat([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestThreadDeltas: a thread present in both samples shows the difference,
// one born in between shows its whole count, and the busiest comes first.
func TestThreadDeltas(t *testing.T) {
	a := map[int]threadStat{1: {pid: 1, tid: 1, utime: 10, stime: 5, vcs: 100, nvcs: 7, runNs: 1e9, slices: 50}}
	b := map[int]threadStat{
		1: {pid: 1, tid: 1, comm: "d", utime: 12, stime: 9, vcs: 130, nvcs: 8, runNs: 1.2e9, slices: 60},
		2: {pid: 1, tid: 2, comm: "d", utime: 30, stime: 1, vcs: 4, nvcs: 2, runNs: 0.4e9, slices: 6},
	}
	got := threadDeltas(a, b)
	want := []threadStat{
		{pid: 1, tid: 2, comm: "d", utime: 30, stime: 1, vcs: 4, nvcs: 2, runNs: 0.4e9, slices: 6},
		{pid: 1, tid: 1, comm: "d", utime: 2, stime: 4, vcs: 30, nvcs: 1, runNs: 0.2e9, slices: 10},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	var out bytes.Buffer
	printThreads(&out, "d", got, 2, 10)
	// Sums over both threads per check: user (32 ticks = 0.32 s) / 10.
	if !strings.Contains(out.String(), "per check: user 32000 µs, sys 5000 µs, run 60000 µs, 1.60 slices") {
		t.Errorf("table:\n%s", out.String())
	}
}

func TestSampleThreadsOwnProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	ths := sampleThreads("/proc", []int{os.Getpid()})
	if len(ths) < 1 {
		t.Fatal("no thread of the test process")
	}
	for tid, ts := range ths {
		if ts.pid != os.Getpid() || ts.tid != tid || ts.comm == "" {
			t.Errorf("thread %d: %+v", tid, ts)
		}
	}
}
