package reliability

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// TestSoak runs three routers at VRRPv3 10 ms adverts for $GOVRRPD_SOAK
// (make soak: 10m; CI: 60s) while the client makes 5,000 TCP connections
// a second inside its namespace, the load of as many TCP_CHECKs: 0 false
// failovers, and the master's advert interval p50/p99/max printed.
func TestSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("GOVRRPD_SOAK"))
	if err != nil {
		t.Skip("set GOVRRPD_SOAK (make soak: 10m, CI: 60s) to run the soak")
	}
	for _, impl := range daemons(t) {
		t.Run(impl.name, func(t *testing.T) { soak(t, impl, d) })
	}
}

func soak(t *testing.T, impl daemonKind, d time.Duration) {
	l, err := lab.New(lab.Config{Routers: 3, Client: true})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	w, err := l.WatchAddrs()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	adv, err := recordAdverts(l.Client, l.Routers[0].Addr4)
	if err != nil {
		t.Fatal(err)
	}
	defer adv.close()
	set := setup{Version: 3, Advert: 10 * time.Millisecond}
	dir := logDir(t)
	for i, prio := range []int{prioMaster, prioBackup, 50} {
		h := l.Routers[i]
		conf := filepath.Join(dir, h.Name+".conf")
		if err := os.WriteFile(conf, []byte(set.conf(h.Name, prio)), 0o644); err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, impl.name+"-"+h.Name)
		if _, err := h.Start(base+".log", impl.bin, "-n", "-l", "-P", "-f", conf, "-p", base+".pid",
			"-r", base+"-vrrp.pid", "-c", base+"-check.pid", "-b", base+"-bfd.pid"); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := until(5*time.Second, func() bool { ok, _ := l.Routers[0].HasAddr(vip); return ok }); !ok {
		t.Fatal("r1 never became master")
	}
	time.Sleep(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	from := time.Now()
	conns, err := tcpLoad(ctx, l.Client, 5000)
	if err != nil {
		t.Fatal(err)
	}
	to := time.Now()
	fails := w.Count(l.Routers[1].Name, vip, true, from, to) + w.Count(l.Routers[2].Name, vip, true, from, to)
	iv := gaps(adv.between(from, to))
	if fails > 0 {
		for _, h := range l.Routers[1:] {
			t.Logf("%s's takeovers (its log):\n%s", h.Name, masterLines(filepath.Join(dir, impl.name+"-"+h.Name+".log")))
		}
	}
	result(t, impl.name, fmt.Sprintf("soak %v, 3 routers v3 10 ms, %.0f TCP connections/s: %d false failovers, %s",
		d, float64(conns)/to.Sub(from).Seconds(), fails, iv), fails == 0)
}

// tcpLoad connects to a listener in h's namespace rate times a second
// until ctx ends, and returns how many connections it made. Four dialers,
// each on a thread of its own inside the namespace, keep one slow connect
// from holding back the rest.
func tcpLoad(ctx context.Context, h *lab.Host, rate int) (int64, error) {
	const dialers = 4
	var ln net.Listener
	err := h.InNS(func() error {
		var err error
		ln, err = net.Listen("tcp4", "127.0.0.1:0")
		return err
	})
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	var n atomic.Int64
	errc := make(chan error, dialers)
	for w := 0; w < dialers; w++ {
		go func() {
			errc <- h.InNS(func() error { dial(ctx, ln.Addr().String(), rate/dialers, &n); return nil })
		}()
	}
	for w := 0; w < dialers; w++ {
		if e := <-errc; e != nil {
			err = e
		}
	}
	return n.Load(), err
}

// dial connects to addr rate times a second until ctx ends. It runs on
// the caller's thread, so its sockets are made inside that namespace.
func dial(ctx context.Context, addr string, rate int, n *atomic.Int64) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	start, made := time.Now(), 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for due := int(time.Since(start).Seconds() * float64(rate)); made < due; made++ {
			if c, err := net.DialTimeout("tcp4", addr, 100*time.Millisecond); err == nil {
				c.Close()
				n.Add(1)
			}
			if ctx.Err() != nil {
				return
			}
		}
	}
}

// masterLines is what a backup's log says of its takeovers (govrrpd's
// "entering state … state=MASTER … reason=…", keepalived's "Entering
// MASTER STATE"), so a failed soak shows why it took over.
func masterLines(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "state=MASTER") || strings.Contains(line, "Entering MASTER") {
			out = append(out, line)
		}
	}
	if len(out) > 20 {
		out = append(out[:20], fmt.Sprintf("… %d more", len(out)-20))
	}
	return strings.Join(out, "\n")
}
