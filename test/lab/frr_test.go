package lab_test

import (
	"fmt"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// FRR 8.4.4's vrrpd (Debian's frr) as the second peer: zebra and vrrpd in
// the router's namespace with their own pathspace, pid files, vty and
// zserv sockets, and the macvlan per virtual router FRR requires (virtual
// MAC, the VIP on it; FRR holds it in protodown while backup).
//
// FRR 8.4.4's own IPv6 bug shows here and is expected, not hidden: as IPv6
// master, FRR sends its first advert about 1 s after its unsolicited NA
// ("Failed to find address to bind"), so for that second the router it
// preempts or succeeds still believes itself master and both hold the VIP.

const frrDir = "/usr/lib/frr"

func needFRR(t *testing.T) {
	t.Helper()
	for _, d := range []string{"zebra", "vrrpd"} {
		if _, err := os.Stat(filepath.Join(frrDir, d)); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("FRR's %s is missing (apt-get install frr)", d)
			}
			t.Skipf("FRR is not installed (apt-get install frr): %v", err)
		}
	}
}

// frrCell is one virtual router of the FRR matrix.
type frrCell struct {
	version, family int
}

func (c frrCell) String() string { return fmt.Sprintf("v%d-ipv%d", c.version, c.family) }

func (c frrCell) vrid() int {
	return map[frrCell]int{{2, 4}: 51, {3, 4}: 52, {3, 6}: 53}[c]
}

func (c frrCell) vip() (netip.Addr, string) {
	if c.family == 6 {
		return netip.MustParseAddr("2001:db8::200"), "2001:db8::200/64"
	}
	return vip4, "192.0.2.200/24"
}

// macvlan is FRR's interface for the virtual router: vrrp4-VRID with the
// IPv4 virtual MAC, or vrrp6-VRID with the IPv6 one.
func (c frrCell) macvlan() (name, mac string) {
	if c.family == 6 {
		return fmt.Sprintf("vrrp6-%d", c.vrid()), fmt.Sprintf("00:00:5e:00:02:%02x", c.vrid())
	}
	return fmt.Sprintf("vrrp4-%d", c.vrid()), fmt.Sprintf("00:00:5e:00:01:%02x", c.vrid())
}

// frrRouter is FRR running on one lab router.
type frrRouter struct {
	h            *lab.Host
	dir          string
	zebra, vrrpd *lab.Proc
}

// setupFRRHost prepares router i for FRR once: the host settings FRR
// needs (answer ARP only for addresses on the asking interface, announce
// from the best one) and the macvlan, whose addrgenmode must be set after
// the link exists (the one-step form fails on this kernel).
func (r *rig) setupFRRHost(i int, c frrCell) {
	r.t.Helper()
	h := r.lab.Routers[i]
	name, mac := c.macvlan()
	_, vipText := c.vip()
	cmds := [][]string{
		{"sysctl", "-qw", "net.ipv4.conf.all.arp_ignore=1", "net.ipv4.conf.all.arp_announce=2"},
		{"ip", "link", "add", name, "link", h.If, "type", "macvlan", "mode", "bridge"},
		{"ip", "link", "set", "dev", name, "addrgenmode", "random"},
		{"ip", "link", "set", "dev", name, "address", mac},
		{"ip", "addr", "add", vipText, "dev", name, "nodad"},
		{"ip", "link", "set", "dev", name, "up"},
	}
	for _, cmd := range cmds {
		if _, err := h.Run(cmd[0], cmd[1:]...); err != nil {
			r.t.Fatal(err)
		}
	}
}

// startFRR runs zebra and vrrpd on router i with a virtual router of
// priority prio and 1 s adverts.
func (r *rig) startFRR(i int, c frrCell, prio int) *frrRouter {
	r.t.Helper()
	h := r.lab.Routers[i]
	f := &frrRouter{h: h, dir: r.frrDir(h, "frr")}
	vip, _ := c.vip()
	ipKw := "ip"
	if c.family == 6 {
		ipKw = "ipv6"
	}
	conf := fmt.Sprintf("interface eth0\n vrrp %[1]d version %[2]d\n vrrp %[1]d priority %[3]d\n"+
		" vrrp %[1]d advertisement-interval 1000\n vrrp %[1]d %[4]s %[5]s\n!\n", c.vrid(), c.version, prio, ipKw, vip)
	for name, text := range map[string]string{"zebra.conf": "hostname " + h.Name + "\n", "vrrpd.conf": conf} {
		if err := os.WriteFile(filepath.Join(f.dir, name), []byte(text), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
	f.zebra = r.startZebra(h, f.dir)
	var err error
	if f.vrrpd, err = h.Start(filepath.Join(f.dir, "vrrpd.log"), filepath.Join(frrDir, "vrrpd"), frrArgs(h, f.dir, "vrrpd")...); err != nil {
		r.t.Fatal(err)
	}
	// FRR holds a backup's macvlan in protodown from its first state on;
	// until then the macvlan looks like a master's. (Creating it in
	// protodown instead leaves it without the IPv6 link-local address
	// FRR binds to.)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(f.vrrpd.LogText(), "Initialize -> "); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			r.t.Fatalf("vrrpd on %s did not start its virtual router:\n%s", h.Name, f.vrrpd.LogText())
		}
	}
	r.t.Cleanup(func() {
		if r.t.Failed() {
			r.t.Logf("---- %s vrrpd ----\n%s", h.Name, tail(f.vrrpd.LogText(), 40))
		}
		f.vrrpd.Stop(2 * time.Second)
		f.zebra.Stop(2 * time.Second)
	})
	return f
}

