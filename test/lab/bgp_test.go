package lab_test

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// Scale-out over BGP (issue #18): three directors run the real govrrpd
// with --bgp-config and announce 192.0.2.200/32 over eBGP (timers 3/9 s)
// to a router namespace (FRR's bgpd + zebra, or BIRD 2) that spreads flows
// by ECMP with an L4 hash. The client is behind the router on its own
// segment; the directors reach it back through the router.
//
//	client 192.0.2.100 ──br0── r4 (router) 192.0.2.14 / 198.51.100.14 ──br1── r1..r3 (directors) 198.51.100.11-13
//
// Each director holds the VIP on lo and serves it itself (a listener of
// this test in its namespace that answers the director's name, on the same
// connection for as long as it stays open). The announcement's condition
// is the quorum of a virtual_server in keepalived.conf whose three real
// servers are TCP_CHECKed listeners (the in-memory IPVS backend: the lab
// kernel has no ip_vs).

const (
	bgpVIP     = "192.0.2.200"
	bgpClients = 1000
)

type director struct {
	name, addr string
	h          *lab.Host
	svc        net.Listener
	reals      []net.Listener // the checked real servers, 203.0.113.1-3:80
	proc       *lab.Proc
}

func TestBGPScaleOut(t *testing.T) {
	for _, rt := range bgpRouters {
		t.Run(rt.name, func(t *testing.T) {
			rt.need(t)
			testBGPScaleOut(t, rt)
		})
	}
}

