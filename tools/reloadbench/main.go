package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Targets, issue #16: a reload that changes nothing is over within 0.3 s,
// and any reload takes at most a quarter of keepalived's time.
const (
	targetNone  = 300 * time.Millisecond
	targetRatio = 0.25
)

func main() {
	vs := flag.Int("vs", 10000, "virtual servers")
	rs := flag.Int("rs", 10, "real servers per virtual server")
	delayLoop := flag.Int("delay-loop", 86400, "delay_loop of every virtual server, seconds")
	impls := flag.String("impl", "govrrpd,keepalived", "implementations, in the order they run")
	gov := flag.String("govrrpd", "/bin/govrrpd", "govrrpd binary")
	ka := flag.String("keepalived", "/sbin/keepalived", "keepalived binary")
	workdir := flag.String("workdir", "/tmp", "where configurations and logs go")
	startMax := flag.Duration("start-max", 20*time.Minute, "how long a daemon may take to fill the table")
	window := flag.Duration("window", 500*time.Millisecond, "quiet: this long with at most -quiet-ticks clock ticks of CPU")
	quietTicks := flag.Int64("quiet-ticks", 5, "clock ticks (10 ms) allowed in a quiet window")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(os.Stdout, log, *vs, *rs, *delayLoop, strings.Split(*impls, ","), map[string][]string{
		"govrrpd":    {*gov, "-n", "-l", "-G", "-C"},
		"keepalived": {*ka, "-n", "-l", "-G", "-C"},
	}, params{workdir: *workdir, startMax: *startMax, window: *window, quietTick: *quietTicks, log: log}); err != nil {
		fmt.Fprintf(os.Stderr, "reloadbench: %v\n", err)
		os.Exit(1)
	}
}

func run(out io.Writer, log *slog.Logger, vs, rs, delayLoop int, names []string, argv map[string][]string, p params) error {
	var conf bytes.Buffer
	if err := genConf(&conf, vs, rs, delayLoop); err != nil {
		return err
	}
	p.conf, p.services, p.dests = conf.Bytes(), vs, vs*rs
	stop, err := realServers(1024, 1024+(vs-1)/250)
	if err != nil {
		return err
	}
	defer stop()
	lines := bytes.Count(p.conf, []byte("\n"))
	fmt.Fprintf(out, "reloadbench: SIGHUP on %d lines (%d bytes): %d virtual_servers x %d real_servers, TCP_CHECK, delay_loop %d\n",
		lines, len(p.conf), vs, rs, delayLoop)
	var res []result
	for _, name := range names {
		a, ok := argv[name]
		if !ok {
			return fmt.Errorf("no implementation %q", name)
		}
		r, err := measure(impl{name, a}, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%-10s start %8.3f s  table %d/%d  no change: %7.3f s (busy %7.3f s) ops %s entries %d  one weight: %7.3f s (busy %7.3f s) ops %s entries %d\n",
			r.impl, r.start.Seconds(), r.services, r.dests, r.none.took.Seconds(), r.none.busy.Seconds(), opsText(r.none.ops), r.none.changed,
			r.one.took.Seconds(), r.one.busy.Seconds(), opsText(r.one.ops), r.one.changed)
		for _, rl := range []reload{r.none, r.one} {
			fmt.Fprintf(out, "  %s SIGHUP at %s; its log:\n", r.impl, rl.at.UTC().Format("15:04:05.000"))
			for _, l := range rl.lines {
				fmt.Fprintf(out, "    %s\n", l)
			}
		}
		res = append(res, r)
	}
	rows(out, res, lines)
	return nil
}

func opsText(n int) string {
	if n < 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

// rows prints benchreport's ROW lines: govrrpd's figure, keepalived's, the
// ratio and the verdict.
func rows(out io.Writer, res []result, lines int) {
	var g, k *result
	for i := range res {
		switch res[i].impl {
		case "govrrpd":
			g = &res[i]
		case "keepalived":
			k = &res[i]
		}
	}
	if g == nil {
		return
	}
	ka := func(f func(r *result) time.Duration) (string, float64) {
		if k == nil {
			return "– (not run)", math.NaN()
		}
		return fmt.Sprintf("%.3f s", f(k).Seconds()), f(g).Seconds() / f(k).Seconds()
	}
	scale := fmt.Sprintf("%d lines", lines)
	none := func(r *result) time.Duration { return r.none.took }
	kn, rn := ka(none)
	row(out, fmt.Sprintf("SIGHUP, no change, until quiet (%s)", scale), fmt.Sprintf("%.3f s", g.none.took.Seconds()), kn, rn,
		"≤ 0.3 s and ≤ 0.25×", g.none.took <= targetNone && !(rn > targetRatio))
	one := func(r *result) time.Duration { return r.one.took }
	ko, ro := ka(one)
	row(out, fmt.Sprintf("SIGHUP, one weight changed, until in the kernel (%s)", scale), fmt.Sprintf("%.3f s", g.one.took.Seconds()), ko, ro,
		"≤ 0.25×", !math.IsNaN(ro) && ro <= targetRatio)
	kops := "– (not run)"
	if k != nil {
		kops = fmt.Sprintf("– (table lines changed %d / %d)", k.none.changed, k.one.changed)
	}
	fmt.Fprintf(out, "ROW group=reload name=\"IPVS operations on reload, no change / one weight\" govrrpd=\"%s / %s\" keepalived=%q target=\"0 / 1\" verdict=%s\n",
		opsText(g.none.ops), opsText(g.one.ops), kops, verdict(g.none.ops == 0 && g.one.ops == 1))
}

func row(out io.Writer, name, gov, ka string, ratio float64, target string, pass bool) {
	r := ""
	if !math.IsNaN(ratio) {
		r = fmt.Sprintf(" ratio=%.3f", ratio)
	}
	fmt.Fprintf(out, "ROW group=reload name=%q govrrpd=%q keepalived=%q%s target=%q verdict=%s\n", name, gov, ka, r, target, verdict(pass))
}

func verdict(pass bool) string {
	if pass {
		return "pass"
	}
	return "miss"
}

// realServers makes every real server's TCP_CHECK succeed: the real
// servers' network is local to the VM and a listener on each port accepts
// and closes. A failing check would remove its real server, an IPVS
// operation nobody asked for in the middle of a timed reload.
func realServers(from, to int) (func(), error) {
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return nil, err
	}
	dst := netip.MustParsePrefix("198.51.100.0/24")
	route := &netlink.Route{LinkIndex: lo.Attrs().Index, Dst: &net.IPNet{IP: dst.Addr().AsSlice(), Mask: net.CIDRMask(24, 32)},
		Type: unix.RTN_LOCAL, Table: unix.RT_TABLE_LOCAL, Scope: netlink.SCOPE_HOST}
	if err := netlink.RouteReplace(route); err != nil {
		return nil, fmt.Errorf("local route for %s: %w", dst, err)
	}
	var lns []net.Listener
	stop := func() {
		for _, l := range lns {
			l.Close()
		}
	}
	for port := from; port <= to; port++ {
		l, err := net.Listen("tcp4", fmt.Sprintf(":%d", port))
		if err != nil {
			stop()
			return nil, err
		}
		lns = append(lns, l)
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				c.Close()
			}
		}()
	}
	return stop, nil
}
