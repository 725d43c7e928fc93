package lab

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

func TestParseStat(t *testing.T) {
	tail := " 0 0 0 0 0 0 0 0 0 0 0 0 20 0 1 0 1234 10000 300 18446744073709551615"
	cases := []struct {
		name, in string
		want     ProcStat
		err      bool
	}{
		{"plain", "42 (keepalived) S 7 42 42 0 -1 4194560 100 0 0 0 150 25 3 4" + tail,
			ProcStat{PID: 42, PPID: 7, UTime: 150, STime: 25, CUTime: 3, CSTime: 4}, false},
		{"comm with spaces and parens", "9 (a) b (c) R 1 9 9 0 -1 0 0 0 0 0 1 2 0 0" + tail,
			ProcStat{PID: 9, PPID: 1, UTime: 1, STime: 2}, false},
		{"too few fields", "9 (x) R 1 9 9 0 -1 0 0 0 0 0 1 2", ProcStat{}, true},
		{"no comm", "9 x R 1", ProcStat{}, true},
		{"bad pid", "x9 (x) R 1 9 9 0 -1 0 0 0 0 0 1 2 0 0" + tail, ProcStat{}, true},
		{"negative time", "9 (x) R 1 9 9 0 -1 0 0 0 0 0 -1 2 0 0" + tail, ProcStat{}, true},
		{"empty", "", ProcStat{}, true},
	}
	for _, c := range cases {
		got, err := ParseStat([]byte(c.in))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v, error %v", c.name, got, err, c.want, c.err)
		}
	}
}

func TestParseStatus(t *testing.T) {
	cases := []struct {
		in   string
		want ProcStatus
		err  bool
	}{
		{"Name:\tgovrrpd\nVmPeak:\t  900 kB\nVmHWM:\t   35544 kB\nVmRSS:\t 30000 kB\nThreads:\t10\n",
			ProcStatus{RSSKiB: 30000, HWMKiB: 35544, Threads: 10}, false},
		{"VmHWM:\t1 kB\nVmRSS:\t1 kB", ProcStatus{RSSKiB: 1, HWMKiB: 1}, false},
		{"Name:\tkthreadd\nThreads:\t1\n", ProcStatus{}, true}, // kernel threads have no VmHWM
		{"VmHWM:\t12 MB\nVmRSS:\t1 kB\n", ProcStatus{}, true},
		{"VmHWM:\t-3 kB\nVmRSS:\t1 kB\n", ProcStatus{}, true},
		{"VmHWM:\nVmRSS:\t1 kB\n", ProcStatus{}, true},
		{"VmHWM:\t1 kB\nVmRSS:\t1 kB\nThreads:\tmany\n", ProcStatus{}, true},
	}
	for _, c := range cases {
		got, err := ParseStatus([]byte(c.in))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%q: got %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// TestSampleTree builds a fake /proc: 10 -> 11 -> 12 plus an unrelated 20
// and a kernel thread without VmHWM under 10.
func TestSampleTree(t *testing.T) {
	dir := t.TempDir()
	proc := func(pid, ppid int, ut, st, cut, cst int64, kib string) {
		d := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.MkdirAll(filepath.Join(d, "fd"), 0o755); err != nil {
			t.Fatal(err)
		}
		stat := strconv.Itoa(pid) + " (p) S " + strconv.Itoa(ppid) + " 1 1 0 -1 0 0 0 0 0 " +
			strconv.FormatInt(ut, 10) + " " + strconv.FormatInt(st, 10) + " " +
			strconv.FormatInt(cut, 10) + " " + strconv.FormatInt(cst, 10) + " 20 0 1 0 5 6 7\n"
		status := "Name:\tp\nThreads:\t1\n"
		if kib != "" {
			status += "VmHWM:\t" + kib + " kB\nVmRSS:\t" + kib + " kB\n"
		}
		for name, body := range map[string]string{"stat": stat, "status": status} {
			if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	proc(10, 1, 100, 50, 7, 3, "1000") // reaped children: 10 ticks
	proc(11, 10, 200, 20, 0, 0, "2000")
	proc(12, 11, 1, 1, 0, 0, "30")
	proc(13, 10, 5, 0, 0, 0, "")
	proc(20, 1, 999, 999, 999, 999, "99999")
	if err := os.WriteFile(filepath.Join(dir, "loadavg"), []byte("1 2 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := SampleTree(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := TreeSample{Ticks: 160 + 220 + 2 + 5, RSSKiB: 3030, HWMKiB: 3030, Threads: 3, Procs: 4, PIDs: []int{10, 11, 13, 12}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got.CPU() != 3.87 {
		t.Errorf("CPU() = %v, want 3.87", got.CPU())
	}
	if _, err := SampleTree(dir, 99); err == nil {
		t.Error("a missing root must be an error")
	}
}

func TestSampleTreeOwnProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s, err := SampleTree("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.Procs < 1 || s.HWMKiB <= 0 || s.RSSKiB <= 0 || s.FDs < 3 || s.Threads < 1 {
		t.Errorf("own process: %+v", s)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("42 (keepalived) S 7 42 42 0 -1 4194560 100 0 0 0 150 25 3 4 20 0 1 0 1234"))
	f.Add([]byte("9 (a) b) R 1"))
	f.Add([]byte(")("))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := ParseStat(b)
		if err == nil && (st.UTime < 0 || st.STime < 0 || st.CUTime < 0 || st.CSTime < 0) {
			t.Errorf("negative times accepted: %+v", st)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("VmHWM:\t   35544 kB\nVmRSS:\t 1 kB\nThreads:\t2\n"))
	f.Add([]byte("VmHWM:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if st, err := ParseStatus(b); err == nil && (st.RSSKiB < 0 || st.HWMKiB < 0 || st.Threads < 0) {
			t.Errorf("negative figure accepted: %+v", st)
		}
	})
}