func testBGPScaleOut(t *testing.T, rt bgpRouter) {
	r := newRigWith(t, lab.Config{Routers: 4, Client: true, Second: true})
	router := r.lab.Routers[3]
	ds := setupBGPLab(t, r)
	peers := make([]string, len(ds))
	for i, d := range ds {
		peers[i] = d.addr
	}
	procs := rt.start(t, router, routerDir(t, rt.name), peers)
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range procs {
				t.Logf("---- %s ----\n%s", filepath.Base(p.Log), tail(p.LogText(), 40))
			}
		}
	})
	for i, d := range ds {
		d.proc = startDirector(t, r, i, d)
	}
	all := slices.Clone(peers)
	waitUntil(t, "three next hops in the router's FIB", 90*time.Second, func() bool {
		return slices.Equal(nextHops(t, router, bgpVIP), all)
	})

	// `govrrpd status` shows the session and the announcement.
	waitUntil(t, "status to show the session established", 30*time.Second, func() bool {
		out, _ := cli(t, "status", "--control-socket", r.sock(0))
		return strings.Contains(out, "ESTABLISHED") && strings.Contains(out, "192.0.2.200/32  announced")
	})

	// A failing real server while quorum holds keeps the announcement.
	d1 := ds[0]
	d1.reals[0].Close()
	waitLog(t, r, d1.name, `msg="real server health" service=`, 30*time.Second)
	waitLog(t, r, d1.name, `up=false`, 30*time.Second)
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if hops := nextHops(t, router, bgpVIP); !slices.Equal(hops, all) {
			t.Fatalf("one real server down, quorum kept: next hops %v, want %v", hops, all)
		}
	}
	// Quorum lost: withdrawn within one check interval (delay_loop 1 s,
	// connect_timeout 1 s) plus BGP's and the router's own delays.
	d1.reals[1].Close()
	t0 := time.Now()
	t1 := waitUntil(t, d1.name+"'s next hop to leave", 30*time.Second, func() bool {
		return !slices.Contains(nextHops(t, router, bgpVIP), d1.addr)
	})
	t.Logf("FIGURE %s quorum lost → router FIB without the director: %.2f s (delay_loop 1 s, connect_timeout 1 s)",
		rt.name, t1.Sub(t0).Seconds())
	waitLog(t, r, d1.name, `msg="BGP withdraw" subsystem=bgp prefix=192.0.2.200/32 because="not: virtual_server TCP 192.0.2.200:80 has quorum"`, 5*time.Second)
	// Back: the real servers return, quorum returns, so does the route.
	d1.reals[0], d1.reals[1] = listenCheck(t, d1.h, realServer(1)), listenCheck(t, d1.h, realServer(2))
	waitUntil(t, "the director's route back", 30*time.Second, func() bool {
		return slices.Equal(nextHops(t, router, bgpVIP), all)
	})

	// 1,000 connections from the client land on all three directors.
	conns := dialMany(t, r.lab.Client, bgpClients)
	t.Cleanup(func() {
		for _, c := range conns {
			c.c.Close()
		}
	})
	per := map[string]int{}
	for _, c := range conns {
		per[c.first]++
	}
	t.Logf("FIGURE %s %d connections per director: %v", rt.name, bgpClients, per)
	for _, d := range ds {
		if per[d.name] == 0 {
			t.Fatalf("no connection landed on %s: %v", d.name, per)
		}
	}

	// A director dies (its link goes, then govrrpd is killed, so not even
	// its kernel's FIN reaches the router): the router drops its next hop
	// when the hold timer expires; its flows move.
	dead := ds[1]
	if err := dead.h.SetLink2(false); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if err := dead.proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t1 = waitUntil(t, "the dead director's next hop to leave", 60*time.Second, func() bool {
		return !slices.Contains(nextHops(t, router, bgpVIP), dead.addr)
	})
	t.Logf("FIGURE %s director death → router FIB without its next hop: %.2f s (hold time 9 s)", rt.name, t1.Sub(t0).Seconds())
	moved, lost := pingAll(conns, dead.name)
	t.Logf("FIGURE %s after the death: %d of %d connections on %s broken; %d of %d on the survivors broken (moved by the router's rehash)",
		rt.name, lost, per[dead.name], dead.name, moved, bgpClients-per[dead.name])
	if lost != per[dead.name] {
		t.Errorf("%d of the dead director's %d connections still answer", per[dead.name]-lost, per[dead.name])
	}
	// New connections land on the survivors only.
	after := map[string]int{}
	for _, c := range dialMany(t, r.lab.Client, 100) {
		after[c.first]++
		c.c.Close()
	}
	if after[dead.name] != 0 || after[ds[0].name] == 0 || after[ds[2].name] == 0 {
		t.Errorf("new connections after the death: %v", after)
	}

	// SIGTERM: the director withdraws before it stops, and says the peer
	// was sent the withdrawal.
	last := ds[2]
	last.proc.Signal(syscall.SIGTERM)
	waitLog(t, r, last.name, `msg="BGP withdrawn before stop"`, 30*time.Second)
	waitUntil(t, "the stopped director's next hop to leave", 30*time.Second, func() bool {
		return !slices.Contains(nextHops(t, router, bgpVIP), last.addr)
	})
}

// setupBGPLab wires the namespaces: the router forwards with an L4 ECMP
// hash, the client routes the VIP through it, the directors leave the
// client's segment and route back through the router.
func setupBGPLab(t *testing.T, r *rig) []*director {
	t.Helper()
	router, client := r.lab.Routers[3], r.lab.Client
	run := func(h *lab.Host, cmds ...[]string) {
		for _, c := range cmds {
			if _, err := h.Run(c[0], c[1:]...); err != nil {
				t.Fatal(err)
			}
		}
	}
	run(router, []string{"sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv4.fib_multipath_hash_policy=1"})
	run(client, []string{"ip", "route", "add", bgpVIP + "/32", "via", router.Addr4.String()})
	var ds []*director
	for i, h := range r.lab.Routers[:3] {
		d := &director{name: h.Name, addr: fmt.Sprintf("198.51.100.%d", 11+i), h: h}
		run(h, []string{"ip", "link", "set", "eth0", "down"},
			[]string{"ip", "route", "add", "default", "via", "198.51.100.14"},
			[]string{"ip", "addr", "add", bgpVIP + "/32", "dev", "lo"})
		d.svc = listenIn(t, h, bgpVIP+":80")
		go serveName(d.svc, d.name)
		for k := 1; k <= 3; k++ {
			run(h, []string{"ip", "addr", "add", realServer(k) + "/32", "dev", "lo"})
			d.reals = append(d.reals, listenCheck(t, h, realServer(k)))
		}
		ds = append(ds, d)
	}
	return ds
}

