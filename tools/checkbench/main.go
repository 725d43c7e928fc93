package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

type options struct {
	n                   int
	duration, interval  time.Duration
	connectTimeout      time.Duration
	tolerance, startMax time.Duration
	impls               string
	rounds              int
	keepalived, govrrpd string
	workDir             string
	devLog              string
	showLog             int
	threads             bool
	strace              string
	straceD             time.Duration
	straceLines         int
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("checkbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.n, "n", 1000, "real servers (loopback listeners), each with a TCP_CHECK")
	fs.DurationVar(&o.duration, "d", 30*time.Second, "measurement window, after every target was checked once")
	fs.DurationVar(&o.interval, "interval", time.Second, "delay_loop")
	fs.DurationVar(&o.connectTimeout, "connect-timeout", time.Second, "TCP_CHECK connect_timeout")
	fs.DurationVar(&o.tolerance, "tolerance", 100*time.Millisecond, "a check may come this much after interval and still be on time")
	fs.DurationVar(&o.startMax, "start-max", 5*time.Minute, "limit for the first round of checks (includes loading the IPVS table)")
	fs.StringVar(&o.impls, "impl", "keepalived,govrrpd", "implementations, in the order run; govrrpd@K=V;K2=V2 adds environment variables")
	fs.IntVar(&o.rounds, "rounds", 1, "repeat the implementations this often, alternating")
	fs.StringVar(&o.keepalived, "keepalived", "keepalived", "keepalived binary")
	fs.StringVar(&o.govrrpd, "govrrpd", "govrrpd", "govrrpd binary")
	fs.StringVar(&o.workDir, "workdir", "", "config, pid files and daemon logs (default a new temporary directory)")
	fs.StringVar(&o.devLog, "devlog", "", "syslog socket to provide (and discard) when missing; bench/check-vm.sh passes /dev/log")
	fs.IntVar(&o.showLog, "show-log", 0, "print the last lines of each daemon's log to stderr after its run")
	fs.BoolVar(&o.threads, "threads", false, "print each daemon thread's CPU, context switches and run slices over the window")
	fs.StringVar(&o.strace, "strace", "", "strace binary: after each window, count the daemon's system calls and print a short trace")
	fs.DurationVar(&o.straceD, "strace-d", 5*time.Second, "how long each strace attaches")
	fs.IntVar(&o.straceLines, "strace-lines", 150, "lines of the short trace to print")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	rows, err := bench(o, log)
	printTable(stdout, o, rows)
	if err != nil {
		fmt.Fprintf(stderr, "checkbench: %v\n", err)
		return 1
	}
	return 0
}

func bench(o options, log *slog.Logger) ([]result, error) {
	if o.n <= 0 || o.n > 200000 || o.interval <= 0 || o.duration < o.interval || o.rounds <= 0 {
		return nil, errors.New("need 0 < n <= 200000, 0 < interval <= d, rounds > 0")
	}
	dir := o.workDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "checkbench"); err != nil {
			return nil, err
		}
		log.Info("config, pid files and daemon logs are kept", "dir", dir)
	}
	raiseNoFile(uint64(4*o.n + 4096))
	if o.devLog != "" {
		stopSyslog, err := syslogSink(o.devLog)
		if err != nil {
			return nil, fmt.Errorf("syslog sink: %w", err)
		}
		defer stopSyslog()
	}
	ts := targets(o.n)
	conf := filepath.Join(dir, "keepalived.conf")
	cf, err := os.Create(conf)
	if err != nil {
		return nil, err
	}
	err = writeConf(cf, ts, o.interval, o.connectTimeout)
	if cerr := cf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", conf, err)
	}
	impls, err := implementations(o, conf, dir)
	if err != nil {
		return nil, err
	}
	p := params{targets: ts, interval: o.interval, duration: o.duration, tolerance: o.tolerance,
		startMax: o.startMax, procDir: "/proc", ipvsFile: "/proc/net/ip_vs", logDir: dir,
		diag: diagnostics{out: os.Stdout, threads: o.threads, strace: o.strace, straceD: o.straceD, straceLines: o.straceLines}}
	var rows []result
	for r := 0; r < o.rounds; r++ {
		for _, im := range impls {
			if left := leftoverDests(p.ipvsFile); left > 0 {
				return rows, fmt.Errorf("before %s: %d IPVS destinations left by the previous run", im.name, left)
			}
			res, err := measure(im, p, log)
			if o.showLog > 0 {
				showLog(log, filepath.Join(dir, im.name+".log"), o.showLog)
			}
			if err != nil {
				return rows, err
			}
			log.Info("measured", "impl", im.name, "round", r+1, "cpu_s", res.cpu, "windows_on_time_pct", res.ot.windowPct())
			rows = append(rows, res)
		}
	}
	return rows, nil
}

