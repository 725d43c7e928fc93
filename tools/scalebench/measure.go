package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// result is what one implementation showed in one layout.
type result struct {
	Impl      string
	Layout    layout
	Converged time.Duration // from start until r1 holds every VIP and r2 none; 0: never
	Final     [2]int        // VIPs on r1, r2 at the end of the window
	CPU       [2]float64    // % of one core over the window, r1 (master), r2 (backup)
	User, Sys [2]float64    // CPU's user and system parts (cpusplit.go)
	Switches  [2]float64    // context switches a second of the tree's threads
	RSSKiB    [2]int64
	AnonKiB   [2]int64 // RssAnon: heap, stacks (rsssplit.go)
	FileKiB   [2]int64 // RssFile: the mapped binary and libraries
	Threads   [2]int
	FDs       [2]int
	Procs     [2]int
	Load      string   // load average at the end of the window
	Notes     []string // what went wrong but still let the window be measured
	Err       string   // what stopped the measurement
	Console   *consoleResult
}

// timing is how long each phase lasts.
type timing struct {
	settle, window, poll, stopGrace time.Duration
	// console is how many event streams to open on govrrpd's r1 after
	// its window (0: none, and no listener).
	console int
}

// measure starts impl on both routers, times convergence, and samples CPU
// over the window that starts settle after the start.
func measure(ctx context.Context, t *topo, impl, bin string, l layout, tm timing, dir string) (res result) {
	res = result{Impl: impl, Layout: l}
	if err := t.flushVIPs(); err != nil {
		res.Err = err.Error()
		return res
	}
	var confs [2]string
	for r, prio := range []int{prioMaster, prioBackup} {
		confs[r] = filepath.Join(dir, fmt.Sprintf("r%d.conf", r+1))
		if err := os.WriteFile(confs[r], []byte(config(fmt.Sprintf("r%d", r+1), prio, l)), 0o644); err != nil {
			res.Err = err.Error()
			return res
		}
	}
	var ds [2]*daemon
	defer func() {
		for _, d := range ds {
			if d == nil {
				continue
			}
			if err := d.stop(tm.stopGrace); err != nil && res.Err == "" {
				res.Err = err.Error()
			}
		}
	}()
	start := time.Now()
	for r := range ds {
		var extra []string
		if impl == "govrrpd" && r == 0 && tm.console > 0 {
			extra = []string{"--http-listen", consoleAddr}
		}
		d, err := startDaemon(impl, bin, fmt.Sprintf("r%d", r+1), t.ns[r], confs[r], dir, extra...)
		if err != nil {
			res.Err = err.Error()
			return res
		}
		ds[r] = d
	}
	conv, err := waitConverged(ctx, t, l.instances(), start, tm)
	res.Converged = conv
	if err != nil {
		if ctx.Err() != nil {
			res.Err = err.Error()
			return res
		}
		res.Notes = append(res.Notes, err.Error())
	}
	if !sleepUntil(ctx, start.Add(tm.settle)) {
		res.Err = ctx.Err().Error()
		return res
	}
	var before, after [2]lab.TreeSample
	var split0 [2]cpuSplit
	for r, d := range ds {
		if before[r], err = lab.SampleTree("/proc", d.pid()); err != nil {
			res.Err = fmt.Sprintf("%s on r%d: %v (log %s)", impl, r+1, err, d.log)
			return res
		}
		if split0[r], err = sampleSplit("/proc", before[r].PIDs); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("r%d: %v", r+1, err))
		}
	}
	w0 := time.Now()
	fmt.Printf("  window: %s r1 pid %d, r2 pid %d, %v from %s\n", impl, ds[0].pid(), ds[1].pid(), tm.window, w0.Format("15:04:05"))
	if !sleepUntil(ctx, w0.Add(tm.window)) {
		res.Err = ctx.Err().Error()
		return res
	}
	elapsed := time.Since(w0)
	for r, d := range ds {
		if after[r], err = lab.SampleTree("/proc", d.pid()); err != nil {
			res.Err = fmt.Sprintf("%s on r%d: %v (log %s)", impl, r+1, err, d.log)
			return res
		}
		res.CPU[r] = lab.CPUPercent(before[r], after[r], elapsed)
		if split, err := sampleSplit("/proc", after[r].PIDs); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("r%d: %v", r+1, err))
		} else {
			res.User[r], res.Sys[r], res.Switches[r] = splitRates(split0[r], split, elapsed)
		}
		res.RSSKiB[r], res.Threads[r], res.FDs[r], res.Procs[r] = after[r].RSSKiB, after[r].Threads, after[r].FDs, after[r].Procs
		if res.AnonKiB[r], res.FileKiB[r], err = rssSplit("/proc", after[r].PIDs); err != nil {
			res.Notes = append(res.Notes, fmt.Sprintf("r%d: %v", r+1, err))
		}
	}
	res.Load = loadAvg()
	for r := range res.Final {
		if res.Final[r], err = t.vips(r); err != nil {
			res.Err = err.Error()
		}
	}
	if res.Final != [2]int{l.instances(), 0} {
		res.Notes = append(res.Notes, fmt.Sprintf("at the end of the window %d/%d VIPs on r1, %d on r2", res.Final[0], l.instances(), res.Final[1]))
	}
	if impl == "govrrpd" && tm.console > 0 && res.Err == "" {
		res.Console = measureConsole(ctx, t.ns[0], ds[0], tm.console, res.CPU[0], tm)
		res.Console.Instances = l.instances()
	}
	return res
}

// waitConverged polls the VIP counts every tm.poll until r1 holds all n
// and r2 none, and returns the time since start. Giving up at the end of
// the settle time is reported as an error with the counts seen.
func waitConverged(ctx context.Context, t *topo, n int, start time.Time, tm timing) (time.Duration, error) {
	deadline := start.Add(tm.settle)
	tick := time.NewTicker(tm.poll)
	defer tick.Stop()
	for {
		m, err := t.vips(0)
		if err != nil {
			return 0, err
		}
		b, err := t.vips(1)
		if err != nil {
			return 0, err
		}
		if m == n && b == 0 {
			return time.Since(start), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("not converged %v after start: %d/%d VIPs on r1, %d on r2", tm.settle, m, n, b)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-tick.C:
		}
	}
}

func sleepUntil(ctx context.Context, at time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(at)):
		return true
	}
}
