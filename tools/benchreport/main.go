package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// result is what one source measured.
type result struct {
	rows  []Row
	plots []figure
}

// source is one benchmark: how to run it into a directory and how to read
// that directory back.
type source struct {
	name  string
	about string
	cheap bool // runs in under a minute without a VM
	// script and args run it; "{out}" in args is the output directory.
	script []string
	env    []string
	run    func(ctx context.Context, dir string, o *options) error // instead of script
	parse  func(dir string) (*result, error)
	// rowsOnly: parse reads only ROW lines; other sources get their ROW
	// lines added to what their parser read.
	rowsOnly bool
}

var sources = []source{
	{name: "failover", about: "client-visible failover, kill/term × v2 1 s, v3 100 ms, v3 10 ms (bench/failover.sh)",
		script: []string{"bench/failover.sh", "-out", "{out}"}, parse: parseFailover},
	{name: "conftest", about: "`-t` on 10,000 virtual servers × 10 real servers (bench/conftest.sh)", cheap: true,
		script: []string{"bench/conftest.sh"}, parse: parseConftest},
	{name: "ipvs", about: "IPVS initial apply and one-change reload in the VM (bench/ipvs-vm.sh)",
		script: []string{"bench/ipvs-vm.sh"}, parse: parseIPVS},
	{name: "check", about: "health-checker CPU in the VM, 3 alternating rounds (bench/check-vm.sh)",
		script: []string{"bench/check-vm.sh"}, env: []string{"CHECKBENCH_ROUNDS=3", "CHECKBENCH_HOST=0"}, parse: parseCheck},
	{name: "idle-rss", about: "idle RSS of one VRRP instance, govrrpd and keepalived (built in)", cheap: true,
		run: runIdleRSS, parse: parseRows, rowsOnly: true},
	{name: "scale", about: "4,080 and 255 VRRP instances per router (bench/scale.sh)",
		script: []string{"bench/scale.sh", "-out", "{out}"}, parse: parseScale},
	{name: "metrics", about: "adverts through the executor with metrics scraped against none (issue #13: ≤ 2 % CPU)", cheap: true,
		script: []string{"go", "test", "-count=1", "-run", "^$", "-bench", "ExecutorAdvertsMetrics", "-benchtime", "4x", "./internal/daemon"},
		parse:  parseRows, rowsOnly: true},
	{name: "console", about: "the web console's event stream: 50 clients on a 4,000-instance fake and on a real 4,080-instance govrrpd (issue #14: ≤ 5 % of a core; bench/console.sh)",
		script: []string{"bench/console.sh"}, parse: parseRows, rowsOnly: true},
	{name: "reliability", about: "the reliability suite's figures (make reliability: RESULT lines)",
		script: []string{"make", "reliability"}, parse: parseReliability, rowsOnly: true},
	{name: "reload", about: "SIGHUP on 10,000 virtual servers × 10 real servers in the VM, no change and one weight (bench/reload-vm.sh)",
		script: []string{"bench/reload-vm.sh"}, parse: parseRows, rowsOnly: true},
	{name: "bgp-flows", about: "connections kept when 1 of 3 active-active directors dies, IPVS mh + DR + sloppy_tcp against rr/wlc in the VM (bench/flows-vm.sh)",
		script: []string{"bench/flows-vm.sh"}, parse: parseRows, rowsOnly: true},
}

type options struct {
	rows    []string
	govrrpd string
	out     string // the markdown report
	from    string // read outputs from here instead of running
	keep    string // where run outputs go
	note    string // the run's conditions, for the report
}

func main() {
	var o options
	rows := flag.String("rows", "", "comma-separated sources to run (default all): "+names())
	flag.StringVar(&o.govrrpd, "govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary to measure (default: $GOVRRPD_BIN, else built)")
	flag.StringVar(&o.out, "o", "docs/benchmarks.md", "report `file`; plots go to a directory of the same name without .md")
	flag.StringVar(&o.from, "from", "", "read earlier outputs from `DIR`/SOURCE/ instead of running the benchmarks")
	flag.StringVar(&o.note, "note", "", "what to say in the report of the run's conditions (e.g. other work on the machine)")
	flag.StringVar(&o.keep, "keep", "", "keep the run's raw outputs in `DIR` (default: a temporary directory)")
	flag.Parse()
	if *rows != "" {
		o.rows = strings.Split(*rows, ",")
	}
	if err := run(context.Background(), &o, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "benchreport: %v\n", err)
		os.Exit(1)
	}
}

func names() string {
	var n []string
	for _, s := range sources {
		n = append(n, s.name)
	}
	return strings.Join(n, ",")
}

