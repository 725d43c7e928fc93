package lab_test

import (
	"fmt"
	"net/netip"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// interopCell is one cell of the keepalived interop matrix.
type interopCell struct {
	version int
	family  int
	unicast bool
}

func (c interopCell) String() string {
	mode := "multicast"
	if c.unicast {
		mode = "unicast"
	}
	return fmt.Sprintf("v%d-ipv%d-%s", c.version, c.family, mode)
}

// cellConfs builds the same keepalived.conf text for both routers of a
// cell (priority 150 on r1, 100 on r2).
func cellConfs(c interopCell, hosts []*lab.Host) ([]string, netip.Addr) {
	vip, vipText, vrid := vip4, "192.0.2.200/24", 51
	if c.family == 6 {
		vip, vipText, vrid = netip.MustParseAddr("2001:db8::200"), "2001:db8::200/64", 52
	}
	return confs([]int{150, 100}, func(i int, ic *instanceConf) {
		ic.VRID, ic.VIP, ic.Version = vrid, vipText, c.version
		ic.AdvertInt = "1"
		if c.version == 3 {
			// Sub-second, but slow enough that a CI machine which stalls
			// keepalived for a second ("A thread timer expired 1.5 seconds
			// ago", seen here under load) does not turn into a spurious
			// election.
			ic.AdvertInt = "0.5"
		}
		if c.unicast {
			own, peer := hosts[i], hosts[1-i]
			if c.family == 6 {
				ic.Src, ic.Peers = own.Addr6, []netip.Addr{peer.Addr6}
			} else {
				ic.Src, ic.Peers = own.Addr4, []netip.Addr{peer.Addr4}
			}
		}
	}), vip
}

func needKeepalived(t *testing.T) {
	if _, err := exec.LookPath("keepalived"); err != nil {
		t.Skip("keepalived is not installed (apt-get install keepalived)")
	}
}

// TestInteropKeepalived runs govrrpd and keepalived 2.2.7 with the same
// configuration files and flags, each as master and as backup, in every
// version × family × transport cell: exactly one master, correct handover
// on SIGTERM both ways, and every frame govrrpd sent decodes cleanly in
// tshark.
func TestInteropKeepalived(t *testing.T) {
	needKeepalived(t)
	cells := []interopCell{
		{2, 4, false}, {2, 4, true}, {3, 4, false}, {3, 4, true}, {3, 6, false}, {3, 6, true},
	}
	for _, c := range cells {
		for _, govMaster := range []bool{true, false} {
			name := c.String() + "/govrrpd-backup"
			if govMaster {
				name = c.String() + "/govrrpd-master"
			}
			t.Run(name, func(t *testing.T) { runInteropCell(t, c, govMaster) })
		}
	}
}

func runInteropCell(t *testing.T, c interopCell, govMaster bool) {
	r := newRig(t, 2)
	capt := r.startCapture()
	cs, vip := cellConfs(c, r.lab.Routers)
	impl := [2]string{"keepalived", "govrrpd"}
	gov := r.lab.Routers[1]
	if govMaster {
		impl = [2]string{"govrrpd", "keepalived"}
		gov = r.lab.Routers[0]
	}
	adv := time.Second
	if c.version == 3 {
		adv = 500 * time.Millisecond
	}
	r.start(0, impl[0], cs[0])
	r.waitMaster(vip, 0, 4*adv+2*time.Second)
	r.start(1, impl[1], cs[1])
	r.stable(vip, 0, 3*adv+500*time.Millisecond)
	// Handover to the backup on SIGTERM (priority-0 advert).
	r.procs["r1"].Signal(syscall.SIGTERM)
	r.waitMaster(vip, 1, adv+2*time.Second)
	if !r.procs["r1"].Wait(5 * time.Second) {
		t.Fatalf("%s on r1 did not exit on SIGTERM", impl[0])
	}
	// And back: r1 restarts and preempts.
	r.start(0, impl[0], cs[0])
	r.waitMaster(vip, 0, 4*adv+2*time.Second)
	r.stable(vip, 0, 3*adv)
	rep, err := capt.judge(macsOf(gov))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("tshark: %d adverts, %d GARPs, %d ICMPv6 from govrrpd; problems: %v", rep.Adverts, rep.GARPs, rep.NAs, rep.Problems)
	if rep.Adverts == 0 {
		t.Error("tshark saw no advert from govrrpd")
	}
	if len(rep.Problems) > 0 {
		t.Errorf("tshark flagged govrrpd frames: %v", rep.Problems)
	}
}

// Two govrrpd routers and one keepalived in one group elect the highest
// priority, whichever implementation it runs.
func TestInteropMixedThreeRouters(t *testing.T) {
	needKeepalived(t)
	r := newRig(t, 3)
	cs := confs([]int{120, 100, 150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.5", 3 })
	r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.start(2, "keepalived", cs[2])
	r.waitMaster(vip4, 2, 8*time.Second)
	r.stable(vip4, 2, time.Second)
	r.procs["r3"].Signal(syscall.SIGTERM)
	r.waitMaster(vip4, 0, 2*time.Second)
	r.stable(vip4, 0, time.Second)
}
