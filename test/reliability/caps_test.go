package reliability

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestCapabilities restarts r1's daemon without a capability it needs,
// through setpriv's bounding set (root keeps only what the set allows):
// without CAP_NET_RAW it cannot open the VRRP socket and must exit with one
// clear message naming it; without CAP_NET_ADMIN its VIP add fails, and it
// must then exit naming the capability or go FAULT, never advertise as a
// master that holds no VIP (issue #16 item 5).
func TestCapabilities(t *testing.T) {
	impls := implementations(t)
	if _, err := exec.LookPath("setpriv"); err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	set := setup{Version: 3, Advert: 100 * time.Millisecond}
	for _, impl := range impls {
		t.Run(impl.name, func(t *testing.T) {
			r := newRig(t, impl, set)
			for _, c := range []struct{ cap, name string }{{"net_raw", "CAP_NET_RAW"}, {"net_admin", "CAP_NET_ADMIN"}} {
				r.procs[0].Stop(5 * time.Second)
				if err := r.waitOnly(1, 2*set.masterDown()+2*time.Second); err != nil {
					t.Fatal(err)
				}
				r.wrap = []string{"setpriv", "--bounding-set=-" + c.cap, "--"}
				r.start(0)
				r.wrap = nil
				from := time.Now()
				exited := r.procs[0].Wait(3*set.masterDown() + 2*time.Second)
				to := time.Now()
				logged := r.logLines(0, 0, r.logSize(0))
				var named string
				for _, l := range logged {
					if strings.Contains(strings.ToUpper(l), c.name) || strings.Contains(strings.ToUpper(l), strings.TrimPrefix(c.name, "CAP_")) {
						named = l
					}
				}
				// A VIP-less master: r1 advertises while nobody holds the VIP
				// on r1 (r2 yields to its higher priority).
				adverts := len(r.adv.between(to.Add(-time.Second), to))
				held, _ := r.r[0].HasAddr(vip)
				vipless := !exited && adverts > 0 && !held
				var pass bool
				switch c.cap {
				case "net_raw":
					pass = exited && named != ""
				default:
					pass = (exited && named != "") || (!exited && !vipless)
				}
				result(t, impl.name, fmt.Sprintf("without %s: exited %v, %d adverts from r1 in the last second, VIP on r1 %v, VIP holders %v; message naming it: %.160q (after %v)",
					c.name, exited, adverts, held, r.holders(), named, to.Sub(from).Round(time.Millisecond)), pass)
				if !exited {
					r.procs[0].Stop(5 * time.Second)
				}
				r.start(0)
				if err := r.waitOnly(0, 2*set.masterDown()+5*time.Second); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
