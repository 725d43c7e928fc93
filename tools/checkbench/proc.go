package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat times. It is 100 on
// every Linux x86-64 kernel, and reading it through sysconf would need cgo,
// which the VM's static binary cannot have.
const clockTicks = 100

// procStat is the part of /proc/PID/stat the harness needs.
type procStat struct {
	pid, ppid                    int
	utime, stime, cutime, cstime int64 // clock ticks
}

// parseStat reads /proc/PID/stat. The command name may hold spaces and
// parentheses, so the fields are counted from the last ')'.
func parseStat(b []byte) (procStat, error) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return procStat{}, errors.New("stat: no (comm)")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil {
		return procStat{}, fmt.Errorf("stat: pid: %w", err)
	}
	// f[0] is field 3 (state); utime is field 14.
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("stat: %d fields after comm, want at least 15", len(f))
	}
	st := procStat{pid: pid}
	nums := []*int64{&st.utime, &st.stime, &st.cutime, &st.cstime}
	if st.ppid, err = strconv.Atoi(f[1]); err != nil {
		return procStat{}, fmt.Errorf("stat: ppid: %w", err)
	}
	for i, p := range nums {
		if *p, err = strconv.ParseInt(f[11+i], 10, 64); err != nil || *p < 0 {
			return procStat{}, fmt.Errorf("stat: field %d: %q", 14+i, f[11+i])
		}
	}
	return st, nil
}

// parseHWM returns VmHWM (peak resident set, KiB) from /proc/PID/status.
func parseHWM(b []byte) (int64, error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("status: VmHWM %q", rest)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("status: VmHWM %q", rest)
		}
		return n, nil
	}
	return 0, errors.New("status: no VmHWM")
}

// treeSample is one reading of a process tree.
type treeSample struct {
	ticks  int64 // user+system of every live member plus what they reaped
	hwmKiB int64 // sum of the members' VmHWM
	procs  int
	pids   []int // the members, root first
}

func (t treeSample) cpu() float64 { return float64(t.ticks) / clockTicks }

// sampleTree sums CPU and peak RSS over root and its descendants. Time of
// children that already exited is in their reaper's cutime/cstime, so the
// sum counts every process the tree ever had exactly once.
func sampleTree(procDir string, root int) (treeSample, error) {
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return treeSample{}, err
	}
	all := map[int]procStat{}
	kids := map[int][]int{}
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		st, err := parseStat(b)
		if err != nil {
			return treeSample{}, fmt.Errorf("%s/%s: %w", procDir, e.Name(), err)
		}
		all[st.pid] = st
		kids[st.ppid] = append(kids[st.ppid], st.pid)
	}
	if _, ok := all[root]; !ok {
		return treeSample{}, fmt.Errorf("process %d is gone", root)
	}
	var t treeSample
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		st := all[queue[0]]
		t.ticks += st.utime + st.stime + st.cutime + st.cstime
		t.procs++
		t.pids = append(t.pids, st.pid)
		if b, err := os.ReadFile(filepath.Join(procDir, strconv.Itoa(st.pid), "status")); err == nil {
			if hwm, err := parseHWM(b); err == nil {
				t.hwmKiB += hwm
			}
		}
		queue = append(queue, kids[st.pid]...)
	}
	return t, nil
}

// ipvsCounts counts services and destinations in /proc/net/ip_vs, to show
// that each daemon really programmed the kernel with every real server.
func ipvsCounts(b []byte) (services, dests int) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "->"):
			if !strings.Contains(line, "RemoteAddress") {
				dests++
			}
		case strings.HasPrefix(line, "TCP "), strings.HasPrefix(line, "UDP "),
			strings.HasPrefix(line, "SCTP "), strings.HasPrefix(line, "FWM "):
			services++
		}
	}
	return services, dests
}
