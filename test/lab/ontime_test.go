package lab_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Adverts go out on time while the daemon is busy: 20 reloads of a
// configuration with 5,000 virtual servers (read and checked off the event
// loop) must not delay r1's 50 ms adverts past r2's master-down interval
// (3 × 50 ms + skew), so r2 never becomes master.
func TestAdvertsOnTimeDuringHeavyReloads(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.05", 3 })
	var big strings.Builder
	for v := 0; v < 5000; v++ {
		fmt.Fprintf(&big, "virtual_server 198.51.100.%d %d {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    real_server 192.0.2.%d 80 {\n        weight 1\n        TCP_CHECK {\n            connect_timeout 3\n        }\n    }\n}\n",
			v%250+1, 1000+v/250, v%200+1)
	}
	r.start(0, "govrrpd", cs[0]+big.String())
	r.waitMaster(vip4, 0, 5*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 500*time.Millisecond)
	for i := 0; i < 20; i++ {
		r.procs["r1"].Signal(syscall.SIGHUP)
		time.Sleep(150 * time.Millisecond)
	}
	waitLog(t, r, "r1", "reload complete", 5*time.Second)
	time.Sleep(500 * time.Millisecond)
	if strings.Contains(r.procs["r2"].LogText(), "state=MASTER") {
		t.Fatalf("r2 took over while r1 was reloading: r1's adverts were late")
	}
	n := strings.Count(r.procs["r1"].LogText(), "reload complete")
	t.Logf("%d reloads of a %d-line configuration; r2 stayed backup", n, strings.Count(cs[0]+big.String(), "\n"))
	if n == 0 {
		t.Fatal("no reload completed")
	}
}
