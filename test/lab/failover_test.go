package lab_test

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A restarted higher-priority router preempts the backup that took over.
func TestRestartPreempts(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt = "0.1"; c.Version = 3 })
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.procs["r1"].Stop(2 * time.Second)
	r.waitMaster(vip4, 1, 2*time.Second)
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r2", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	client, err := r.lab.Client.StartEnv(filepath.Join(r.dir, "client.log"),
		[]string{"LAB_DIAL_LOOP=192.0.2.200:8080", "LAB_DIAL_FOR=2s"}, os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	r.start(0, "govrrpd", cs[0])
	took := r.waitMaster(vip4, 0, 3*time.Second).Sub(t0)
	if !client.Wait(5 * time.Second) {
		t.Fatal("client did not finish")
	}
	var ok, fail int
	fmt.Sscanf(strings.TrimSpace(client.LogText()), "ok=%d fail=%d", &ok, &fail)
	t.Logf("restarted r1 preempted r2 after %v; client connections during it: ok=%d fail=%d", took.Round(time.Millisecond), ok, fail)
	if fail > 0 || ok == 0 {
		t.Errorf("client saw %d failed connections during preemption", fail)
	}
}

// With nopreempt the restarted higher-priority router stays backup.
func TestNopreemptKeepsMaster(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"nopreempt"}
	})
	// r1 first: nopreempt would otherwise keep whichever process started
	// faster.
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, time.Second)
	r.procs["r1"].Stop(2 * time.Second)
	r.waitMaster(vip4, 1, 2*time.Second)
	r.start(0, "govrrpd", cs[0])
	r.stable(vip4, 1, 2*time.Second)
}

// preempt_delay holds the takeover for the configured time.
func TestPreemptDelay(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"preempt_delay 2"}
	})
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 1, 3*time.Second)
	t0 := time.Now()
	r.start(0, "govrrpd", cs[0])
	r.stable(vip4, 1, 1500*time.Millisecond)
	took := r.waitMaster(vip4, 0, 3*time.Second).Sub(t0)
	t.Logf("preempt_delay 2: r1 took over after %v", took.Round(time.Millisecond))
	if took < 2*time.Second {
		t.Fatalf("preempted after %v, before preempt_delay", took)
	}
}

// SIGTERM makes the master resign with a priority-0 advert: the backup
// takes over after Skew_Time, not Master_Down_Interval.
func TestSigtermHandoverWithinSkew(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, nil)
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 0, 6*time.Second)
	time.Sleep(500 * time.Millisecond)
	t0 := time.Now()
	r.procs["r1"].Signal(syscall.SIGTERM)
	took := r.waitMaster(vip4, 1, 3*time.Second).Sub(t0)
	skew := time.Duration(256-100) * time.Second / 256
	t.Logf("SIGTERM: r2 master after %v (skew %v)", took.Round(time.Millisecond), skew)
	if took > skew+100*time.Millisecond {
		t.Fatalf("handover took %v, skew time is %v", took, skew)
	}
	if !r.procs["r1"].Wait(3*time.Second) || r.procs["r1"].ExitCode() != 0 {
		t.Fatalf("r1 did not exit cleanly:\n%s", r.procs["r1"].LogText())
	}
	if ok, _ := r.lab.Routers[0].HasAddr(vip4); ok {
		t.Fatal("r1 left the VIP behind on exit")
	}
}

// Link down puts the master in FAULT (VIP removed, backup takes over); link
// up brings it back as BACKUP and it preempts again.
func TestLinkDownFaultAndBack(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 0, 3*time.Second)
	if _, err := r.lab.Routers[0].Run("ip", "link", "set", "eth0", "down"); err != nil {
		t.Fatal(err)
	}
	r.waitMaster(vip4, 1, 2*time.Second)
	waitLog(t, r, "r1", "state=FAULT", 2*time.Second)
	if _, err := r.lab.Routers[0].Run("ip", "link", "set", "eth0", "up"); err != nil {
		t.Fatal(err)
	}
	r.waitMaster(vip4, 0, 3*time.Second)
}

