package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"time"

	"github.com/moby/ipvs"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// impl is one daemon under test; the config and pid files are appended.
type impl struct {
	name string
	argv []string
	// fresh restarts the daemon for each case (keepalived: a reload it
	// has not finished would otherwise run into the next case's).
	fresh bool
	// done is the log line that says the daemon's reload is over:
	// keepalived's parent logs "Reload complete" once every child has
	// read the file and, in the checker, applied IPVS (config_notify.c).
	// nil: govrrpd, whose "IPVS applied" line carries its operations.
	done *regexp.Regexp
}

// params are the run's knobs, the same for every implementation.
type params struct {
	conf      []byte // the configuration as generated
	services  int
	workdir   string
	startMax  time.Duration // how long the daemon may take to fill the table
	applyMax  time.Duration // how long a change may take to reach the kernel
	window    time.Duration // quiet detection: this long ...
	quietTick int64         // ... with at most this many clock ticks
	log       *slog.Logger
	cases     []edit
}

// reload is what one SIGHUP cost.
type reload struct {
	took time.Duration // until applied (see hup); -1: not within params.applyMax
	// kernel is keepalived's time until the change was in the kernel,
	// which its reload reaches as it walks the virtual servers, long
	// before "Reload complete"; -1: not within params.applyMax.
	kernel  time.Duration
	busy    time.Duration // until the daemon's CPU went quiet; -1: not measured
	note    string        // what a reload that hit the cap had done
	ops     int           // govrrpd's IPVS operations; -1 when the daemon does not say
	changed int           // /proc/net/ip_vs lines that differ before and after
	at      time.Time     // when the signal went
	lines   []string      // the daemon's log lines about the reload, to see where the time went
}

// edit is one reload measured; each edits the file the previous one
// left.
type edit struct {
	name    string
	edit    func([]byte) ([]byte, error)
	applied func() (bool, error) // nil: "applied" is the CPU going quiet
}

// cases are the reloads measured, in order: nothing changed, one weight
// in the first virtual server, its last real server removed, and the last
// virtual server's last real server removed (where keepalived's walk
// arrives last). vs must be at least 2.
func cases(vs, rs int) []edit {
	fa, fp := firstVS()
	la, lp := lastVS(vs)
	real := lastRealOf(rs)
	return []edit{
		{"no change", nil, nil},
		{"one weight", func(b []byte) ([]byte, error) { return changeWeight(b, 2) }, weightIs(fa, fp, "198.51.100.1", 2)},
		{"one removed", func(b []byte) ([]byte, error) { return removeReal(b, real, fp, false) }, gone(fa, fp, real)},
		{"one removed, last vs", func(b []byte) ([]byte, error) { return removeReal(b, real, lp, true) }, gone(la, lp, real)},
	}
}

// result is one implementation's measurement.
type result struct {
	impl     string
	start    time.Duration // exec until the table was complete
	services int
	dests    int
	reloads  []reload // one per case, as far as the run got
}

// daemon is a started implementation.
type daemon struct {
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
}

func measure(im impl, p params) (res result, err error) {
	res.impl = im.name
	conf := filepath.Join(p.workdir, im.name+".conf")
	if err := os.WriteFile(conf, p.conf, 0o644); err != nil {
		return res, err
	}
	var d *daemon
	defer func() {
		if d != nil {
			d.kill(p.log)
		}
	}()
	cur := p.conf
	for i, c := range p.cases {
		if d == nil || im.fresh {
			// A fresh daemon on the file as the earlier cases left it,
			// so that a slow reload does not stretch into the next case.
			if d != nil {
				d.kill(p.log)
			}
			if d, err = startFull(im, conf, p, countReals(cur), &res, i == 0); err != nil {
				d = nil
				return res, err
			}
		}
		if c.edit != nil {
			if cur, err = c.edit(cur); err != nil {
				return res, err
			}
			if err := os.WriteFile(conf, cur, 0o644); err != nil {
				return res, err
			}
		}
		r, err := d.hup(p, c.applied, im)
		if err != nil {
			return res, fmt.Errorf("%s, %s: %w", im.name, c.name, err)
		}
		res.reloads = append(res.reloads, r)
	}
	return res, nil
}

// startFull starts a daemon on an empty table and waits until the kernel
// holds the whole configuration (dests real servers: a fresh start after
// a removal has fewer) and the daemon's CPU is quiet; the first start's
// time and table are the result's.
func startFull(im impl, conf string, p params, dests int, res *result, first bool) (*daemon, error) {
	if err := flush(); err != nil {
		return nil, err
	}
	d, err := start(im, conf, p.workdir)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	s, n, err := d.waitTable(p.services, dests, p.startMax)
	if first {
		res.services, res.dests, res.start = s, n, time.Since(t0)
	}
	if err != nil {
		d.kill(p.log)
		return nil, fmt.Errorf("%s: %w (log %s)", im.name, err, d.log)
	}
	p.log.Info("table complete", "impl", im.name, "after", time.Since(t0).Round(time.Millisecond))
	if _, err := d.waitQuiet(p, 20*time.Minute); err != nil {
		d.kill(p.log)
		return nil, fmt.Errorf("%s after start: %w", im.name, err)
	}
	return d, nil
}

