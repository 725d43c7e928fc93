package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	bin := flag.String("govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary (default $GOVRRPD_BIN)")
	ka := flag.String("keepalived", "keepalived", "keepalived binary (\"\" to measure govrrpd alone)")
	layouts := flag.String("layouts", "16x255,1x255", "comma-separated LINKSxVRIDS layouts; targets apply to 16x255")
	settle := flag.Duration("settle", 40*time.Second, "time from start to the CPU window (convergence is awaited this long)")
	window := flag.Duration("window", 30*time.Second, "CPU measurement window")
	poll := flag.Duration("poll", 10*time.Millisecond, "VIP count poll interval while converging")
	out := flag.String("out", "", "directory for configurations, daemon logs and results.tsv (default: a new temp dir)")
	console := flag.Int("console", 0, "after govrrpd's window, open this many web-console event streams on r1 and measure the CPU they add (issue #14: 50)")
	flag.Parse()
	tm := timing{settle: *settle, window: *window, poll: *poll, stopGrace: 30 * time.Second, console: *console}
	if err := run(*bin, *ka, *layouts, *out, tm); err != nil {
		fmt.Fprintln(os.Stderr, "scalebench:", err)
		os.Exit(1)
	}
}

func parseLayouts(s string) ([]layout, error) {
	var out []layout
	for _, f := range strings.Split(s, ",") {
		a, b, ok := strings.Cut(strings.TrimSpace(f), "x")
		links, err1 := strconv.Atoi(a)
		vrids, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || links < 1 || links > 250 || vrids < 1 || vrids > 255 {
			return nil, fmt.Errorf("layout %q: want LINKSxVRIDS, links 1..250, vrids 1..255", f)
		}
		out = append(out, layout{Links: links, VRIDs: vrids})
	}
	return out, nil
}

func run(bin, ka, layoutSpec, out string, tm timing) error {
	if os.Geteuid() != 0 {
		return errors.New("needs root for network namespaces (sudo make bench)")
	}
	if bin == "" {
		return errors.New("no govrrpd binary: set GOVRRPD_BIN or -govrrpd")
	}
	ls, err := parseLayouts(layoutSpec)
	if err != nil {
		return err
	}
	impls := [][2]string{{"govrrpd", bin}}
	if ka != "" {
		if _, err := exec.LookPath(ka); err != nil {
			fmt.Println("keepalived not installed: measuring govrrpd alone (apt-get install keepalived)")
		} else {
			impls = append(impls, [2]string{"keepalived", ka})
		}
	}
	if out == "" {
		if out, err = os.MkdirTemp("", "scalebench-"); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Printf("scale benchmark: settle %v, window %v, load average %s, logs in %s\n", tm.settle, tm.window, loadAvg(), out)
	var all []result
	for _, l := range ls {
		got, err := runLayout(ctx, l, impls, tm, out)
		all = append(all, got...)
		if err != nil {
			return err
		}
		var gv, kr *result
		for i := range got {
			switch got[i].Impl {
			case "govrrpd":
				gv = &got[i]
			case "keepalived":
				kr = &got[i]
			}
		}
		report(os.Stdout, gv, kr, l == layout{16, 255})
		if gv != nil && gv.Console != nil {
			reportConsole(os.Stdout, gv.Console)
		}
	}
	f, err := os.Create(filepath.Join(out, "results.tsv"))
	if err != nil {
		return err
	}
	defer f.Close()
	writeTSV(f, all)
	return nil
}

// runLayout builds the links for l and measures each implementation in
// turn on them.
func runLayout(ctx context.Context, l layout, impls [][2]string, tm timing, out string) ([]result, error) {
	t, err := newTopo(l.Links)
	if err != nil {
		return nil, err
	}
	defer t.close()
	var res []result
	for _, im := range impls {
		dir := filepath.Join(out, l.String(), im[0])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return res, err
		}
		fmt.Printf("%s %s: starting on %s and %s\n", l, im[0], t.ns[0], t.ns[1])
		r := measure(ctx, t, im[0], im[1], l, tm, dir)
		res = append(res, r)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	return res, nil
}
