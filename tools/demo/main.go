package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

const (
	port         = 8080
	dialEvery    = 10 * time.Millisecond
	dialTimeout  = 100 * time.Millisecond
	lateAnswer   = 50 * time.Millisecond
	steadyWindow = 300 * time.Millisecond
)

var prios = []int{150, 100, 50}

func main() {
	bin := flag.String("govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary (default $GOVRRPD_BIN)")
	conf := flag.String("f", "examples/keepalived.conf", "keepalived.conf to run (adjusted to the lab)")
	keep := flag.Bool("keep-logs", false, "keep the daemons' logs")
	flag.Parse()
	if err := lab.Supported(); err != nil {
		fmt.Fprintf(os.Stderr, "demo: %v.\nRun it as root (sudo make demo): it builds network namespaces and runs govrrpd in them.\n", err)
		os.Exit(2)
	}
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "demo: no govrrpd binary: set GOVRRPD_BIN or -govrrpd (make demo does)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := run(ctx, *bin, *conf, *keep)
	if errors.Is(err, context.Canceled) {
		fmt.Println("\ninterrupted; the lab is cleaned up")
		os.Exit(130)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// row is one line of the closing table.
type row struct{ what, value string }

// run is the demo; it returns the lab's ID so a test can check it is gone.
func run(ctx context.Context, bin, confPath string, keep bool) (labID string, err error) {
	dc, err := loadDemoConf(confPath)
	if err != nil {
		return labID, err
	}
	dir, err := os.MkdirTemp("", "govrrpd-demo-")
	if err != nil {
		return labID, err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	step("configuration: %s — instance %s, VIP %s, advert_int %v; priorities r1 %d, r2 %d, r3 %d",
		dc.Source, dc.Instance, dc.VIP, dc.Advert, prios[0], prios[1], prios[2])
	if dc.Moved.IsValid() {
		step("the configured VIP %s is a lab host's address here; the demo uses %s instead", dc.Moved, dc.VIP.Addr())
	}
	l, err := lab.New(lab.Config{Routers: 3, Client: true})
	if err != nil {
		return labID, err
	}
	labID = l.ID
	defer func() {
		if err := l.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "demo: cleanup:", err)
			return
		}
		step("cleaned up: processes stopped, namespaces %s-* removed", l.ID)
	}()
	step("lab %s: r1 192.0.2.11, r2 192.0.2.12, r3 192.0.2.13, client 192.0.2.100 on one bridge", l.ID)
	w, err := l.WatchAddrs()
	if err != nil {
		return labID, err
	}
	defer w.Close()
	for _, h := range l.Routers {
		ln, err := serve(h, port)
		if err != nil {
			return labID, err
		}
		defer ln.Close()
	}
	d := &demo{ctx: ctx, l: l, w: w, dc: dc, bin: bin, dir: dir, procs: make([]*lab.Proc, 3)}
	rows, err := d.script()
	if d.cl != nil {
		d.cl.stop()
	}
	if err != nil {
		if keep || ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "daemon logs: %s\n", dir)
		}
		return labID, err
	}
	fmt.Println()
	fmt.Println("  ┌──────────────────────────────────────────────┬──────────────────────┐")
	for _, r := range rows {
		fmt.Printf("  │ %-44s │ %-20s │\n", r.what, r.value)
	}
	fmt.Println("  └──────────────────────────────────────────────┴──────────────────────┘")
	if keep {
		fmt.Println("daemon logs:", dir)
	}
	return labID, nil
}

func step(format string, args ...any) {
	fmt.Printf("%s  %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, args...))
}

func (d *demo) start(i int) error {
	h := d.l.Routers[i]
	path := filepath.Join(d.dir, h.Name+".conf")
	if err := os.WriteFile(path, []byte(d.dc.forRouter(prios[i])), 0o644); err != nil {
		return err
	}
	run := filepath.Join(d.dir, fmt.Sprintf("%s-%d", h.Name, time.Now().UnixNano()))
	p, err := h.Start(run+".log", d.bin, "-n", "-l", "-D", "-G", "-P", "-f", path,
		"-p", run+".pid", "-r", run+"-vrrp.pid", "-c", run+"-check.pid", "-b", run+"-bfd.pid")
	if err != nil {
		return err
	}
	d.procs[i] = p
	return nil
}