func start(im impl, conf, dir string) (*daemon, error) {
	base := filepath.Join(dir, im.name)
	pids := []string{base + ".pid", base + "-check.pid", base + "-vrrp.pid"}
	for _, p := range pids {
		// A killed daemon's pid files: keepalived refuses to start while
		// one names a live process, and the number may be in use again.
		_ = os.Remove(p)
	}
	argv := append(append([]string(nil), im.argv...), "-f", conf, "-p", pids[0], "-c", pids[1], "-r", pids[2])
	lf, err := os.Create(base + ".log")
	if err != nil {
		return nil, err
	}
	defer lf.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = lf, lf
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", im.name, err)
	}
	d := &daemon{cmd: cmd, log: base + ".log", exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(d.exited) }()
	return d, nil
}

// kill ends the daemon's whole tree by PID (SIGKILL: releasing 110,000
// kernel entries one by one would only lengthen the run) and empties the
// table for the next one.
func (d *daemon) kill(log *slog.Logger) {
	if s, err := lab.SampleTree("/proc", d.cmd.Process.Pid); err == nil {
		for _, pid := range s.PIDs {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	<-d.exited
	if err := flush(); err != nil {
		log.Warn("flush", "err", err)
	}
}

var errExited = errors.New("the daemon exited")

func (d *daemon) alive() error {
	select {
	case <-d.exited:
		return fmt.Errorf("%w (log %s:\n%s)", errExited, d.log, tail(d.log))
	default:
		return nil
	}
}

// waitTable polls /proc/net/ip_vs until it holds every service and real
// server of the configuration.
func (d *daemon) waitTable(services, dests int, limit time.Duration) (s, n int, err error) {
	deadline := time.Now().Add(limit)
	for {
		if err := d.alive(); err != nil {
			return s, n, err
		}
		b, err := os.ReadFile("/proc/net/ip_vs")
		if err != nil {
			return s, n, err
		}
		if s, n = lab.IPVSCounts(b); s == services && n == dests {
			return s, n, nil
		}
		if time.Now().After(deadline) {
			return s, n, fmt.Errorf("after %v the table has %d services and %d real servers, want %d and %d", limit, s, n, services, dests)
		}
		time.Sleep(time.Second)
	}
}

// cpu reads the tree's clock ticks.
func (d *daemon) cpu() (int64, error) {
	s, err := lab.SampleTree("/proc", d.cmd.Process.Pid)
	return s.Ticks, err
}

// waitQuiet samples the tree's CPU every 20 ms until one window passes
// with at most p.quietTick ticks, and returns when that window began,
// from its own start.
func (d *daemon) waitQuiet(p params, limit time.Duration) (time.Duration, error) {
	t0 := time.Now()
	var s []sample
	for time.Since(t0) < limit {
		if err := d.alive(); err != nil {
			return 0, err
		}
		ticks, err := d.cpu()
		if err != nil {
			return 0, err
		}
		s = append(s, sample{time.Since(t0), ticks})
		if q, ok := quietAt(s, p.window, p.quietTick); ok {
			return q, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return 0, fmt.Errorf("CPU never quiet for %v within %v", p.window, limit)
}

// hup sends SIGHUP and measures until the reload is applied. For govrrpd
// (im.done nil) that is until its CPU is quiet again and, when applied is
// given, the change is in the kernel, and its "IPVS applied" line (which
// gives the operations) is written. For keepalived it is its "Reload
// complete" line and, when applied is given, the change in the kernel;
// -1 when that does not happen within p.applyMax (a lower bound, with
// r.note saying what was seen).
func (d *daemon) hup(p params, applied func() (bool, error), im impl) (reload, error) {
	r := reload{ops: -1}
	before, err := os.ReadFile("/proc/net/ip_vs")
	if err != nil {
		return r, err
	}
	logOff := size(d.log)
	t0 := time.Now()
	r.at = t0
	if err := d.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		return r, err
	}
	if im.done != nil {
		if r.took, r.kernel, r.note, err = d.untilDone(p, applied, im.done, logOff, t0); err != nil {
			return r, err
		}
		r.busy = -1
		if r.took >= 0 {
			if q, err := d.waitQuiet(p, p.applyMax); err == nil {
				r.busy = r.took + q
			}
		}
	} else if err := d.untilQuiet(p, applied, logOff, t0, &r); err != nil {
		return r, err
	}
	after, err := os.ReadFile("/proc/net/ip_vs")
	if err != nil {
		return r, err
	}
	r.changed = tableDiff(before, after)
	if b, err := os.ReadFile(d.log); err == nil && int64(len(b)) >= logOff {
		r.lines = reloadLines(b[logOff:], 24)
	}
	return r, nil
}

// untilQuiet is govrrpd's measure: the change in the kernel, the CPU
// quiet, and the "IPVS applied" line, whichever comes last.
func (d *daemon) untilQuiet(p params, applied func() (bool, error), logOff int64, t0 time.Time, r *reload) error {
	for applied != nil {
		ok, err := applied()
		if err != nil {
			return err
		}
		if ok {
			r.took = time.Since(t0)
			break
		}
		if time.Since(t0) > p.applyMax {
			r.took = -1
			break
		}
		if err := d.alive(); err != nil {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
	from := time.Since(t0)
	q, err := d.waitQuiet(p, 10*time.Minute)
	if err != nil {
		return err
	}
	r.busy = from + q
	if applied == nil {
		r.took = r.busy
	}
	// The line may come after the CPU went quiet (the IPVS work waits on
	// the kernel) or long before: wait up to applyMax from here.
	for deadline := time.Now().Add(p.applyMax); time.Now().Before(deadline); {
		b, _ := os.ReadFile(d.log)
		if int64(len(b)) < logOff {
			break
		}
		if n, at, ok := appliedOps(b[logOff:]); ok {
			r.ops = n
			if at.Sub(t0) > r.took && r.took >= 0 {
				r.took = at.Sub(t0)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// untilDone waits for the done line in the log written after logOff and,
// when applied is given, for the change in the kernel; took is when the
// later of the two was seen, -1 when not both within p.applyMax, and
// kernel when the change was (0 without applied, -1 when not seen).
// keepalived's log stamps whole seconds, so the line counts when it is
// read: the log is polled every 20 ms, the kernel every 200 ms (each
// reading walks a netlink dump the daemon competes with).
func (d *daemon) untilDone(p params, applied func() (bool, error), done *regexp.Regexp, logOff int64, t0 time.Time) (took, kernel time.Duration, note string, err error) {
	var lineAt, kernAt time.Duration = -1, -1
	if applied == nil {
		kernAt = 0
	}
	var lastKern time.Time
	for {
		now := time.Since(t0)
		if lineAt < 0 {
			if b := logSince(d.log, logOff); done.Match(b) {
				lineAt = now
			}
		}
		if kernAt < 0 && time.Since(lastKern) >= 200*time.Millisecond {
			lastKern = time.Now()
			ok, err := applied()
			if err != nil {
				return -1, -1, "", err
			}
			if ok {
				kernAt = now
			}
		}
		if lineAt >= 0 && kernAt >= 0 {
			return max(lineAt, kernAt), kernAt, "", nil
		}
		if now > p.applyMax {
			return -1, kernAt, doneNote(done, lineAt, kernAt, applied != nil), nil
		}
		if err := d.alive(); err != nil {
			return -1, -1, "", err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// doneNote says what a reload that hit the cap had done by then.
func doneNote(done *regexp.Regexp, lineAt, kernAt time.Duration, change bool) string {
	line := fmt.Sprintf("no %q line", done.String())
	if lineAt >= 0 {
		line = fmt.Sprintf("%q after %.3f s", done.String(), lineAt.Seconds())
	}
	if !change {
		return line
	}
	if kernAt >= 0 {
		return line + fmt.Sprintf(", the change in the kernel after %.3f s", kernAt.Seconds())
	}
	return line + ", the change never in the kernel"
}

// logSince reads a log from off on.
func logSince(path string, off int64) []byte {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	b, _ := io.ReadAll(io.NewSectionReader(f, off, 1<<40))
	return b
}

// dest finds a real server of a service in the kernel.
func dest(svcAddr string, port int, addr string) (*ipvs.Destination, error) {
	h, err := ipvs.New("")
	if err != nil {
		return nil, err
	}
	defer h.Close()
	svc := &ipvs.Service{AddressFamily: syscall.AF_INET, Protocol: syscall.IPPROTO_TCP,
		Address: net.ParseIP(svcAddr).To4(), Port: uint16(port), Netmask: 0xffffffff}
	ds, err := h.GetDestinations(svc)
	if err != nil {
		return nil, fmt.Errorf("read %s:%d: %w", svcAddr, port, err)
	}
	for _, d := range ds {
		if d.Address.Equal(net.ParseIP(addr)) && int(d.Port) == port {
			return d, nil
		}
	}
	return nil, nil
}

// weightIs reports whether a real server has weight w in the kernel.
func weightIs(svcAddr string, port int, addr string, w int) func() (bool, error) {
	return func() (bool, error) {
		d, err := dest(svcAddr, port, addr)
		return d != nil && d.Weight == w, err
	}
}

// gone reports whether a real server left the kernel.
func gone(svcAddr string, port int, addr string) func() (bool, error) {
	return func() (bool, error) {
		d, err := dest(svcAddr, port, addr)
		return d == nil && err == nil, err
	}
}

func flush() error {
	h, err := ipvs.New("")
	if err != nil {
		return fmt.Errorf("ipvs: %w", err)
	}
	defer h.Close()
	return h.Flush()
}

func size(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
