package lab_test

import (
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// An instance whose interface has no IPv4 address yet (DHCP, a slow link)
// must not stop the daemon: it waits in FAULT with keepalived's message,
// every other instance runs undisturbed, and it leaves FAULT when the
// address appears (issue #15 item 13).
func TestAddressAppearsAfterStart(t *testing.T) {
	r := newRigWith(t, lab.Config{Routers: 1, Second: true})
	h := r.lab.Routers[0]
	if out, err := h.Run("ip", "addr", "flush", "dev", "eth1"); err != nil {
		t.Fatalf("flush eth1: %v: %s", err, out)
	}
	vip2 := lab.MustAddr("198.51.100.200")
	conf := "global_defs {\n    router_id r1\n}\n" +
		instanceConf{Name: "VI_1", VRID: 51, Priority: 150, AdvertInt: "1", VIP: "192.0.2.200/24"}.text() +
		strings.Replace(instanceConf{Name: "VI_2", VRID: 52, Priority: 150, AdvertInt: "1", VIP: "198.51.100.200/24"}.text(),
			"interface eth0", "interface eth1", 1)
	p := r.start(0, "govrrpd", conf)
	start := time.Now()
	r.waitMaster(vip4, 0, 6*time.Second)
	if !strings.Contains(p.LogText(), "entering FAULT state (no IPv4 address for interface)") {
		t.Errorf("no FAULT message for VI_2:\n%s", tail(p.LogText(), 20))
	}
	for time.Since(start) < 5*time.Second {
		if ok, _ := h.HasAddrOn("eth1", vip2); ok {
			t.Fatal("VI_2 took its VIP without an address on eth1")
		}
		r.stable(vip4, 0, 100*time.Millisecond)
	}
	if out, err := h.Run("ip", "addr", "add", "198.51.100.11/24", "dev", "eth1"); err != nil {
		t.Fatalf("add address: %v: %s", err, out)
	}
	added := time.Now()
	// BACKUP first, then master after Master_Down_Interval (3.41 s).
	deadline := added.Add(masterDown(150, time.Second) + time.Second)
	for {
		if ok, _ := h.HasAddrOn("eth1", vip2); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("VI_2 not master %s after its address appeared:\n%s", time.Since(added), tail(p.LogText(), 30))
		}
		r.stable(vip4, 0, 20*time.Millisecond)
	}
	t.Logf("VI_2 master %s after the address appeared", time.Since(added).Round(time.Millisecond))
	log := p.LogText()
	if n := strings.Count(log, "instance=VI_1 state="); n != 2 {
		t.Errorf("VI_1 changed state %d times, want 2 (BACKUP, MASTER):\n%s", n, tail(log, 30))
	}
	if !strings.Contains(log, "instance=VI_2 state=FAULT") || !strings.Contains(log, "instance=VI_2 state=MASTER") {
		t.Errorf("VI_2 did not go FAULT then MASTER:\n%s", tail(log, 30))
	}
}