// frrDir makes the directory of one FRR run on h. FRR drops to user frr
// (it refuses root outside group frrvty): the directory lives where that
// user can reach it.
func (r *rig) frrDir(h *lab.Host, what string) string {
	r.t.Helper()
	dir, err := os.MkdirTemp("", "govrrpd-"+what+"-"+h.Name+"-")
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { os.RemoveAll(dir) })
	os.Chmod(dir, 0o755)
	if u, err := user.Lookup("frr"); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(dir, uid, gid)
	}
	return dir
}

// frrArgs are the arguments of FRR daemon d on h: its own pathspace, pid
// file, vty and zserv sockets and configuration in dir.
func frrArgs(h *lab.Host, dir, d string) []string {
	return []string{"-N", h.NS, "-u", "frr", "-g", "frr", "-i", filepath.Join(dir, d+".pid"),
		"--vty_socket", dir, "-z", filepath.Join(dir, "zserv.api"), "-f", filepath.Join(dir, d+".conf"),
		"-P", "0", "--log", "stdout", "--log-level", "info"}
}

// startZebra runs zebra from dir (zebra.conf there) and waits for its
// zserv socket.
func (r *rig) startZebra(h *lab.Host, dir string) *lab.Proc {
	r.t.Helper()
	zebra, err := h.Start(filepath.Join(dir, "zebra.log"), filepath.Join(frrDir, "zebra"), frrArgs(h, dir, "zebra")...)
	if err != nil {
		r.t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(filepath.Join(dir, "zserv.api")); err == nil {
			return zebra
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("zebra on %s did not open its zserv socket:\n%s", h.Name, zebra.LogText())
		}
	}
}

// frrHolds reports whether FRR on h is master: its macvlan is out of
// protodown.
func frrHolds(h *lab.Host, c frrCell) bool {
	name, _ := c.macvlan()
	out, err := h.Run("ip", "-d", "link", "show", "dev", name)
	return err == nil && strings.Contains(out, "state UP") && !strings.Contains(out, "protodown on")
}

// frrHolders is every router holding the VIP: govrrpd on eth0, FRR by its
// macvlan.
func (r *rig) frrHolders(c frrCell, frr int) []int {
	vip, _ := c.vip()
	var out []int
	for i, h := range r.lab.Routers {
		if i == frr {
			if frrHolds(h, c) {
				out = append(out, i)
			}
		} else if ok, _ := h.HasAddr(vip); ok {
			out = append(out, i)
		}
	}
	return out
}

// waitFRRMaster waits until router want alone holds the VIP and returns
// how long both held it on the way (the double-master window).
func (r *rig) waitFRRMaster(c frrCell, frr, want int, timeout time.Duration) time.Duration {
	r.t.Helper()
	var both time.Duration
	last := time.Now()
	for deadline := last.Add(timeout); time.Now().Before(deadline); {
		h := r.frrHolders(c, frr)
		now := time.Now()
		if len(h) > 1 {
			both += now.Sub(last)
		}
		last = now
		if len(h) == 1 && h[0] == want {
			return both
		}
		time.Sleep(5 * time.Millisecond)
	}
	r.t.Fatalf("%s: after %s the VIP is held by %v, want only r%d", c, timeout, r.frrHolders(c, frr), want+1)
	return 0
}

// frrStable asserts router want alone holds the VIP for d.
func (r *rig) frrStable(c frrCell, frr, want int, d time.Duration) {
	r.t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if h := r.frrHolders(c, frr); len(h) != 1 || h[0] != want {
			r.t.Fatalf("%s: VIP held by %v, want only r%d", c, h, want+1)
		}
	}
}

// TestFRRVrrpd runs govrrpd against FRR 8.4.4 in either role and each
// version: election, steady state, kill failover and take-back, SIGTERM
// failover and take-back, and tshark judges govrrpd's frames.
func TestFRRVrrpd(t *testing.T) {
	needFRR(t)
	for _, c := range []frrCell{{2, 4}, {3, 4}, {3, 6}} {
		for _, govMaster := range []bool{true, false} {
			t.Run(c.String()+"/"+roleName(govMaster), func(t *testing.T) { runFRRCell(t, c, govMaster) })
		}
	}
}

