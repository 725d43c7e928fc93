package main

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
		want     procStat
		err      bool
	}{
		{"plain", "42 (keepalived) S 7 42 42 0 -1 4194560 100 0 0 0 150 25 3 4" + tail,
			procStat{pid: 42, ppid: 7, utime: 150, stime: 25, cutime: 3, cstime: 4}, false},
		{"comm with spaces and parens", "9 (a) b (c) R 1 9 9 0 -1 0 0 0 0 0 1 2 0 0" + tail,
			procStat{pid: 9, ppid: 1, utime: 1, stime: 2}, false},
		{"too few fields", "9 (x) R 1 9 9 0 -1 0 0 0 0 0 1 2", procStat{}, true},
		{"no comm", "9 x R 1", procStat{}, true},
		{"bad pid", "x9 (x) R 1 9 9 0 -1 0 0 0 0 0 1 2 0 0" + tail, procStat{}, true},
		{"negative time", "9 (x) R 1 9 9 0 -1 0 0 0 0 0 -1 2 0 0" + tail, procStat{}, true},
		{"empty", "", procStat{}, true},
	}
	for _, c := range cases {
		got, err := parseStat([]byte(c.in))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%s: got %+v, %v; want %+v, error %v", c.name, got, err, c.want, c.err)
		}
	}
}

func TestParseHWM(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		err  bool
	}{
		{"Name:\tgovrrpd\nVmPeak:\t  900 kB\nVmHWM:\t   35544 kB\nVmRSS:\t 30000 kB\n", 35544, false},
		{"VmHWM:\t1 kB", 1, false},
		{"Name:\tkthreadd\nThreads:\t1\n", 0, true}, // kernel threads have no VmHWM
		{"VmHWM:\t12 MB\n", 0, true},
		{"VmHWM:\t-3 kB\n", 0, true},
		{"VmHWM:\n", 0, true},
	}
	for _, c := range cases {
		got, err := parseHWM([]byte(c.in))
		if (err != nil) != c.err || got != c.want {
			t.Errorf("%q: got %d, %v; want %d, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

// A /proc/net/ip_vs as Linux 6.1 prints it (taken in the test VM), two
// services, three destinations.
const ipvsSample = `IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C0000201:0050 rr
  -> 7F000001:4E21      Local   1      0          0
  -> 7F000001:4E20      Local   1      0          0
TCP  C0000202:0050 rr
  -> 7F000002:4E20      Local   1      0          0
`

func TestIPVSCounts(t *testing.T) {
	if s, d := ipvsCounts([]byte(ipvsSample)); s != 2 || d != 3 {
		t.Errorf("got %d services, %d dests; want 2, 3", s, d)
	}
	if s, d := ipvsCounts([]byte("IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n")); s != 0 || d != 0 {
		t.Errorf("empty table: got %d services, %d dests", s, d)
	}
}

// TestSampleTree builds a fake /proc: 10 -> 11 -> 12 plus an unrelated 20
// and a kernel thread without VmHWM under 10.
func TestSampleTree(t *testing.T) {
	dir := t.TempDir()
	proc := func(pid, ppid int, ut, st, cut, cst int64, hwm string) {
		d := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		stat := strconv.Itoa(pid) + " (p) S " + strconv.Itoa(ppid) + " 1 1 0 -1 0 0 0 0 0 " +
			strconv.FormatInt(ut, 10) + " " + strconv.FormatInt(st, 10) + " " +
			strconv.FormatInt(cut, 10) + " " + strconv.FormatInt(cst, 10) + " 20 0 1 0 5 6 7\n"
		status := "Name:\tp\n"
		if hwm != "" {
			status += "VmHWM:\t" + hwm + " kB\n"
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
	got, err := sampleTree(dir, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := treeSample{ticks: 160 + 220 + 2 + 5, hwmKiB: 3030, procs: 4, pids: []int{10, 11, 13, 12}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got.cpu() != 3.87 {
		t.Errorf("cpu() = %v, want 3.87", got.cpu())
	}
	if _, err := sampleTree(dir, 99); err == nil {
		t.Error("a missing root must be an error")
	}
}

func TestSampleTreeOwnProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	s, err := sampleTree("/proc", os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if s.procs < 1 || s.hwmKiB <= 0 {
		t.Errorf("own process: %+v", s)
	}
}

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("42 (keepalived) S 7 42 42 0 -1 4194560 100 0 0 0 150 25 3 4 20 0 1 0 1234"))
	f.Add([]byte("9 (a) b) R 1"))
	f.Add([]byte(")("))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := parseStat(b)
		if err == nil && (st.utime < 0 || st.stime < 0 || st.cutime < 0 || st.cstime < 0) {
			t.Errorf("negative times accepted: %+v", st)
		}
	})
}

func FuzzParseHWM(f *testing.F) {
	f.Add([]byte("VmHWM:\t   35544 kB\n"))
	f.Add([]byte("VmHWM:"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if n, err := parseHWM(b); err == nil && n < 0 {
			t.Errorf("negative VmHWM %d accepted", n)
		}
	})
}

func FuzzIPVSCounts(f *testing.F) {
	f.Add([]byte(ipvsSample))
	f.Add([]byte("->\nTCP \n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, d := ipvsCounts(b)
		if s < 0 || d < 0 || s+d > len(b) {
			t.Errorf("%d services, %d dests from %d bytes", s, d, len(b))
		}
	})
}
