package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// impl is one checker daemon under test.
type impl struct {
	name string
	argv []string // the config file and pid files are appended by the caller
	env  []string
}

// params are the benchmark's knobs, the same for every implementation.
type params struct {
	targets   []netip.AddrPort
	interval  time.Duration
	duration  time.Duration
	tolerance time.Duration // how late a check may be and still count as on time
	startMax  time.Duration // how long the daemon may take to check every target once
	procDir   string
	ipvsFile  string // /proc/net/ip_vs; counts shown as "-" when absent
	logDir    string
	diag      diagnostics
}

// diagnostics are optional looks at where a daemon's CPU goes; they print
// to out and leave the measured figures alone.
type diagnostics struct {
	out         io.Writer
	threads     bool          // per-thread CPU, switches and run slices over the window
	strace      string        // strace binary; after the window: a count, then a short trace
	straceD     time.Duration // how long each strace attaches
	straceLines int           // lines of the trace to print
}

// result is one implementation's measurement.
type result struct {
	impl       string
	startCPU   float64       // CPU seconds from exec until the window opened (config, IPVS, first round)
	cpu        float64       // CPU seconds inside the window
	hwmKiB     int64         // peak RSS, summed over the process tree
	procs      int           // processes in the tree
	firstRound time.Duration // exec until every target had one check
	services   int
	dests      int // -1 when there is no /proc/net/ip_vs
	ot         onTime
}

// measure runs one daemon against a fresh listener farm: it waits until
// every target has been checked once, lets one more interval pass so the
// start-up burst is out of the window, then measures for p.duration.
func measure(im impl, p params, log *slog.Logger) (result, error) {
	res := result{impl: im.name, dests: -1}
	t0 := time.Now()
	f, err := startFarm(p.targets, t0)
	if err != nil {
		return res, err
	}
	defer f.close()
	logPath := fmt.Sprintf("%s/%s.log", p.logDir, im.name)
	lf, err := os.Create(logPath)
	if err != nil {
		return res, err
	}
	defer lf.Close()
	cmd := exec.Command(im.argv[0], im.argv[1:]...)
	cmd.Env, cmd.Stdout, cmd.Stderr = append(os.Environ(), im.env...), lf, lf
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("%s: %w", im.name, err)
	}
	d := &daemon{cmd: cmd, exited: make(chan struct{})}
	go func() { d.err = cmd.Wait(); close(d.exited) }()
	defer d.stop(log)
	exited := d.exited
	log.Info("started", "impl", im.name, "pid", cmd.Process.Pid)

	if err := waitAllSeen(f, len(p.targets), p.startMax, exited); err != nil {
		return res, fmt.Errorf("%s: %w (log %s:\n%s)", im.name, err, logPath, tail(logPath))
	}
	res.firstRound = time.Since(t0)
	select {
	case <-exited:
		return res, fmt.Errorf("%s exited: %v", im.name, d.err)
	case <-time.After(p.interval):
	}
	s0, err := lab.SampleTree(p.procDir, cmd.Process.Pid)
	if err != nil {
		return res, err
	}
	th0 := p.diag.sampleThreads(p.procDir, s0.PIDs)
	from := time.Since(t0)
	select {
	case <-exited:
		return res, fmt.Errorf("%s exited during the window: %v (log %s:\n%s)", im.name, d.err, logPath, tail(logPath))
	case <-time.After(p.duration):
	}
	s1, err := lab.SampleTree(p.procDir, cmd.Process.Pid)
	if err != nil {
		return res, err
	}
	to := time.Since(t0)
	ths := threadDeltas(th0, p.diag.sampleThreads(p.procDir, s1.PIDs))
	if b, err := os.ReadFile(p.ipvsFile); err == nil {
		res.services, res.dests = lab.IPVSCounts(b)
	}
	res.startCPU, res.cpu, res.hwmKiB, res.procs = s0.CPU(), s1.CPU()-s0.CPU(), s1.HWMKiB, s1.Procs
	if p.diag.strace != "" {
		p.diag.straceAll(im.name, s1.PIDs, log)
	}
	d.stop(log)
	f.close()
	res.ot = analyze(f.hits, from, to, p.interval, p.tolerance)
	if p.diag.threads {
		printThreads(p.diag.out, im.name, ths, (to - from).Seconds(), res.ot.Checks)
	}
	return res, nil
}

// sampleThreads reads the threads of pids when they are to be shown.
func (dg diagnostics) sampleThreads(procDir string, pids []int) map[int]threadStat {
	if !dg.threads {
		return nil
	}
	return sampleThreads(procDir, pids)
}

// straceAll counts the daemon's system calls, then traces it briefly.
func (dg diagnostics) straceAll(name string, pids []int, log *slog.Logger) {
	fmt.Fprintf(dg.out, "strace -c of %s (pids %v) for %v, after the window:\n", name, pids, dg.straceD)
	if err := straceRun(dg.out, dg.strace, pids, dg.straceD, true, 0); err != nil {
		log.Warn("strace count", "err", err)
	}
	fmt.Fprintf(dg.out, "strace -tt of %s, first %d lines:\n", name, dg.straceLines)
	if err := straceRun(dg.out, dg.strace, pids, dg.straceD, false, dg.straceLines); err != nil {
		log.Warn("strace trace", "err", err)
	}
}

func waitAllSeen(f *farm, n int, limit time.Duration, exited <-chan struct{}) error {
	deadline := time.After(limit)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for f.seen() < n {
		select {
		case <-exited:
			return errors.New("exited before checking every target")
		case <-deadline:
			return fmt.Errorf("only %d of %d targets checked after %v", f.seen(), n, limit)
		case <-tick.C:
		}
	}
	return nil
}

// daemon is a started implementation; exited is closed once cmd.Wait
// returned, with its error in err.
type daemon struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error
}

// stop ends the daemon as an operator would (SIGTERM, so it releases its
// IPVS entries), and kills it by PID if it hangs. Safe to call again.
func (d *daemon) stop(log *slog.Logger) {
	select {
	case <-d.exited:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.exited:
	case <-time.After(60 * time.Second):
		log.Warn("no exit 60 s after SIGTERM; killing", "pid", d.cmd.Process.Pid)
		_ = d.cmd.Process.Kill()
		<-d.exited
	}
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(bytes.TrimSpace(b))
}
