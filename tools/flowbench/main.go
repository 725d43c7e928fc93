package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// kase is one run: the scheduler every director uses and whether the
// directors accept mid-flow packets (net.ipv4.vs.sloppy_tcp).
type kase struct {
	name   string
	sched  string
	sloppy bool
	// flap: real server 1 fails director 2's check and comes back before
	// the flows open; inhibit: the virtual server has inhibit_on_failure
	// and mh-fallback.
	flap, inhibit bool
}

var allCases = map[string]kase{
	"mh":              {name: "mh", sched: "mh", sloppy: true},
	"rr":              {name: "rr", sched: "rr", sloppy: true},
	"wlc":             {name: "wlc", sched: "wlc", sloppy: true},
	"mh-nosloppy":     {name: "mh, sloppy_tcp=0", sched: "mh"},
	"mh-flap":         {name: "mh, rs1 flapped", sched: "mh", sloppy: true, flap: true},
	"mh-flap-inhibit": {name: "mh+inhibit, rs1 flapped", sched: "mh", sloppy: true, flap: true, inhibit: true},
}

// outcome is what one case measured.
type outcome struct {
	kase
	conns                int
	before               []int // flows per director
	perReal              map[string]int
	kept, same           int // answered after the death; by the same real server
	lostDead, lostSurv   int // broken: the dead director's flows, the survivors'
	movedSurv            int // survivors' flows the router's rehash moved to the other survivor
	keptMovedSurv        int // ... of which still answered
	failures             map[string]int
	lostBy               []int
	orders               []string // each director's real servers in the kernel's order, before the flows
	ordersEqual          bool     // ... the same on every director (the same Maglev table)
	askedBack, keptBack  int      // after d4 joined: connections still open, answered by their real server
	dirKnown, afterKnown int
}

func main() {
	conns := flag.Int("conns", 300, "client connections")
	cases := flag.String("cases", "mh,rr,mh-nosloppy", "cases to run, in order: mh, rr, wlc, mh-nosloppy, mh-flap, mh-flap-inhibit")
	gov := flag.String("govrrpd", "/bin/govrrpd", "govrrpd binary, run in each director's namespace")
	workdir := flag.String("workdir", "/tmp", "where the directors' configurations and logs go")
	timeout := flag.Duration("timeout", 20*time.Second, "how long one request may wait for its answer")
	flag.Parse()
	// Each connection is two descriptors here (client and real server):
	// more than the 4,096 a process gets by default.
	lim := &unix.Rlimit{Cur: uint64(4*(*conns) + 1024), Max: uint64(4*(*conns) + 1024)}
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, lim); err != nil {
		fmt.Fprintf(os.Stderr, "flowbench: RLIMIT_NOFILE %d: %v\n", lim.Cur, err)
	}
	var out []outcome
	for _, name := range strings.Split(*cases, ",") {
		k, ok := allCases[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "flowbench: no case %q\n", name)
			os.Exit(2)
		}
		o, err := runCase(k, *conns, *gov, filepath.Join(*workdir, strings.NewReplacer(" ", "", ",", "-", "=", "").Replace(k.name)), *timeout)
		if err != nil {
			fmt.Fprintf(os.Stderr, "flowbench: %s: %v\n", k.name, err)
			os.Exit(1)
		}
		out = append(out, o)
	}
	report(os.Stdout, out)
}

// runCase wires a fresh topology, starts the directors, opens the flows,
// kills director 1 and asks every flow once more.
func runCase(k kase, n int, gov, dir string, timeout time.Duration) (o outcome, err error) {
	o = outcome{kase: k, conns: n, before: make([]int, directors), perReal: map[string]int{}, failures: map[string]int{}, lostBy: make([]int, directors)}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return o, err
	}
	// One more director waits, unused, to join after the death.
	t, err := newTopo(directors+1, reals)
	if err != nil {
		return o, err
	}
	var ds []*daemon
	defer func() {
		for _, g := range ds {
			g.kill()
		}
		t.close()
	}()
	stop, err := serveNames(t)
	if err != nil {
		return o, err
	}
	defer stop()
	if ds, err = startDirectors(t, k, gov, dir); err != nil {
		return o, err
	}
	if err := o.readOrders(ds); err != nil {
		return o, err
	}
	if err := t.routeVIP(0, 1, 2); err != nil {
		return o, err
	}
	flows, err := openFlows(t, n, timeout)
	if err != nil {
		return o, err
	}
	defer closeFlows(flows)
	if err := die(t, ds[0], flows, timeout); err != nil {
		return o, err
	}
	ds = ds[1:]
	o.tally(flows)
	g, err := join(t, gov, dir, k, flows, timeout)
	if g != nil {
		ds = append(ds, g)
	}
	if err != nil {
		return o, err
	}
	o.tallyBack(flows)
	return o, nil
}