func listenIn(t *testing.T, h *lab.Host, addr string) net.Listener {
	t.Helper()
	var ln net.Listener
	if err := h.InNS(func() (err error) { ln, err = net.Listen("tcp4", addr); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// realServer is the address of real server k (1-3), the same on every
// director (each holds them on its lo, standing in for the real servers a
// DR deployment shares).
func realServer(k int) string { return fmt.Sprintf("203.0.113.%d", k) }

// listenCheck is a real server for TCP_CHECK: it accepts and closes.
func listenCheck(t *testing.T, h *lab.Host, addr string) net.Listener {
	ln := listenIn(t, h, addr+":80")
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln
}

// serveName answers name on connect and to every line, until the client
// closes: a flow that moves to another director finds no socket there.
func serveName(ln net.Listener, name string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			fmt.Fprintf(c, "%s\n", name)
			rd := bufio.NewReader(c)
			for {
				if _, err := rd.ReadString('\n'); err != nil {
					return
				}
				fmt.Fprintf(c, "%s\n", name)
			}
		}()
	}
}

func startDirector(t *testing.T, r *rig, i int, d *director) *lab.Proc {
	t.Helper()
	conf := `virtual_server 192.0.2.200 80 {
    delay_loop 1
    lb_algo mh
    lb_kind DR
    protocol TCP
    quorum 2
`
	for k := 1; k <= 3; k++ {
		conf += fmt.Sprintf("    real_server %s 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 1\n            retry 0\n        }\n    }\n", realServer(k))
	}
	conf += "}\n"
	bgpConf := fmt.Sprintf(`bgp {
    local_as %d
    router_id %s
}
neighbor 198.51.100.14 {
    remote_as %d
    hold_time 9
    keepalive_interval 3
    local_address %s
}
announce %s/32 {
    virtual_server %s 80
}
`, directorAS, d.addr, routerAS, d.addr, bgpVIP, bgpVIP)
	path := filepath.Join(r.dir, d.name+"-bgp.conf")
	if err := os.WriteFile(path, []byte(bgpConf), 0o644); err != nil {
		t.Fatal(err)
	}
	return r.startFull(i, "govrrpd", conf, []string{"GOVRRPD_IPVS_BACKEND=memory"}, "--bgp-config", path)
}

type clientConn struct {
	c     net.Conn
	rd    *bufio.Reader
	first string
}

// dialMany opens n connections to the VIP from the client namespace and
// reads who answered each.
func dialMany(t *testing.T, client *lab.Host, n int) []*clientConn {
	t.Helper()
	var out []*clientConn
	err := client.InNS(func() error {
		for i := 0; i < n; i++ {
			c, err := net.DialTimeout("tcp4", bgpVIP+":80", 5*time.Second)
			if err != nil {
				return fmt.Errorf("connection %d: %w", i, err)
			}
			c.SetDeadline(time.Now().Add(5 * time.Second))
			rd := bufio.NewReader(c)
			name, err := rd.ReadString('\n')
			if err != nil {
				c.Close()
				return fmt.Errorf("connection %d: %w", i, err)
			}
			out = append(out, &clientConn{c: c, rd: rd, first: strings.TrimSpace(name)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pingAll asks every connection again: it counts the broken ones among the
// dead director's (lost) and among the others' (moved).
func pingAll(conns []*clientConn, dead string) (moved, lost int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.c.SetDeadline(time.Now().Add(5 * time.Second))
			_, err := fmt.Fprintf(c.c, "?\n")
			var name string
			if err == nil {
				name, err = c.rd.ReadString('\n')
			}
			if err == nil && strings.TrimSpace(name) == c.first {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if c.first == dead {
				lost++
			} else {
				moved++
			}
		}()
	}
	wg.Wait()
	return moved, lost
}
