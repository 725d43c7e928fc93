package lab

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ClockTicks is USER_HZ, the unit of /proc/PID/stat times. It is 100 on
// every Linux x86-64 kernel, and reading it through sysconf would need cgo,
// which the VM's static binary cannot have.
const ClockTicks = 100

// ProcStat is the part of /proc/PID/stat the benchmarks read.
type ProcStat struct {
	PID, PPID                    int
	UTime, STime, CUTime, CSTime int64 // clock ticks
}

// Ticks is the process's CPU time plus what its reaped children used.
func (s ProcStat) Ticks() int64 { return s.UTime + s.STime + s.CUTime + s.CSTime }

// ParseStat reads /proc/PID/stat. The command name may hold spaces and
// parentheses, so the fields are counted from the last ')'.
func ParseStat(b []byte) (ProcStat, error) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return ProcStat{}, errors.New("stat: no (comm)")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil {
		return ProcStat{}, fmt.Errorf("stat: pid: %w", err)
	}
	// f[0] is field 3 (state); utime is field 14.
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return ProcStat{}, fmt.Errorf("stat: %d fields after comm, want at least 15", len(f))
	}
	st := ProcStat{PID: pid}
	if st.PPID, err = strconv.Atoi(f[1]); err != nil {
		return ProcStat{}, fmt.Errorf("stat: ppid: %w", err)
	}
	for i, p := range []*int64{&st.UTime, &st.STime, &st.CUTime, &st.CSTime} {
		if *p, err = strconv.ParseInt(f[11+i], 10, 64); err != nil || *p < 0 {
			return ProcStat{}, fmt.Errorf("stat: field %d: %q", 14+i, f[11+i])
		}
	}
	return st, nil
}

// ProcStatus is the part of /proc/PID/status the benchmarks read.
type ProcStatus struct {
	RSSKiB, HWMKiB int64 // VmRSS, VmHWM (peak)
	Threads        int
}

// ParseStatus reads VmRSS, VmHWM and Threads from /proc/PID/status. Kernel
// threads have no VmRSS or VmHWM: that is an error.
func ParseStatus(b []byte) (ProcStatus, error) {
	var st ProcStatus
	var have int
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		var dst *int64
		switch k {
		case "VmRSS":
			dst = &st.RSSKiB
		case "VmHWM":
			dst = &st.HWMKiB
		case "Threads":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || n < 0 {
				return ProcStatus{}, fmt.Errorf("status: Threads %q", v)
			}
			st.Threads = n
			continue
		default:
			continue
		}
		if len(f) != 2 || f[1] != "kB" {
			return ProcStatus{}, fmt.Errorf("status: %s %q", k, v)
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || n < 0 {
			return ProcStatus{}, fmt.Errorf("status: %s %q", k, v)
		}
		*dst = n
		have++
	}
	if have < 2 {
		return ProcStatus{}, errors.New("status: no VmRSS or VmHWM")
	}
	return st, nil
}

// TreeSample is one reading of a daemon's process tree (keepalived: the
// parent and its children; govrrpd: one process). Benchmarks compare
// daemons by these sums, so a forking daemon is charged for every process.
type TreeSample struct {
	Ticks   int64 // user+system of every live member plus what they reaped
	RSSKiB  int64 // sum of VmRSS
	HWMKiB  int64 // sum of VmHWM
	Threads int   // sum of Threads
	FDs     int   // sum of open descriptors
	Procs   int
	PIDs    []int // the members, root first
}

// CPU is the tree's CPU time in seconds.
func (s TreeSample) CPU() float64 { return float64(s.Ticks) / ClockTicks }

// CPUPercent is the % of one core the tree used between a and b, over the
// wall-clock time elapsed between the readings.
func CPUPercent(a, b TreeSample, elapsed time.Duration) float64 {
	return 100 * (b.CPU() - a.CPU()) / elapsed.Seconds()
}

// SampleTree sums root and its descendants under procDir (/proc). Time of
// children that already exited is in their reaper's cutime/cstime, so the
// sum counts every process the tree ever had exactly once.
func SampleTree(procDir string, root int) (TreeSample, error) {
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return TreeSample{}, err
	}
	all := map[int]ProcStat{}
	kids := map[int][]int{}
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join(procDir, e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		st, err := ParseStat(b)
		if err != nil {
			return TreeSample{}, fmt.Errorf("%s/%s: %w", procDir, e.Name(), err)
		}
		all[st.PID] = st
		kids[st.PPID] = append(kids[st.PPID], st.PID)
	}
	if _, ok := all[root]; !ok {
		return TreeSample{}, fmt.Errorf("process %d is gone", root)
	}
	var s TreeSample
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		st := all[queue[0]]
		dir := filepath.Join(procDir, strconv.Itoa(st.PID))
		s.Ticks += st.Ticks()
		s.Procs++
		s.PIDs = append(s.PIDs, st.PID)
		if b, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
			if ps, err := ParseStatus(b); err == nil {
				s.RSSKiB += ps.RSSKiB
				s.HWMKiB += ps.HWMKiB
				s.Threads += ps.Threads
			}
		}
		if fds, err := os.ReadDir(filepath.Join(dir, "fd")); err == nil {
			s.FDs += len(fds)
		}
		queue = append(queue, kids[st.PID]...)
	}
	return s, nil
}