// The directors carrying the flows at first, and the real servers.
const directors, reals = 3, 3

// startDirectors sets the case's sloppy_tcp on every director namespace
// (the one that joins later too), starts govrrpd on the first three and
// waits for their tables; in the flap cases real server 1 then fails
// director 2's check and comes back.
func startDirectors(t *topo, k kase, gov, dir string) (ds []*daemon, err error) {
	sloppy := map[bool]string{true: "1", false: "0"}[k.sloppy]
	for i, d := range t.directors {
		if err := d.sysctl(map[string]string{"net/ipv4/vs/sloppy_tcp": sloppy}); err != nil {
			return ds, err
		}
		if i == directors {
			break
		}
		g, err := startDirector(gov, dir, d, directorConf(i, reals, k))
		if err != nil {
			return ds, err
		}
		ds = append(ds, g)
	}
	for _, g := range ds {
		if err := g.waitTable(reals, time.Minute); err != nil {
			return ds, err
		}
	}
	if k.flap {
		return ds, flap(ds[1], realAddr(0), k.inhibit)
	}
	return ds, nil
}

// readOrders records each director's kernel list of real servers and
// whether they are all alike.
func (o *outcome) readOrders(ds []*daemon) error {
	o.ordersEqual = true
	var first string
	for i, g := range ds {
		d, err := g.dests()
		if err != nil {
			return err
		}
		if i == 0 {
			first = order(d)
		}
		o.orders = append(o.orders, g.node.name+": "+order(d))
		o.ordersEqual = o.ordersEqual && order(d) == first
	}
	return nil
}

// die: director 1's link goes, then its process; the router's route loses
// its next hop, as zebra replaces it on the withdrawal; every flow asks
// once more.
func die(t *topo, g *daemon, flows []*flow, timeout time.Duration) error {
	if err := locate(t, flows, false); err != nil {
		return err
	}
	if err := t.directors[0].setLink(false); err != nil {
		return err
	}
	g.kill()
	if err := t.routeVIP(1, 2); err != nil {
		return err
	}
	ask(flows, timeout, func(f *flow, name string, err error) { f.rsAfter, f.errAfter = name, err })
	return locate(t, flows, true)
}

// join starts a fresh director (d4: a new one, or one rebooted, without
// connection state) and adds its next hop to the router's route, which
// moves flows again (some to it, some between the others); then every
// connection still open asks once more. (Director 1 coming back with its
// namespace intact would show nothing: each flow returns to the director
// it started on, whose IPVS still holds its entry, whatever the
// scheduler.)
func join(t *topo, gov, dir string, k kase, flows []*flow, timeout time.Duration) (*daemon, error) {
	i := len(t.directors) - 1
	g, err := startDirector(gov, dir, t.directors[i], directorConf(i, reals, k))
	if err != nil {
		return nil, err
	}
	if err := g.waitTable(reals, time.Minute); err != nil {
		return g, err
	}
	if err := t.routeVIP(1, 2, i); err != nil {
		return g, err
	}
	var open []*flow
	for _, f := range flows {
		if f.errAfter == nil {
			open = append(open, f)
		}
	}
	ask(open, timeout, func(f *flow, name string, err error) { f.rsBack, f.errBack, f.askedBack = name, err, true })
	return g, nil
}

// tallyBack counts the connections that survived the death and the
// join: answered again, by the real server they started on.
func (o *outcome) tallyBack(flows []*flow) {
	for _, f := range flows {
		if !f.askedBack {
			continue
		}
		o.askedBack++
		if f.errBack == nil && f.rsBack == f.rs {
			o.keptBack++
		}
	}
}

func (o *outcome) tally(flows []*flow) {
	for _, f := range flows {
		o.perReal[f.rs]++
		if f.dir >= 0 {
			o.before[f.dir]++
			o.dirKnown++
		}
		if f.dirAfter >= 0 {
			o.afterKnown++
		}
		moved := f.dir > 0 && f.dirAfter > 0 && f.dirAfter != f.dir
		if moved {
			o.movedSurv++
		}
		if f.errAfter != nil {
			o.failures[failure(f.errAfter)]++
			if f.dir >= 0 {
				o.lostBy[f.dir]++
			}
			if f.dir == 0 {
				o.lostDead++
			} else {
				o.lostSurv++
			}
			continue
		}
		o.kept++
		if f.rsAfter == f.rs {
			o.same++
		}
		if moved {
			o.keptMovedSurv++
		}
	}
}

