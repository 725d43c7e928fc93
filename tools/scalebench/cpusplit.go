package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// CPU % alone does not say whose work it is. A master's system time holds
// the veth transmit and the peer's receive of every advert, which the
// kernel charges to the sender and any daemon pays; its user time and its
// threads' context switches (each a sleep and a wake-up) are the daemon's
// own. The report prints both, per router, summed over the tree's live
// members.

// cpuSplit is one reading of a tree's user and system time (clock ticks)
// and its threads' context switches.
type cpuSplit struct{ user, sys, switches int64 }

// sampleSplit reads /proc/PID/stat and every thread's status of pids.
func sampleSplit(procDir string, pids []int) (cpuSplit, error) {
	var s cpuSplit
	for _, pid := range pids {
		dir := filepath.Join(procDir, strconv.Itoa(pid))
		b, err := os.ReadFile(filepath.Join(dir, "stat"))
		if err != nil {
			return s, fmt.Errorf("cpu split of %d: %w", pid, err)
		}
		st, err := lab.ParseStat(b)
		if err != nil {
			return s, fmt.Errorf("cpu split of %d: %w", pid, err)
		}
		s.user += st.UTime
		s.sys += st.STime
		tasks, err := os.ReadDir(filepath.Join(dir, "task"))
		if err != nil {
			return s, fmt.Errorf("cpu split of %d: %w", pid, err)
		}
		for _, t := range tasks {
			b, err := os.ReadFile(filepath.Join(dir, "task", t.Name(), "status"))
			if err != nil {
				continue // the thread ended meanwhile
			}
			n, err := parseSwitches(b)
			if err != nil {
				return s, fmt.Errorf("cpu split of %d/%s: %w", pid, t.Name(), err)
			}
			s.switches += n
		}
	}
	return s, nil
}

// parseSwitches sums a status file's voluntary and involuntary context
// switches.
func parseSwitches(status []byte) (int64, error) {
	var n int64
	have := 0
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		key, val, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok || (string(key) != "voluntary_ctxt_switches" && string(key) != "nonvoluntary_ctxt_switches") {
			continue
		}
		v, err := strconv.ParseInt(string(bytes.TrimSpace(val)), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status: %s is %q, want a count", key, bytes.TrimSpace(val))
		}
		n += v
		have++
	}
	if have != 2 {
		return 0, fmt.Errorf("status: context switch counts missing")
	}
	return n, nil
}

// splitRates turns two readings over elapsed into user and system % of
// a core and context switches a second. A thread that ended inside the
// window takes its counts with it, so a negative difference reads as 0.
func splitRates(a, b cpuSplit, elapsed time.Duration) (user, sys, switches float64) {
	pct := func(x, y int64) float64 { return 100 * float64(max(0, y-x)) / lab.ClockTicks / elapsed.Seconds() }
	return pct(a.user, b.user), pct(a.sys, b.sys), float64(max(0, b.switches-a.switches)) / elapsed.Seconds()
}