func waitLog(t *testing.T, r *rig, router, text string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !strings.Contains(r.procs[router].LogText(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never logged %q", router, text)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// IPv6 instance (always VRRPv3) elects and fails over.
func TestIPv6Failover(t *testing.T) {
	r := newRig(t, 2)
	vip6 := netip.MustParseAddr("2001:db8::200")
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.VRID, c.AdvertInt, c.VIP = 52, "0.1", "2001:db8::200/64"
	})
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip6, 0, 3*time.Second)
	r.procs["r1"].Signal(syscall.SIGTERM)
	r.waitMaster(vip6, 1, 2*time.Second)
}

// Unicast peers (three routers, each listing the other two) elect and fail
// over without multicast.
func TestUnicastPeers(t *testing.T) {
	r := newRig(t, 3)
	var addrs []netip.Addr
	for _, h := range r.lab.Routers {
		addrs = append(addrs, h.Addr4)
	}
	cs := confs([]int{100, 150, 120}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Src = addrs[i]
		for j, a := range addrs {
			if j != i {
				c.Peers = append(c.Peers, a)
			}
		}
	})
	for i, c := range cs {
		r.start(i, "govrrpd", c)
	}
	r.waitMaster(vip4, 1, 3*time.Second)
	r.procs["r2"].Crash()
	r.lab.Routers[1].FlushAddr(netip.MustParsePrefix("192.0.2.200/24"))
	r.waitMaster(vip4, 2, 2*time.Second)
}

// A partition that heals leaves one master, and the client follows it
// within 100 ms of the heal.
func TestPartitionHealClientFollows(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r1", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	r.lab.Routers[0].SetPartition(true)
	// r2 takes over on its side; the client now talks to r2.
	deadline := time.Now().Add(3 * time.Second)
	for len(r.holders(vip4)) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("r2 did not take over during the partition: %v", r.holders(vip4))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := r.dialUntil("192.0.2.200:8080", "r2", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	r.lab.Routers[0].SetPartition(false)
	r.waitMaster(vip4, 0, 2*time.Second)
	mac, _ := r.lab.Routers[0].MAC()
	for {
		n, _ := r.lab.Client.Neighbour(vip4)
		if strings.EqualFold(n, mac) {
			break
		}
		if time.Since(t0) > 2*time.Second {
			t.Fatalf("client neighbour entry %s, want r1's %s", n, mac)
		}
		time.Sleep(5 * time.Millisecond)
	}
	took := time.Since(t0)
	t.Logf("partition healed: client follows r1 after %v", took.Round(time.Millisecond))
	if took > 100*time.Millisecond+advertSlack {
		t.Errorf("client followed after %v, want within 100 ms", took)
	}
}

// advertSlack covers the polling of `ip neigh` (a process start per poll).
const advertSlack = 50 * time.Millisecond

// A crashed master leaves its VIP behind (nothing ran to remove it); when
// govrrpd starts again it removes that stale VIP before the election, as
// keepalived does, and then preempts normally.
func TestRestartAfterCrashRemovesStaleVIP(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 300*time.Millisecond)
	r.procs["r1"].Crash()
	// Both hold it now: r1's is stale.
	deadline := time.Now().Add(2 * time.Second)
	for len(r.holders(vip4)) != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("holders %v, want the stale r1 and the new master r2", r.holders(vip4))
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.start(0, "govrrpd", cs[0])
	waitLog(t, r, "r1", "VIP removed", 2*time.Second)
	r.waitMaster(vip4, 0, 3*time.Second)
}

// -V (--dont-release-vrrp) leaves the VIPs configured at exit.
func TestDontReleaseVRRPKeepsVIP(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0]
	r.startFull(0, "govrrpd", c, nil, "-P", "-V")
	r.waitMaster(vip4, 0, 3*time.Second)
	r.procs["r1"].Stop(3 * time.Second)
	if ok, _ := r.lab.Routers[0].HasAddr(vip4); !ok {
		t.Fatal("-V: the VIP was removed at exit")
	}
}
