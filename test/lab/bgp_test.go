package lab_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// Scale-out over BGP (issue #18): three directors run the real govrrpd
// with --bgp-config and announce 192.0.2.200/32 over eBGP (timers 3/9 s)
// to a router namespace (FRR's bgpd + zebra, or BIRD 2) that spreads flows
// by ECMP with an L4 hash; the client is behind the router
// (tools/lab/scaleout.go draws the topology). The announcement's condition
// is the quorum (2 of 3) of a virtual_server whose real servers are
// TCP_CHECKed listeners (the in-memory IPVS backend: the lab kernel has no
// ip_vs).

const bgpClients = 1000

func TestBGPScaleOut(t *testing.T) {
	for _, kind := range lab.BGPRouterKinds {
		t.Run(kind, func(t *testing.T) {
			needBGPRouter(t, kind)
			testBGPScaleOut(t, kind)
		})
	}
}

func needBGPRouter(t *testing.T, kind string) {
	t.Helper()
	paths, pkg := lab.BGPRouterBinaries(kind)
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (apt-get install %s)", p, pkg)
			}
			t.Skipf("%s is not installed (apt-get install %s): %v", p, pkg, err)
		}
	}
}

func testBGPScaleOut(t *testing.T, kind string) {
	r := newRigWith(t, lab.Config{Routers: 4, Client: true, Second: true})
	so, err := lab.NewScaleOut(r.lab)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := lab.RouterDir(kind)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	procs, err := so.StartBGPRouter(kind, dir)
	t.Cleanup(func() {
		if t.Failed() {
			for _, p := range procs {
				t.Logf("---- %s ----\n%s", filepath.Base(p.Log), tail(p.LogText(), 40))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	ds := so.Directors
	for i, d := range ds {
		kconf, bconf := so.Confs(d)
		path := filepath.Join(r.dir, d.Name+"-bgp.conf")
		if err := os.WriteFile(path, []byte(bconf), 0o644); err != nil {
			t.Fatal(err)
		}
		r.startFull(i, "govrrpd", kconf, []string{"GOVRRPD_IPVS_BACKEND=memory"}, "--bgp-config", path, "--bgp-helper", bgpHelper(t))
	}
	all := so.Peers()
	hopsAre := func(want []string) func([]string) bool { return func(h []string) bool { return slices.Equal(h, want) } }
	without := func(a string) func([]string) bool { return func(h []string) bool { return !slices.Contains(h, a) } }
	waitHops := func(what string, d time.Duration, ok func([]string) bool) time.Time {
		t.Helper()
		at, err := so.WaitHops(d, ok)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return at
	}
	waitHops("three next hops in the router's FIB", 90*time.Second, hopsAre(all))

	// `govrrpd status` shows the session and the announcement.
	waitUntil(t, "status to show the session established", 30*time.Second, func() bool {
		out, _ := cli(t, "status", "--control-socket", r.sock(0))
		return strings.Contains(out, "ESTABLISHED") && strings.Contains(out, "192.0.2.200/32  announced")
	})

	// A failing real server while quorum holds keeps the announcement.
	d1 := ds[0]
	d1.Reals[0].Close()
	waitLog(t, r, d1.Name, `real=203.0.113.1:80 up=false`, 30*time.Second)
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if hops, _ := so.NextHops(); !slices.Equal(hops, all) {
			t.Fatalf("one real server down, quorum kept: next hops %v, want %v", hops, all)
		}
	}
	// Quorum lost: withdrawn within one check interval (delay_loop 1 s).
	d1.Reals[1].Close()
	t0 := time.Now()
	t1 := waitHops(d1.Name+"'s next hop to leave", 30*time.Second, without(d1.Addr))
	t.Logf("FIGURE %s quorum lost → router FIB without the director: %.2f s (delay_loop 1 s, connect_timeout 1 s)",
		kind, t1.Sub(t0).Seconds())
	waitLog(t, r, d1.Name, `msg="BGP withdraw" subsystem=bgp prefix=192.0.2.200/32 because="not: virtual_server TCP 192.0.2.200:80 has quorum"`, 5*time.Second)
	// The real servers return, so do quorum and the route.
	for k := 0; k < 2; k++ {
		if d1.Reals[k], err = d1.Host.ListenCheck(lab.RealServer(k + 1)); err != nil {
			t.Fatal(err)
		}
	}
	waitHops("the director's route back", 30*time.Second, hopsAre(all))

	// 1,000 connections from the client land on all three directors.
	conns, err := r.lab.Client.DialMany(lab.ScaleOutVIP+":80", bgpClients)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.C.Close()
		}
	})
	per := map[string]int{}
	for _, c := range conns {
		per[c.First]++
	}
	t.Logf("FIGURE %s %d connections per director: %v", kind, bgpClients, per)
	for _, d := range ds {
		if per[d.Name] == 0 {
			t.Fatalf("no connection landed on %s: %v", d.Name, per)
		}
	}

	// A director dies (its link goes, then govrrpd is killed, so not even
	// its kernel's FIN reaches the router): the router drops its next hop
	// when the hold timer expires, and every flow it carried breaks.
	dead := ds[1]
	if err := dead.Host.SetLink2(false); err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if err := r.procs[dead.Name].Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	t1 = waitHops("the dead director's next hop to leave", 60*time.Second, without(dead.Addr))
	t.Logf("FIGURE %s director death → router FIB without its next hop: %.2f s (hold time 9 s)", kind, t1.Sub(t0).Seconds())
	moved, lost := lab.PingAll(conns, dead.Name)
	t.Logf("FIGURE %s after the death: %d of %d connections on %s broken; %d of %d on the survivors broken (rehashed by the router)",
		kind, lost, per[dead.Name], dead.Name, moved, bgpClients-per[dead.Name])
	if lost != per[dead.Name] {
		t.Errorf("%d of the dead director's %d connections still answer", per[dead.Name]-lost, per[dead.Name])
	}
	// New connections land on the survivors only.
	fresh, err := r.lab.Client.DialMany(lab.ScaleOutVIP+":80", 100)
	if err != nil {
		t.Fatal(err)
	}
	after := map[string]int{}
	for _, c := range fresh {
		after[c.First]++
		c.C.Close()
	}
	if after[dead.Name] != 0 || after[ds[0].Name] == 0 || after[ds[2].Name] == 0 {
		t.Errorf("new connections after the death: %v", after)
	}

	// SIGTERM: the director withdraws before it stops, and says the peer
	// was sent the withdrawal.
	last := ds[2]
	r.procs[last.Name].Signal(syscall.SIGTERM)
	waitLog(t, r, last.Name, `msg="BGP withdrawn before stop"`, 30*time.Second)
	waitHops("the stopped director's next hop to leave", 30*time.Second, without(last.Addr))
}

func waitUntil(t *testing.T, what string, d time.Duration, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