func selected(o *options) ([]source, error) {
	if len(o.rows) == 0 {
		return sources, nil
	}
	var out []source
	for _, name := range o.rows {
		i := slices.IndexFunc(sources, func(s source) bool { return s.name == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("no source %q (have %s)", name, names())
		}
		out = append(out, sources[i])
	}
	return out, nil
}

func run(ctx context.Context, o *options, log io.Writer) error {
	srcs, err := selected(o)
	if err != nil {
		return err
	}
	dir := o.from
	if dir == "" {
		if dir = o.keep; dir == "" {
			if dir, err = os.MkdirTemp("", "benchreport-"); err != nil {
				return err
			}
			defer os.RemoveAll(dir)
		}
		if err := ensureBinary(o, dir); err != nil {
			return err
		}
	}
	env, kept := machine(ctx), false
	env.note = o.note
	stopLoad := func() {}
	if o.from == "" {
		stopLoad = env.watchLoad(ctx)
	}
	if o.from != "" {
		// A redraw names the run's machine and date; outputs kept
		// before env.json existed get the redraw's, as before.
		if e, err := loadEnv(dir); err == nil {
			env, kept = e, true
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	for _, s := range sources {
		if !slices.ContainsFunc(srcs, func(x source) bool { return x.name == s.name }) {
			env.skipped = append(env.skipped, s.name)
		}
	}
	var results []sourceResult
	for _, s := range srcs {
		sd := filepath.Join(dir, s.name)
		if o.from == "" {
			fmt.Fprintf(log, "== %s: %s\n", s.name, s.about)
			if err := measureSource(ctx, s, sd, o, env.run); err != nil {
				return err
			}
		}
		if se, err := loadEnv(sd); err == nil {
			if l := rerun(env, s.name, se); l != "" {
				env.reruns = append(env.reruns, l)
			}
		}
		res, err := s.parse(sd)
		if extra, xerr := parseRows(sd); err == nil && !s.rowsOnly && xerr == nil {
			res.rows = append(res.rows, extra.rows...)
		}
		results = append(results, sourceResult{src: s, res: res, err: err})
	}
	stopLoad()
	if !kept {
		env.finish(ctx)
	}
	// A partial run leaves the full run's header in place: its sources
	// carry their own env.json and are listed as reruns.
	if o.from == "" && len(env.skipped) == 0 {
		if err := env.save(dir); err != nil {
			return err
		}
	}
	return writeReport(o.out, env, results)
}

// measureSource runs one source and keeps, beside its outputs, when and at
// which commit it ran, so that a report redrawn from outputs of several
// runs says which rows came later.
func measureSource(ctx context.Context, s source, sd string, o *options, run string) error {
	se := machine(ctx)
	se.run = run
	if err := runSource(ctx, s, sd, o); err != nil {
		slog.Warn("benchmark failed; its rows say so", "source", s.name, "err", err)
	}
	se.finish(ctx)
	if err := os.MkdirAll(sd, 0o755); err != nil {
		return err
	}
	return se.save(sd)
}

type sourceResult struct {
	src source
	res *result
	err error
}

// ensureBinary builds govrrpd when no binary was given, once for all
// sources, and exports it as GOVRRPD_BIN to the scripts.
func ensureBinary(o *options, dir string) error {
	if o.govrrpd == "" {
		// With its helpers beside it, where it finds them.
		o.govrrpd = filepath.Join(dir, "govrrpd")
		cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/...")
		// Static, as the Makefile and the .deb build it.
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build govrrpd: %w", err)
		}
	}
	abs, err := filepath.Abs(o.govrrpd)
	o.govrrpd = abs
	return err
}

// runSource runs one benchmark, its output teed to the terminal and to
// DIR/stdout.txt, which the parsers read.
func runSource(ctx context.Context, s source, dir string, o *options) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if s.run != nil {
		return s.run(ctx, dir, o)
	}
	out, err := os.Create(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return err
	}
	defer out.Close()
	args := make([]string, len(s.script))
	for i, a := range s.script {
		args[i] = strings.ReplaceAll(a, "{out}", dir)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Env = append(append(os.Environ(), "GOVRRPD_BIN="+o.govrrpd), s.env...)
	cmd.Stdout = io.MultiWriter(out, os.Stdout)
	cmd.Stderr = io.MultiWriter(out, os.Stderr)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// parseRows reads the common ROW lines of DIR/stdout.txt.
func parseRows(dir string) (*result, error) {
	b, err := os.ReadFile(filepath.Join(dir, "stdout.txt"))
	if err != nil {
		return nil, err
	}
	res := &result{}
	for i, l := range strings.Split(string(b), "\n") {
		r, ok, err := parseROW(filepath.Base(dir), l)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", filepath.Join(dir, "stdout.txt"), i+1, err)
		}
		if ok {
			res.rows = append(res.rows, r)
		}
	}
	if len(res.rows) == 0 {
		return nil, fmt.Errorf("no ROW lines in %s", filepath.Join(dir, "stdout.txt"))
	}
	return res, nil
}
