package lab_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// track_bfd and BFD_CHECK end to end, with keepalived 2.2.7's BFD child as
// the gateway and the real server.

// TestBFDTrackMovesVIP: r1 (priority 150) tracks its gateway r3 with
// track_bfd weight -100; while the session is down r1 is at 50 and r2
// (100) is master. The session comes Up, r1 takes the VIP; the gateway
// dies, r1 drops to 50 and the VIP moves to r2. The same rig with
// keepalived on r1 and r2 gives the comparison (printed, with the ratio).
func TestBFDTrackMovesVIP(t *testing.T) {
	var mu sync.Mutex
	moved := map[string]time.Duration{}
	for _, impl := range []string{"govrrpd", "keepalived"} {
		t.Run(impl, func(t *testing.T) {
			r := newRigWith(t, lab.Config{Routers: 3, Client: true})
			gw := r.lab.Routers[2]
			cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
				c.AdvertInt, c.Version = "0.1", 3
				if i == 0 {
					c.Extra = []string{"track_bfd {", "    gw weight -100", "}"}
				}
			})
			r.start(0, impl, bfdInstanceConf("gw", gw.Addr4)+cs[0])
			r.start(1, impl, cs[1])
			r.waitMaster(vip4, 1, 10*time.Second)
			peer := r.startBFDPeer(gw, "keepalived", r.lab.Routers[0].Addr4, gw.Addr4).proc
			r.waitMaster(vip4, 0, 20*time.Second)
			time.Sleep(time.Second) // 50 ms timers settled on both sides
			killed := crashGroup(peer)
			at := r.waitMaster(vip4, 1, 10*time.Second)
			d := at.Sub(killed)
			mu.Lock()
			moved[impl] = d
			mu.Unlock()
			// Detection (≤ 3 × 50 ms) + r2's Master_Down_Interval at 0.1 s
			// and priority 100 (3 × 100 ms + 61 ms) + 10 ms.
			target := bfdMult*bfdInterval + 361*time.Millisecond + 10*time.Millisecond
			t.Logf("%s: VIP moved %s after the gateway died; target <= %s: %s", impl, d.Round(time.Millisecond),
				target, verdict(d <= target))
		})
	}
	g, k := moved["govrrpd"], moved["keepalived"]
	if g > 0 && k > 0 {
		t.Logf("VIP moved after a tracked gateway died (BFD 50 ms x 3, VRRP v3 0.1 s): govrrpd %s, keepalived %s, ratio %.2f",
			g.Round(time.Millisecond), k.Round(time.Millisecond), float64(g)/float64(k))
	}
}

// TestBFDCheckRemovesRealServer: a BFD_CHECK takes its real server out of
// the (in-memory) IPVS table when the server's BFD dies and puts it back
// when it returns.
func TestBFDCheckRemovesRealServer(t *testing.T) {
	r := newRig(t, 1)
	tmp := filepath.Join(r.dir, "tmp")
	os.Mkdir(tmp, 0o700)
	client := r.lab.Client
	conf := bfdInstanceConf("rs", client.Addr4) + confs([]int{150}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })[0] + `
virtual_server 192.0.2.200 8080 {
    lb_algo rr
    lb_kind NAT
    protocol TCP
    real_server 192.0.2.100 8081 {
        weight 2
        BFD_CHECK {
            name rs
        }
    }
}
`
	r.startFull(0, "govrrpd", conf, []string{"TMPDIR=" + tmp, "GOVRRPD_IPVS_BACKEND=memory"})
	r.waitMaster(vip4, 0, 10*time.Second) // running, its SIGUSR1 handler in place
	dump := func() string {
		os.Remove(filepath.Join(tmp, "keepalived_check.data"))
		r.procs["r1"].Signal(syscall.SIGUSR1)
		for range 200 {
			if b, err := os.ReadFile(filepath.Join(tmp, "keepalived_check.data")); err == nil {
				return string(b)
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("no keepalived_check.data")
		return ""
	}
	waitDump := func(want string, present bool, d time.Duration) time.Time {
		t.Helper()
		deadline := time.Now().Add(d)
		for {
			s := dump()
			if strings.Contains(s, want) == present {
				return time.Now()
			}
			if time.Now().After(deadline) {
				t.Fatalf("IPVS table after %v (want %q present=%v):\n%s", d, want, present, s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	dest := "-> 192.0.2.100:8081 weight 2"
	waitDump(dest, true, 10*time.Second)
	peer := r.startBFDPeer(client, "keepalived", r.lab.Routers[0].Addr4, client.Addr4).proc
	up, i := waitBFD(t, r.procs["r1"], 0, "Up", "", 30*time.Second)
	waitDump(dest, true, time.Second)
	// SIGUSR1 also writes keepalived_bfd.data, as keepalived's BFD child.
	for deadline := time.Now().Add(5 * time.Second); ; {
		dump()
		b, _ := os.ReadFile(filepath.Join(tmp, "keepalived_bfd.data"))
		if strings.Contains(string(b), " BFD Instance = rs\n") && strings.Contains(string(b), "   local state = Up\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("keepalived_bfd.data:\n%s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The API shows the session with its negotiated timers (once both
	// poll sequences are done).
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		js, err := cli(t, "status", "--json", "--control-socket", r.sock(0))
		if err == nil && strings.Contains(js, `"bfd_sessions"`) && strings.Contains(js, `"state": "Up"`) &&
			strings.Contains(js, `"detect_time_ms": 150`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status --json (%v):\n%s", err, js)
		}
	}
	killed := crashGroup(peer)
	waitBFD(t, r.procs["r1"], i+1, "Down", "detection-time-expired", 10*time.Second)
	gone := waitDump(dest, false, 5*time.Second)
	t.Logf("BFD_CHECK: session Up at %s; server killed, out of the table %s later (polled)",
		up.at.Format("15:04:05.000"), gone.Sub(killed).Round(time.Millisecond))
	r.startBFDPeer(client, "keepalived", r.lab.Routers[0].Addr4, client.Addr4)
	waitDump(dest, true, 30*time.Second)
}

// TestBFDReloadAddsTracking: a SIGHUP that adds a bfd_instance and a
// track_bfd (weight 0) to a running master starts the session and tracks
// it: the master holds the VIP once the session is Up and goes FAULT,
// handing the VIP over, when the gateway dies.
func TestBFDReloadAddsTracking(t *testing.T) {
	r := newRigWith(t, lab.Config{Routers: 3, Client: true})
	gw := r.lab.Routers[2]
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	p := r.start(0, "govrrpd", cs[0])
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 0, 10*time.Second)
	peer := r.startBFDPeer(gw, "keepalived", r.lab.Routers[0].Addr4, gw.Addr4).proc
	tracked := confs([]int{150}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"track_bfd {", "    gw", "}"}
	})[0]
	if err := os.WriteFile(r.confs["r1"], []byte(bfdInstanceConf("gw", gw.Addr4)+tracked), 0o644); err != nil {
		t.Fatal(err)
	}
	p.Signal(syscall.SIGHUP)
	_, i := waitBFD(t, p, 0, "Up", "", 30*time.Second)
	r.waitMaster(vip4, 0, 10*time.Second)
	crashGroup(peer)
	waitBFD(t, p, i+1, "Down", "detection-time-expired", 10*time.Second)
	r.waitMaster(vip4, 1, 10*time.Second)
}
