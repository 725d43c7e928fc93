package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// threadStat is what one thread cost: the CPU split tells the kernel's share
// (system calls, the loopback handshake) from the process's own, and the
// switch counts and run slices count its wake-ups, which is where an idle
// Go runtime spends its time and a C event loop does not.
type threadStat struct {
	pid, tid     int
	comm         string
	utime, stime int64 // clock ticks
	vcs, nvcs    int64 // voluntary and involuntary context switches
	runNs        int64 // schedstat: time on a CPU
	slices       int64 // schedstat: times it was put on a CPU
}

// parseThreadStatus reads the two context-switch counters of
// /proc/PID/task/TID/status.
func parseThreadStatus(b []byte) (vcs, nvcs int64, err error) {
	found := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		var dst *int64
		switch k {
		case "voluntary_ctxt_switches":
			dst = &vcs
		case "nonvoluntary_ctxt_switches":
			dst = &nvcs
		default:
			continue
		}
		if *dst, err = strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			return 0, 0, fmt.Errorf("status: %s: %w", k, err)
		}
		found++
	}
	if found != 2 {
		return 0, 0, fmt.Errorf("status: %d of 2 context-switch counters", found)
	}
	return vcs, nvcs, nil
}

// parseSchedstat reads /proc/PID/task/TID/schedstat: "run_ns wait_ns slices".
func parseSchedstat(b []byte) (runNs, slices int64, err error) {
	f := strings.Fields(string(b))
	if len(f) != 3 {
		return 0, 0, fmt.Errorf("schedstat: %d fields, want 3", len(f))
	}
	if runNs, err = strconv.ParseInt(f[0], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("schedstat: run time: %w", err)
	}
	if slices, err = strconv.ParseInt(f[2], 10, 64); err != nil {
		return 0, 0, fmt.Errorf("schedstat: slices: %w", err)
	}
	return runNs, slices, nil
}

// sampleThreads reads every thread of every process in pids. A thread that
// ends while it is read is left out.
func sampleThreads(procDir string, pids []int) map[int]threadStat {
	out := map[int]threadStat{}
	for _, pid := range pids {
		dir := filepath.Join(procDir, strconv.Itoa(pid), "task")
		ents, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if ts, err := readThread(filepath.Join(dir, e.Name())); err == nil {
				ts.pid, ts.tid = pid, tid
				out[tid] = ts
			}
		}
	}
	return out
}

func readThread(dir string) (threadStat, error) {
	var ts threadStat
	b, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return ts, err
	}
	st, err := lab.ParseStat(b)
	if err != nil {
		return ts, err
	}
	ts.utime, ts.stime = st.UTime, st.STime
	if s := string(b); strings.IndexByte(s, '(') >= 0 {
		ts.comm = s[strings.IndexByte(s, '(')+1 : strings.LastIndexByte(s, ')')]
	}
	if b, err = os.ReadFile(filepath.Join(dir, "status")); err != nil {
		return ts, err
	}
	if ts.vcs, ts.nvcs, err = parseThreadStatus(b); err != nil {
		return ts, err
	}
	if b, err = os.ReadFile(filepath.Join(dir, "schedstat")); err != nil {
		return ts, err
	}
	ts.runNs, ts.slices, err = parseSchedstat(b)
	return ts, err
}

// threadDeltas is what each thread did between two samples, busiest
// first; threads born after a were there from zero.
func threadDeltas(a, b map[int]threadStat) []threadStat {
	var out []threadStat
	for tid, t1 := range b {
		t0 := a[tid]
		out = append(out, threadStat{pid: t1.pid, tid: tid, comm: t1.comm,
			utime: t1.utime - t0.utime, stime: t1.stime - t0.stime,
			vcs: t1.vcs - t0.vcs, nvcs: t1.nvcs - t0.nvcs,
			runNs: t1.runNs - t0.runNs, slices: t1.slices - t0.slices})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].runNs != out[j].runNs {
			return out[i].runNs > out[j].runNs
		}
		return out[i].tid < out[j].tid
	})
	return out
}

// printThreads writes the per-thread table of one run, with rates per
// second of window and per check.
func printThreads(w io.Writer, name string, ds []threadStat, secs float64, checks int) {
	fmt.Fprintf(w, "threads of %s over %.0f s, %d checks:\n", name, secs, checks)
	fmt.Fprintf(w, "  %7s %7s %-16s %7s %7s %9s %9s %9s %9s\n",
		"pid", "tid", "comm", "user s", "sys s", "run s", "slices/s", "vcsw/s", "ivcsw/s")
	var sum threadStat
	for _, d := range ds {
		fmt.Fprintf(w, "  %7d %7d %-16s %7.2f %7.2f %9.3f %9.1f %9.1f %9.1f\n", d.pid, d.tid, d.comm,
			float64(d.utime)/lab.ClockTicks, float64(d.stime)/lab.ClockTicks, float64(d.runNs)/1e9,
			float64(d.slices)/secs, float64(d.vcs)/secs, float64(d.nvcs)/secs)
		sum.utime, sum.stime, sum.runNs, sum.slices = sum.utime+d.utime, sum.stime+d.stime, sum.runNs+d.runNs, sum.slices+d.slices
		sum.vcs, sum.nvcs = sum.vcs+d.vcs, sum.nvcs+d.nvcs
	}
	if checks > 0 {
		c := float64(checks)
		fmt.Fprintf(w, "  per check: user %.0f µs, sys %.0f µs, run %.0f µs, %.2f slices, %.2f vcsw, %.2f ivcsw\n",
			float64(sum.utime)/lab.ClockTicks/c*1e6, float64(sum.stime)/lab.ClockTicks/c*1e6, float64(sum.runNs)/1e3/c,
			float64(sum.slices)/c, float64(sum.vcs)/c, float64(sum.nvcs)/c)
	}
}
