package lab_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var vip4 = netip.MustParseAddr("192.0.2.200")

// conf3 gives routers priorities and returns their configurations.
func confs(prios []int, mod func(i int, c *instanceConf)) []string {
	out := make([]string, len(prios))
	for i, p := range prios {
		c := instanceConf{Name: "VI_1", VRID: 51, Priority: p, AdvertInt: "1", VIP: "192.0.2.200/24"}
		if mod != nil {
			mod(i, &c)
		}
		out[i] = "global_defs {\n    router_id r" + fmt.Sprint(i+1) + "\n}\n" + c.text()
	}
	return out
}

// masterDown is Master_Down_Interval for v2 with a 1 s advert interval.
func masterDown(prio int, advert time.Duration) time.Duration {
	return 3*advert + time.Duration(256-prio)*advert/256
}

func TestElectionHighestPriorityWinsThreeRouters(t *testing.T) {
	r := newRig(t, 3)
	for i, c := range confs([]int{100, 150, 120}, nil) {
		r.start(i, "govrrpd", c)
	}
	r.waitMaster(vip4, 1, 6*time.Second)
	r.stable(vip4, 1, 2*time.Second)
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r2", 2*time.Second); err != nil {
		t.Fatal(err)
	}
}

// Equal priorities are decided by the primary address only when masters
// meet (a backup never preempts an equal-priority master, RFC 5798 §6.4.2),
// so every router first becomes master on its own island; when the
// partition heals the highest address (r5, 192.0.2.15) must be the one
// master left.
func TestElectionEqualPriorityHighestAddressWinsFiveRouters(t *testing.T) {
	r := newRig(t, 5)
	for _, h := range r.lab.Routers {
		if err := h.SetPartition(true); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range confs([]int{100, 100, 100, 100, 100}, func(i int, c *instanceConf) { c.AdvertInt = "0.1"; c.Version = 3 }) {
		r.start(i, "govrrpd", c)
	}
	deadline := time.Now().Add(3 * time.Second)
	for len(r.holders(vip4)) != 5 {
		if time.Now().After(deadline) {
			t.Fatalf("partitioned routers holding the VIP: %v, want all 5", r.holders(vip4))
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, h := range r.lab.Routers {
		if err := h.SetPartition(false); err != nil {
			t.Fatal(err)
		}
	}
	r.waitMaster(vip4, 4, 2*time.Second)
	r.stable(vip4, 4, time.Second)
}

func TestElectionHighestPriorityWinsFiveRouters(t *testing.T) {
	r := newRig(t, 5)
	for i, c := range confs([]int{110, 200, 150, 90, 199}, func(i int, c *instanceConf) { c.AdvertInt = "0.1"; c.Version = 3 }) {
		r.start(i, "govrrpd", c)
	}
	r.waitMaster(vip4, 1, 3*time.Second)
	r.stable(vip4, 1, time.Second)
}

// A crashed master (no priority-0 advert, VIP gone with the host) is
// replaced within Master_Down_Interval of the next router + 100 ms, and
// the client's neighbour entry follows the new master's MAC.
func TestKillMasterFailover(t *testing.T) {
	r := newRig(t, 3)
	for i, c := range confs([]int{150, 120, 100}, nil) {
		r.start(i, "govrrpd", c)
	}
	r.waitMaster(vip4, 0, 6*time.Second)
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r1", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	p := r.procs["r1"]
	t0 := time.Now()
	p.Crash()
	// The host is gone: its address goes with it.
	r.lab.Routers[0].SetLink(false)
	r.lab.Routers[0].FlushAddr(netip.MustParsePrefix("192.0.2.200/24"))
	took := r.waitMaster(vip4, 1, 6*time.Second).Sub(t0)
	bound := masterDown(120, time.Second)
	t.Logf("kill -9 of master: r2 took over after %v (Master_Down_Interval %v)", took.Round(time.Millisecond), bound)
	if took > bound+100*time.Millisecond {
		t.Errorf("takeover took %v, bound %v + 100ms", took, bound)
	}
	mac, _ := r.lab.Routers[1].MAC()
	deadline := time.Now().Add(time.Second)
	for {
		got, err := r.dial("192.0.2.200:8080")
		n, _ := r.lab.Client.Neighbour(vip4)
		if err == nil && got == "r2" && strings.EqualFold(n, mac) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("client: reached %q (%v), neighbour %s, want r2 at %s", got, err, n, mac)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
