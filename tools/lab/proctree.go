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

// ClockTicks is USER_HZ, the unit of /proc/PID/stat times (100 on every
// Linux x86-64 kernel; sysconf would need cgo).
const ClockTicks = 100

// TreeSample is one reading of a daemon's process tree (keepalived: the
// parent and its VRRP child; govrrpd: one process). Benchmarks compare
// daemons by these sums, so a forking daemon is charged for every process.
type TreeSample struct {
	Ticks   int64 // utime+stime of every member, plus what they reaped
	RSSKiB  int64 // sum of VmRSS
	Threads int   // sum of Threads
	FDs     int   // sum of open descriptors
	Procs   int
}

// CPU is the tree's CPU time in seconds.
func (s TreeSample) CPU() float64 { return float64(s.Ticks) / ClockTicks }

// CPUPercent is the % of one core the tree used between a and b, over the
// wall-clock time elapsed between the readings.
func CPUPercent(a, b TreeSample, elapsed time.Duration) float64 {
	return 100 * (b.CPU() - a.CPU()) / elapsed.Seconds()
}

// statFields is the part of /proc/PID/stat the benchmark reads.
type statFields struct {
	pid, ppid int
	ticks     int64 // utime+stime+cutime+cstime
}

// parseStat reads /proc/PID/stat. The command name may hold spaces and
// parentheses, so fields are counted from the last ')'.
func parseStat(b []byte) (statFields, error) {
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return statFields{}, errors.New("stat: no (comm)")
	}
	pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
	if err != nil {
		return statFields{}, fmt.Errorf("stat: pid: %w", err)
	}
	f := strings.Fields(s[end+1:]) // f[0] is field 3 (state)
	if len(f) < 15 {
		return statFields{}, fmt.Errorf("stat: %d fields after comm, want at least 15", len(f))
	}
	st := statFields{pid: pid}
	if st.ppid, err = strconv.Atoi(f[1]); err != nil {
		return statFields{}, fmt.Errorf("stat: ppid: %w", err)
	}
	for i := 11; i <= 14; i++ { // fields 14-17: utime stime cutime cstime
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil || n < 0 {
			return statFields{}, fmt.Errorf("stat: field %d: %q", i+3, f[i])
		}
		st.ticks += n
	}
	return st, nil
}

// parseStatus returns VmRSS (KiB) and Threads from /proc/PID/status.
func parseStatus(b []byte) (rssKiB int64, threads int, err error) {
	var haveRSS, haveThreads bool
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		switch {
		case k == "VmRSS" && len(f) == 2 && f[1] == "kB":
			rssKiB, err = strconv.ParseInt(f[0], 10, 64)
			haveRSS = err == nil
		case k == "Threads" && len(f) == 1:
			threads, err = strconv.Atoi(f[0])
			haveThreads = err == nil
		}
		if err != nil {
			return 0, 0, fmt.Errorf("status: %s %q: %w", k, v, err)
		}
	}
	if !haveRSS || !haveThreads {
		return 0, 0, errors.New("status: no VmRSS or Threads")
	}
	return rssKiB, threads, nil
}

// SampleTree reads root and its descendants under procDir (/proc).
func SampleTree(procDir string, root int) (TreeSample, error) {
	ents, err := os.ReadDir(procDir)
	if err != nil {
		return TreeSample{}, err
	}
	all := map[int]statFields{}
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
			return TreeSample{}, fmt.Errorf("%s/%s: %w", procDir, e.Name(), err)
		}
		all[st.pid] = st
		kids[st.ppid] = append(kids[st.ppid], st.pid)
	}
	if _, ok := all[root]; !ok {
		return TreeSample{}, fmt.Errorf("process %d is gone", root)
	}
	var s TreeSample
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		st := all[queue[0]]
		dir := filepath.Join(procDir, strconv.Itoa(st.pid))
		s.Ticks += st.ticks
		s.Procs++
		if b, err := os.ReadFile(filepath.Join(dir, "status")); err == nil {
			rss, th, err := parseStatus(b)
			if err != nil {
				return TreeSample{}, fmt.Errorf("%s: %w", dir, err)
			}
			s.RSSKiB += rss
			s.Threads += th
		}
		if fds, err := os.ReadDir(filepath.Join(dir, "fd")); err == nil {
			s.FDs += len(fds)
		}
		queue = append(queue, kids[st.pid]...)
	}
	return s, nil
}