// frrIPv6Silent: elected IPv6 master on a fresh start, FRR 8.4.4 often
// logs "Failed to find address to bind" and then, in this lab, sends no
// advert at all (not only ~1 s late), so govrrpd, hearing nobody, becomes
// master too. When that happens the cell checks exactly that and ends
// (logged, not hidden); when FRR does advertise, the cell runs on.
func frrIPv6Silent(t *testing.T, r *rig, f *frrRouter, c frrCell) bool {
	time.Sleep(6 * time.Second)
	if !strings.Contains(f.vrrpd.LogText(), "Failed to find address to bind") {
		return false
	}
	if h := r.frrHolders(c, 0); len(h) == 2 {
		t.Log("FRR 8.4.4 bug: IPv6 master without a bound socket sends no advert; both routers are master")
		return true
	}
	return false
}

// frrSlack bounds the double-master window of a handover as this test
// measures it: by polling `ip` in both namespaces (about 100 ms a round on
// a loaded machine), over govrrpd's 20 ms make-before-break grace; plus
// the second FRR 8.4.4's IPv6 bug adds when FRR becomes master (see the
// file comment).
func frrSlack(c frrCell, frrBecomesMaster bool) time.Duration {
	if c.family == 6 && frrBecomesMaster {
		return 1700 * time.Millisecond
	}
	return 400 * time.Millisecond
}

func runFRRCell(t *testing.T, c frrCell, govMaster bool) {
	r := newRig(t, 2)
	capt := r.startCapture()
	gov, frr, govPrio, frrPrio := 1, 0, 100, 150
	if govMaster {
		gov, frr, govPrio, frrPrio = 0, 1, 150, 100
	}
	r.setupFRRHost(frr, c)
	_, vipText := c.vip()
	gconf := confs([]int{govPrio}, func(_ int, ic *instanceConf) {
		ic.VRID, ic.Version, ic.VIP, ic.AdvertInt = c.vrid(), c.version, vipText, "1"
	})[0]
	startGov := func() { r.start(gov, "govrrpd", gconf) }
	master := 0 // the higher priority is always r1
	f := r.startFRR(frr, c, frrPrio)
	startGov()
	if c.family == 6 && !govMaster && frrIPv6Silent(t, r, f, c) {
		return
	}
	r.waitFRRMaster(c, frr, master, 12*time.Second)
	r.frrStable(c, frr, master, 5*time.Second)

	// SIGTERM the master (govrrpd or FRR), the other takes over; then back.
	if govMaster {
		r.procs[r.lab.Routers[gov].Name].Signal(syscall.SIGTERM)
	} else {
		f.vrrpd.Signal(syscall.SIGTERM)
	}
	both := r.waitFRRMaster(c, frr, 1, 4*time.Second)
	if both > frrSlack(c, govMaster) {
		t.Errorf("SIGTERM handover to r2: both held the VIP for %v", both)
	}
	r.frrStable(c, frr, 1, 2*time.Second)
	if govMaster {
		p := r.procs[r.lab.Routers[gov].Name]
		p.Wait(5 * time.Second)
		// FRR counts Skew_Time in whole centiseconds: its advert must
		// count as the successor's, not run govrrpd into its hold. (As an
		// IPv6 master FRR's first advert comes ~1 s late, past the hold:
		// its bug, above.)
		if c.family == 4 && !strings.Contains(p.LogText(), "handover: successor") {
			t.Errorf("govrrpd did not recognise FRR as its successor:\n%s", tail(p.LogText(), 10))
		}
		startGov()
	} else {
		f.vrrpd.Wait(5 * time.Second)
		f.zebra.Stop(2 * time.Second)
		r.startFRR(frr, c, frrPrio) // stopped by its own cleanup
	}
	both = r.waitFRRMaster(c, frr, 0, 12*time.Second)
	if both > frrSlack(c, !govMaster) {
		t.Errorf("take-back by r1: both held the VIP for %v", both)
	}
	r.frrStable(c, frr, 0, 3*time.Second)

	// Kill govrrpd wherever it runs: as master, FRR takes over after
	// Master_Down_Interval; as backup, nothing moves.
	r.procs[r.lab.Routers[gov].Name].Crash()
	if govMaster {
		// A crashed govrrpd leaves its VIP behind (as keepalived does);
		// FRR takes over, and the restarted govrrpd removes the stale
		// VIP first, then preempts.
		for deadline := time.Now().Add(5 * time.Second); !frrHolds(r.lab.Routers[frr], c); time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: FRR did not take over from a killed govrrpd", c)
			}
		}
		startGov()
		r.waitFRRMaster(c, frr, 0, 12*time.Second)
	} else {
		r.frrStable(c, frr, 0, 4*time.Second)
	}
	r.frrStable(c, frr, 0, 2*time.Second)

	rep, err := capt.judge(macsOf(r.lab.Routers[gov]))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Adverts == 0 || len(rep.Problems) > 0 {
		t.Errorf("tshark: %d govrrpd adverts, problems %v", rep.Adverts, rep.Problems)
	}
}
