package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

const holdTime = 9 * time.Second

// result is one death.
type result struct {
	setting       string
	directors     int
	gone          time.Duration // death → traffic leaves the dead director
	lost, moved   int           // broken connections: the dead one's, the survivors'
	total, onDead int
}

func main() {
	bin := flag.String("govrrpd", os.Getenv("GOVRRPD_BIN"), "govrrpd binary (default $GOVRRPD_BIN)")
	ka := flag.String("keepalived", "keepalived", "keepalived binary")
	router := flag.String("router", "frr", "BGP router: frr or bird")
	ns := flag.String("directors", "2,3,4", "numbers of directors")
	runs := flag.Int("runs", 3, "deaths per setting")
	clients := flag.Int("clients", 1000, "client connections")
	flag.Parse()
	if err := run(*bin, *ka, *router, *ns, *runs, *clients); err != nil {
		fmt.Fprintln(os.Stderr, "bgpbench:", err)
		os.Exit(1)
	}
}

func run(bin, ka, router, ns string, runs, clients int) error {
	if bin == "" {
		return errors.New("no govrrpd binary: set GOVRRPD_BIN or -govrrpd")
	}
	if err := lab.Supported(); err != nil {
		return err
	}
	var base []result
	for i := 0; i < runs; i++ {
		r, err := keepalivedDeath(ka, clients)
		if err != nil {
			return fmt.Errorf("keepalived: %w", err)
		}
		base = append(base, r)
	}
	fmt.Printf("%-34s %9s %14s %14s %8s %s\n", "setting", "gone (s)", "lost/total", "survivors'", "ratio", "verdict")
	kaLost := row(base, 0)
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 2 || n > 8 {
			return fmt.Errorf("-directors: %q (want 2..8)", f)
		}
		var rs []result
		for i := 0; i < runs; i++ {
			r, err := bgpDeath(bin, router, n, i%n, clients)
			if err != nil {
				return fmt.Errorf("%d directors: %w", n, err)
			}
			rs = append(rs, r)
		}
		row(rs, kaLost)
	}
	return nil
}

// row prints the median death of rs and returns its connections lost.
func row(rs []result, kaLost float64) float64 {
	slices.SortFunc(rs, func(a, b result) int { return int(a.gone - b.gone) })
	m := rs[len(rs)/2]
	broken := 0.0
	for _, r := range rs {
		broken += float64(r.lost + r.moved)
	}
	broken /= float64(len(rs))
	ratio, verdict := "-", "(baseline)"
	if kaLost > 0 {
		ratio = fmt.Sprintf("%.2f", broken/kaLost)
		verdict = "pass"
		if broken >= kaLost || m.gone > holdTime+time.Second {
			verdict = "miss"
		}
	}
	moved := 0
	for _, r := range rs {
		moved += r.moved
	}
	fmt.Printf("%-34s %9.2f %14s %14s %8s %s\n", m.setting, m.gone.Seconds(),
		fmt.Sprintf("%.0f/%d", broken, m.total), fmt.Sprintf("%.1f", float64(moved)/float64(len(rs))), ratio, verdict)
	return broken
}

// bgpDeath builds n directors and a router, kills director victim and
// measures.
func bgpDeath(bin, router string, n, victim, clients int) (res result, err error) {
	l, err := lab.New(lab.Config{Routers: n + 1, Client: true, Second: true})
	if err != nil {
		return res, err
	}
	defer l.Close()
	so, err := lab.NewScaleOut(l)
	if err != nil {
		return res, err
	}
	dir, err := lab.RouterDir(router)
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	if _, err := so.StartBGPRouter(router, dir); err != nil {
		return res, err
	}
	procs := make([]*lab.Proc, n)
	for i, d := range so.Directors {
		if procs[i], err = startDirector(bin, dir, so, d); err != nil {
			return res, err
		}
	}
	all := so.Peers()
	if _, err := so.WaitHops(90*time.Second, func(h []string) bool { return slices.Equal(h, all) }); err != nil {
		return res, err
	}
	conns, closeAll, err := dial(l, clients)
	if err != nil {
		return res, err
	}
	defer closeAll()
	dead := so.Directors[victim]
	for _, c := range conns {
		if c.First == dead.Name {
			res.onDead++
		}
	}
	if err := dead.Host.SetLink2(false); err != nil {
		return res, err
	}
	t0 := time.Now()
	procs[victim].Signal(syscall.SIGKILL)
	t1, err := so.WaitHops(60*time.Second, func(h []string) bool { return !slices.Contains(h, dead.Addr) })
	if err != nil {
		return res, err
	}
	res.setting = fmt.Sprintf("govrrpd BGP, %d directors (%s)", n, router)
	res.directors, res.gone, res.total = n, t1.Sub(t0), clients
	res.moved, res.lost = lab.PingAll(conns, dead.Name)
	return res, nil
}

// dial opens the client connections to the VIP; closeAll closes them.
func dial(l *lab.Lab, clients int) (conns []*lab.Conn, closeAll func(), err error) {
	conns, err = l.Client.DialMany(lab.ScaleOutVIP+":80", clients)
	return conns, func() {
		for _, c := range conns {
			c.C.Close()
		}
	}, err
}

func startDirector(bin, dir string, so *lab.ScaleOut, d *lab.Director) (*lab.Proc, error) {
	kconf, bconf := so.Confs(d)
	base := filepath.Join(dir, d.Name)
	for p, text := range map[string]string{base + ".conf": kconf, base + "-bgp.conf": bconf} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return nil, err
		}
	}
	return d.Host.StartEnv(base+".log", []string{"GOVRRPD_IPVS_BACKEND=memory"}, bin, "-n", "-l", "-G",
		"-f", base+".conf", "--bgp-config", base+"-bgp.conf", "-p", base+".pid", "-r", base+"-vrrp.pid",
		"-c", base+"-check.pid", "-b", base+"-bfd.pid", "--control-socket", base+".sock")
}