func implementations(o options, conf, dir string) ([]impl, error) {
	var out []impl
	for _, name := range strings.Split(o.impls, ",") {
		// "govrrpd@GOMAXPROCS=1;GOGC=200" runs govrrpd with that
		// environment, so variants compare in one VM boot.
		base, envs, _ := strings.Cut(name, "@")
		var env []string
		if envs != "" {
			env = strings.Split(envs, ";")
		}
		pidName := strings.NewReplacer("@", "-", ";", "-", "=", "").Replace(name)
		pid := func(s string) string { return filepath.Join(dir, pidName+s+".pid") }
		switch base {
		case "keepalived":
			bin, err := exec.LookPath(o.keepalived)
			if err != nil {
				return nil, err
			}
			out = append(out, impl{name: name, argv: []string{bin, "-n", "-l", "-C", "-f", conf,
				"-p", pid(""), "-c", pid("-checkers"), "-r", pid("-vrrp")}})
		case "govrrpd":
			bin, err := exec.LookPath(o.govrrpd)
			if err != nil {
				return nil, err
			}
			out = append(out, impl{name: name, env: env, argv: []string{bin, "-n", "-l", "-C", "-f", conf,
				"-p", pid(""), "-c", pid("-checkers")}})
		default:
			return nil, fmt.Errorf("unknown implementation %q (keepalived, govrrpd)", name)
		}
	}
	return out, nil
}

func leftoverDests(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	_, d := lab.IPVSCounts(b)
	return d
}

// raiseNoFile lifts the descriptor limit the daemons inherit: the VM's
// init leaves the kernel default hard limit of 4096, below one socket per
// target at N=10,000. Both implementations get the same limit.
func raiseNoFile(n uint64) {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) != nil || rl.Cur >= n {
		return
	}
	rl.Cur = n
	rl.Max = max(rl.Max, n) // root only; otherwise the daemons run with what there is
	_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
}

func printTable(w io.Writer, o options, rows []result) {
	fmt.Fprintf(w, "checkbench: %d CPUs, kernel %s, load average %s (inside the machine that ran it)\n",
		runtime.NumCPU(), firstLine("/proc/sys/kernel/osrelease"), loadavg())
	fmt.Fprintf(w, "%6s %8s %8s %-10s %7s %9s %12s %10s %10s %8s %9s %9s %9s %6s %9s\n",
		"N", "interval", "duration", "impl", "CPU s", "CPU ratio", "peak RSS MiB", "%win ok", "%gaps ok",
		"checks/s", "max gap", "start CPU", "1st round", "procs", "IPVS dst")
	var ref float64
	for _, r := range rows {
		if r.impl == "keepalived" {
			ref = r.cpu
		}
		ratio := "-"
		if ref > 0 {
			ratio = fmt.Sprintf("%.2f", r.cpu/ref)
		}
		dst := "-"
		if r.dests >= 0 {
			dst = fmt.Sprint(r.dests)
		}
		fmt.Fprintf(w, "%6d %8v %8v %-10s %7.2f %9s %12.1f %10.2f %10.2f %8.0f %9v %9.2f %9v %6d %9s\n",
			o.n, o.interval, o.duration, r.impl, r.cpu, ratio, float64(r.hwmKiB)/1024,
			r.ot.windowPct(), r.ot.gapPct(), float64(r.ot.Checks)/o.duration.Seconds(),
			r.ot.MaxGap.Round(time.Millisecond), r.startCPU, r.firstRound.Round(100*time.Millisecond), r.procs, dst)
	}
	summarize(w, rows)
	fmt.Fprintf(w, "%%win ok = target x %v windows with a check; %%gaps ok = gaps between checks <= interval + %v; "+
		"start CPU = CPU before the window (config, IPVS load, first round); 1st round = exec until every target was checked; "+
		"CPU ratio = / keepalived's\n",
		o.interval, o.tolerance)
}

func firstLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	s, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(s)
}

func loadavg() string {
	f := strings.Fields(firstLine("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// showLog prints a daemon log's line count and last lines: the VM's /tmp
// is gone once it powers off.
func showLog(log *slog.Logger, path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	log.Info("daemon log", "path", path, "lines", len(lines))
	for _, l := range lines[max(0, len(lines)-n):] {
		fmt.Fprintf(os.Stderr, "  | %s\n", l)
	}
}

// summarize adds, when an implementation ran more than once, its mean over
// the rounds and the ratio of CPU sums: VM CPU figures swing with the host's
// load, and alternating rounds spread that over both daemons.
func summarize(w io.Writer, rows []result) {
	type agg struct {
		n              int
		cpu, win, gaps float64
		hwm            int64
	}
	by := map[string]*agg{}
	var order []string
	for _, r := range rows {
		a := by[r.impl]
		if a == nil {
			a = &agg{}
			by[r.impl] = a
			order = append(order, r.impl)
		}
		a.n++
		a.cpu += r.cpu
		a.win += r.ot.windowPct()
		a.gaps += r.ot.gapPct()
		a.hwm = max(a.hwm, r.hwmKiB)
	}
	ref := by["keepalived"]
	for _, name := range order {
		a := by[name]
		if a.n < 2 {
			continue
		}
		ratio := "-"
		if ref != nil && ref.cpu > 0 {
			ratio = fmt.Sprintf("%.2f", a.cpu/ref.cpu)
		}
		fmt.Fprintf(w, "mean of %d rounds: %-10s CPU %.2f s, CPU ratio (sums) %s, peak RSS %.1f MiB, %%win ok %.2f, %%gaps ok %.2f\n",
			a.n, name, a.cpu/float64(a.n), ratio, float64(a.hwm)/1024, a.win/float64(a.n), a.gaps/float64(a.n))
	}
}
