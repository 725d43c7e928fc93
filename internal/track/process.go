package track

import (
	"bytes"
	"os"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

// defaultProcScan is how often /proc is scanned for vrrp_track_process.
// keepalived learns of forks and exits from the kernel proc connector;
// govrrpd scans instead, so a process that starts or dies is noticed within
// this period (plus fork_delay/terminate_delay, which are checked on every
// scan and so also have this resolution).
const defaultProcScan = 100 * time.Millisecond

// paramMode is how a process's parameters are compared with the configured
// ones.
type paramMode uint8

const (
	paramAny     paramMode = iota // no parameters configured: any match
	paramExact                    // the parameters are exactly these
	paramPartial                  // the first parameters are these, whole words
	paramInitial                  // as partial, but the last configured one may be a prefix
)

// procMatcher decides whether one process counts for a tracker. It follows
// keepalived's code: without full_command the name is compared with
// /proc/PID/comm (at most 15 bytes, so a longer name never matches there);
// with it, with parameters or with param_match, with argv[0] of
// /proc/PID/cmdline. Note that keepalived's man page describes "initial"
// and "partial" the other way round from what its code does; the code is
// what users' configs were tested against, so that is what is done here.
type procMatcher struct {
	name   string
	params []string
	mode   paramMode
	full   bool
}

func newProcMatcher(pt vrrp.ProcessTracker) procMatcher {
	m := procMatcher{name: pt.Process, params: pt.Params, full: pt.FullCommand}
	switch {
	case pt.ParamMatch == "initial":
		m.mode = paramInitial
	case pt.ParamMatch == "partial":
		m.mode = paramPartial
	case len(pt.Params) > 0:
		m.mode = paramExact
	}
	if len(pt.Params) > 0 || pt.ParamMatch != "" {
		m.full = true
	}
	return m
}

func (m *procMatcher) match(comm string, argv []string) bool {
	if m.full {
		if len(argv) == 0 || argv[0] != m.name {
			return false
		}
	} else if comm != m.name {
		return false
	}
	if m.mode == paramAny {
		return true
	}
	var args []string
	if len(argv) > 0 {
		args = argv[1:]
	}
	np := len(m.params)
	switch m.mode {
	case paramExact:
		return slicesEqual(args, m.params)
	case paramPartial:
		return len(args) >= np && slicesEqual(args[:np], m.params)
	}
	if np == 0 {
		return true
	}
	return len(args) >= np && slicesEqual(args[:np-1], m.params[:np-1]) &&
		strings.HasPrefix(args[np-1], m.params[np-1])
}

// procTable counts, for each matcher, the live processes that match.
type procTable struct {
	matchers    []procMatcher
	needComm    bool
	needCmdline bool
	// cmdlineMax is how much of a cmdline can decide a match: the longest
	// configured name and parameters plus one byte to see that a longer
	// command line does not match exactly. Reading no more keeps a scan
	// cheap however long other processes' command lines are.
	cmdlineMax int
	buf        []byte
	path       []byte
}

func newProcTable(ms []procMatcher) *procTable {
	t := &procTable{matchers: ms, buf: make([]byte, 512), path: make([]byte, 0, 32)}
	for _, m := range ms {
		if !m.full {
			t.needComm = true
			continue
		}
		t.needCmdline = true
		n := len(m.name) + 1
		for _, p := range m.params {
			n += len(p) + 1
		}
		t.cmdlineMax = max(t.cmdlineMax, n+1)
	}
	return t
}

// scan reads /proc once. Zombies are not counted: they have exited.
func (t *procTable) scan(counts []int) error {
	clear(counts)
	d, err := os.Open("/proc")
	if err != nil {
		return err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, n := range names {
		if n[0] < '1' || n[0] > '9' {
			continue
		}
		comm, zombie, ok := "", false, true
		if t.needComm {
			comm, zombie, ok = t.readStat(n)
			if !ok || zombie {
				continue
			}
		}
		var argv []string
		if t.needCmdline {
			argv = t.readCmdline(n)
		}
		for i := range t.matchers {
			if t.matchers[i].match(comm, argv) {
				counts[i]++
			}
		}
	}
	return nil
}

// readStat returns the comm and zombie state from /proc/PID/stat.
func (t *procTable) readStat(pid string) (string, bool, bool) {
	b, ok := t.read(pid, "/stat", 256)
	if !ok {
		return "", false, false
	}
	return parseStat(b)
}

// parseStat reads comm and the zombie state from a /proc/PID/stat line.
// comm is taken up to the last ')' because it may itself contain one.
func parseStat(b []byte) (comm string, zombie, ok bool) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open || end+2 >= len(b) {
		return "", false, false
	}
	return string(b[open+1 : end]), b[end+2] == 'Z', true
}

// readCmdline splits /proc/PID/cmdline at its NULs; kernel threads and
// zombies have an empty one.
func (t *procTable) readCmdline(pid string) []string {
	b, ok := t.read(pid, "/cmdline", t.cmdlineMax)
	if !ok {
		return nil
	}
	return splitCmdline(b)
}

// splitCmdline splits a /proc/PID/cmdline at its NULs.
func splitCmdline(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	b = bytes.TrimSuffix(b, []byte{0})
	return strings.Split(string(b), "\x00")
}

// read reads at most limit bytes of /proc/PID/FILE with plain system
// calls: a scan does this for every process, so no os.File per read.
func (t *procTable) read(pid, file string, limit int) ([]byte, bool) {
	t.path = append(append(append(t.path[:0], "/proc/"...), pid...), file...)
	fd, err := unix.Open(string(t.path), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(fd)
	if cap(t.buf) < limit {
		t.buf = make([]byte, limit)
	}
	buf := t.buf[:limit]
	n := 0
	for n < limit {
		m, err := unix.Read(fd, buf[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || m <= 0 {
			break
		}
		n += m
	}
	return buf[:n], true
}

// procWatcher scans /proc periodically and feeds each tracker's quorum.
type procWatcher struct {
	p        *Probes
	trackers []vrrp.ProcessTracker
	states   []quorum
	table    *procTable
	quit     chan struct{}
	done     chan struct{}
}

func (p *Probes) startProcs(list []vrrp.ProcessTracker, carry map[string]quorum) {
	p.procs = nil
	if len(list) == 0 {
		return
	}
	w := &procWatcher{p: p, trackers: list, quit: make(chan struct{}), done: make(chan struct{})}
	ms := make([]procMatcher, len(list))
	for i, pt := range list {
		ms[i] = newProcMatcher(pt)
		if q, ok := carry[pt.Name]; ok {
			w.states = append(w.states, q)
		} else {
			w.states = append(w.states, newQuorum(pt))
		}
		if !ms[i].full && len(pt.Process) > 15 {
			p.log().Warn("vrrp_track_process: a process name is at most 15 bytes; use full_command",
				"name", pt.Name, "process", pt.Process)
		}
	}
	w.table = newProcTable(ms)
	p.procs = w
	go w.run(p.procScan)
}

func (w *procWatcher) run(period time.Duration) {
	defer close(w.done)
	if period <= 0 {
		period = defaultProcScan
	}
	counts := make([]int, len(w.trackers))
	tick := time.NewTicker(period)
	defer tick.Stop()
	failing := false
	for {
		if err := w.table.scan(counts); err != nil {
			if !failing {
				w.p.log().Warn("vrrp_track_process: cannot scan /proc", "err", err)
			}
			failing = true
		} else {
			failing = false
			w.apply(time.Now(), counts)
		}
		select {
		case <-w.quit:
			return
		case <-tick.C:
		}
	}
}

func (w *procWatcher) apply(now time.Time, counts []int) {
	for i := range w.trackers {
		if w.states[i].observe(now, counts[i]) {
			up := w.states[i].up
			w.p.log().Info("vrrp_track_process state", "name", w.trackers[i].Name, "processes", counts[i], "up", up)
			w.p.emit(Result{Kind: vrrp.TrackKindProcess, Name: w.trackers[i].Name, Up: up})
		}
	}
}

// stop ends the watcher and returns each tracker's state for a reload.
func (w *procWatcher) stop() map[string]quorum {
	close(w.quit)
	<-w.done
	out := map[string]quorum{}
	for i, pt := range w.trackers {
		out[pt.Name] = w.states[i]
	}
	return out
}