func report(w io.Writer, out []outcome) {
	fmt.Fprintln(w, "flowbench: 3 directors (IPVS DR, govrrpd -C), 3 real servers; director d1 dies (link down, kill -9),")
	fmt.Fprintln(w, "the router's multipath route to the VIP is replaced without it; every connection asks once more;")
	fmt.Fprintln(w, "then a fresh director d4 joins (govrrpd started, its next hop added) and the open ones ask again")
	fmt.Fprintf(w, "%-24s %-16s %-16s %10s %10s %16s %14s  %s\n", "case", "d1/d2/d3 before", "rs1/rs2/rs3", "kept", "same rs",
		"lost dead/surv", "surv. moved", "failures")
	for _, o := range out {
		fmt.Fprintf(w, "%-24s %-16s %-16s %10s %10d %16s %14s  %s\n", o.name, joinInts(o.before),
			joinInts([]int{o.perReal["rs1"], o.perReal["rs2"], o.perReal["rs3"]}),
			fmt.Sprintf("%d/%d", o.kept, o.conns), o.same, fmt.Sprintf("%d/%d", o.lostDead, o.lostSurv),
			movedText(o), failureText(o.failures))
		fmt.Fprintf(w, "  lost by director before: %s; after d4 joined, kept %d of the %d still open; kernel order: %s\n",
			joinInts(o.lostBy), o.keptBack, o.askedBack, strings.Join(o.orders, "; "))
	}
	for _, o := range out {
		fmt.Fprintf(w, "FLOWS case=%q conns=%d kept=%d same=%d before=%s rs=%s lost_dead=%d lost_surv=%d moved_surv=%d orders_equal=%t back=%d/%d\n",
			o.name, o.conns, o.kept, o.same, joinInts(o.before), joinInts([]int{o.perReal["rs1"], o.perReal["rs2"], o.perReal["rs3"]}),
			o.lostDead, o.lostSurv, o.movedSurv, o.ordersEqual, o.keptBack, o.askedBack)
	}
	for _, o := range out {
		row(w, o)
	}
}

// row prints benchreport's ROW line. mh with sloppy_tcp is the design and
// has the target (every connection kept, on its real server); the other
// cases are the contrast that shows what the design buys.
func row(w io.Writer, o outcome) {
	name := fmt.Sprintf("connections kept when 1 of 3 directors dies (IPVS DR, %s)", o.name)
	design := o.sched == "mh" && o.sloppy && (!o.flap || o.inhibit)
	if design {
		name = fmt.Sprintf("connections kept when 1 of 3 directors dies (IPVS DR, %s, sloppy_tcp=1)", o.name)
	}
	gov := fmt.Sprintf("%d/%d, %d on the same real server", o.kept, o.conns, o.same)
	ka := "– (VRRP: one active director; its death loses all its connections)"
	if design {
		pass := o.kept == o.conns && o.same == o.conns
		fmt.Fprintf(w, "ROW group=bgp-flows name=%q govrrpd=%q keepalived=%q target=%q verdict=%s\n",
			name, gov, ka, "all, on the same real server", verdict(pass))
		back := o.askedBack > 0 && o.keptBack == o.askedBack
		fmt.Fprintf(w, "ROW group=bgp-flows name=%q govrrpd=%q keepalived=%q target=%q verdict=%s\n",
			strings.Replace(name, "1 of 3 directors dies", "a fresh director joins the 2 left", 1), fmt.Sprintf("%d/%d on the same real server", o.keptBack, o.askedBack),
			"– (VRRP: a returning master with higher priority takes the VIP back; the backup's connections are lost)", "all", verdict(back))
		return
	}
	fmt.Fprintf(w, "ROW group=bgp-flows name=%q govrrpd=%q keepalived=%q target=%q\n",
		name, gov, ka, "– (contrast)")
}

func verdict(pass bool) string {
	if pass {
		return "pass"
	}
	return "miss"
}

// movedText is the survivors' flows the rehash moved: known only from the
// entries sloppy_tcp lets the new director create.
func movedText(o outcome) string {
	if !o.sloppy {
		return "–"
	}
	return fmt.Sprintf("%d (%d kept)", o.movedSurv, o.keptMovedSurv)
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, "/")
}

func failureText(m map[string]int) string {
	var s []string
	for _, k := range []string{"reset", "timeout", "closed", "other"} {
		if m[k] > 0 {
			s = append(s, fmt.Sprintf("%s %d", k, m[k]))
		}
	}
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
