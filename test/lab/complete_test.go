package lab_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/tools/lab"
)

// use_vmac: the VIP lives on a macvlan with MAC 00:00:5e:00:01:VRID, the
// client reaches it at that MAC, and the macvlan is gone after stop.
func TestVMAC(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"use_vmac"}
	})[0]
	r.start(0, "govrrpd", c)
	h := r.lab.Routers[0]
	deadline := time.Now().Add(3 * time.Second)
	for {
		if ok, _ := h.HasAddrOn("vrrp.51", vip4); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("VIP not on vrrp.51")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.serveAll(8080)
	if err := r.dialUntil("192.0.2.200:8080", "r1", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.lab.Client.Neighbour(vip4); !strings.EqualFold(n, "00:00:5e:00:01:33") {
		t.Fatalf("client reaches the VIP at %q, want the virtual MAC 00:00:5e:00:01:33", n)
	}
	r.procs["r1"].Stop(3 * time.Second)
	if out, err := h.Run("ip", "link", "show", "vrrp.51"); err == nil {
		t.Fatalf("vrrp.51 still exists after stop:\n%s", out)
	}
}

// virtual_routes and virtual_rules appear on the master and leave when it
// becomes backup.
func TestVirtualRoutesAndRules(t *testing.T) {
	r := newRig(t, 2)
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{
			"virtual_routes {\n        198.51.100.0/24 via 192.0.2.100 dev eth0\n    }",
			"virtual_rules {\n        from 198.51.100.7 table 100 preference 100\n    }",
		}
	})
	has := func(i int) (route, rule bool) {
		h := r.lab.Routers[i]
		out, _ := h.Run("ip", "route", "show", "198.51.100.0/24")
		rl, _ := h.Run("ip", "rule", "show")
		return strings.Contains(out, "via 192.0.2.100"), strings.Contains(rl, "from 198.51.100.7 lookup 100")
	}
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", cs[1])
	r.stable(vip4, 0, 300*time.Millisecond)
	if rt, rl := has(0); !rt || !rl {
		t.Fatalf("master r1: route %v rule %v", rt, rl)
	}
	if rt, rl := has(1); rt || rl {
		t.Fatalf("backup r2 has route %v rule %v", rt, rl)
	}
	// r1's priority drops below r2's: r1 becomes backup, r2 master.
	os.WriteFile(r.confs["r1"], []byte(strings.Replace(cs[0], "priority 150", "priority 50", 1)), 0o644)
	r.procs["r1"].Signal(syscall.SIGHUP)
	r.waitMaster(vip4, 1, 3*time.Second)
	time.Sleep(100 * time.Millisecond)
	if rt, rl := has(0); rt || rl {
		t.Fatalf("r1 as backup still has route %v rule %v", rt, rl)
	}
	if rt, rl := has(1); !rt || !rl {
		t.Fatalf("r2 as master: route %v rule %v", rt, rl)
	}
}

// no_accept: a non-owner master holds the VIP but drops traffic to it,
// through govrrpd's nftables table.
func TestNoAcceptDropsTraffic(t *testing.T) {
	r := newRig(t, 1)
	c := confs([]int{150}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"no_accept"}
	})[0]
	r.start(0, "govrrpd", c)
	r.waitMaster(vip4, 0, 3*time.Second)
	r.serveAll(8080)
	if err := r.dialUntil(r.lab.Routers[0].Addr4.String()+":8080", "r1", 2*time.Second); err != nil {
		t.Fatalf("router's own address: %v", err)
	}
	if got, err := r.dial("192.0.2.200:8080"); err == nil {
		t.Fatalf("no_accept: the VIP answered (%q)", got)
	}
	r.procs["r1"].Stop(3 * time.Second)
	if out, _ := r.lab.Routers[0].Run("nft", "list", "tables"); strings.Contains(out, "keepalived") {
		t.Fatalf("nftables table left behind:\n%s", out)
	}
}

// A sync group of two instances on two interfaces moves together: when
// one link of the master goes down, both instances move to the backup.
func TestSyncGroupMovesTogether(t *testing.T) {
	r := newRigWith(t, lab.Config{Routers: 2, Client: true, Second: true})
	vip2 := lab.MustAddr("198.51.100.200")
	conf := func(prio string) string {
		return "vrrp_sync_group VG1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n" +
			instanceConf{Name: "VI_1", VRID: 51, Priority: atoi(prio), AdvertInt: "0.1", Version: 3, VIP: "192.0.2.200/24"}.text() +
			strings.Replace(instanceConf{Name: "VI_2", VRID: 52, Priority: atoi(prio), AdvertInt: "0.1", Version: 3, VIP: "198.51.100.200/24"}.text(),
				"interface eth0", "interface eth1", 1)
	}
	r.start(0, "govrrpd", conf("150"))
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", conf("100"))
	r.stable(vip4, 0, 300*time.Millisecond)
	on := func(i int) bool { ok, _ := r.lab.Routers[i].HasAddrOn("eth1", vip2); return ok }
	if !on(0) || on(1) {
		t.Fatalf("VI_2 before: r1 %v r2 %v", on(0), on(1))
	}
	r.lab.Routers[0].SetLink2(false) // r1's eth1 loses carrier
	r.waitMaster(vip4, 1, 3*time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for on(0) || !on(1) {
		if time.Now().After(deadline) {
			t.Fatalf("VI_2 after link down: r1 %v r2 %v", on(0), on(1))
		}
		time.Sleep(20 * time.Millisecond)
	}
	waitLog(t, r, "r1", `msg="sync group entering state" group=VG1 state=FAULT`, time.Second)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// Notify scripts and the notify FIFO get every transition, in order.
func TestNotifyScriptsAndFIFOInOrder(t *testing.T) {
	r := newRig(t, 2)
	script, nlog := notifyScript(t, r.dir)
	fifo := filepath.Join(r.dir, "notify.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Open the reader first (read-write, so it never sees EOF between
	// writers), as a notify_fifo consumer would.
	rf, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.Close()
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(rf)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	defs := "global_defs {\n    enable_script_security\n    script_user root\n    notify_fifo " + fifo + "\n}\n"
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		tag := fmt.Sprintf("r%d", i+1)
		c.Extra = []string{"notify_master \"" + script + " " + tag + "-master\"", "notify_backup \"" + script + " " + tag + "-backup\"", "notify " + script}
	})
	r.start(1, "govrrpd", cs[1])
	r.waitMaster(vip4, 1, 3*time.Second)
	r.start(0, "govrrpd", defs+cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.procs["r1"].Stop(3 * time.Second)
	r.waitMaster(vip4, 1, 3*time.Second)
	want := []string{`INSTANCE "VI_1" BACKUP 150`, `INSTANCE "VI_1" MASTER 150`, `INSTANCE "VI_1" STOP 150`}
	var got []string
	timeout := time.After(3 * time.Second)
	for len(got) < len(want) {
		select {
		case l := <-lines:
			// A preempting master also hears the old master's lower-priority
			// advert: keepalived's MASTER_RX_LOWER_PRI event line.
			if !strings.Contains(l, "MASTER_RX_LOWER_PRI") {
				got = append(got, l)
			}
		case <-timeout:
			t.Fatalf("FIFO lines %q, want %q", got, want)
		}
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("FIFO lines %q, want %q", got, want)
	}
	// The script log holds both routers' calls; r1's are the ones with
	// priority 150, and its specific and generic scripts alternate in order.
	b, _ := os.ReadFile(nlog)
	var r1 []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasSuffix(l, " 150") || strings.HasPrefix(l, "r1-") {
			r1 = append(r1, l)
		}
	}
	t.Logf("notify calls: %q", r1)
	joined := strings.Join(r1, "|")
	if joined != "r1-backup|INSTANCE VI_1 BACKUP 150|r1-master|INSTANCE VI_1 MASTER 150|INSTANCE VI_1 STOP 150" ||
		!strings.HasSuffix(joined, "INSTANCE VI_1 STOP 150") {
		t.Fatalf("notify order: %q", r1)
	}
}

// With enable_script_security, a script that a non-root user could change
// is refused (and, as keepalived, never run).
func TestInsecureScriptRefused(t *testing.T) {
	r := newRig(t, 1)
	dir := filepath.Join(r.dir, "open")
	os.Mkdir(dir, 0o777)
	os.Chmod(dir, 0o777)
	marker := filepath.Join(r.dir, "ran")
	script := filepath.Join(dir, "notify.sh")
	os.WriteFile(script, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o755)
	defs := "global_defs {\n    enable_script_security\n    script_user root\n}\n"
	c := confs([]int{150}, func(i int, c *instanceConf) {
		c.AdvertInt, c.Version = "0.1", 3
		c.Extra = []string{"notify_master " + script}
	})[0]
	r.start(0, "govrrpd", defs+c)
	r.waitMaster(vip4, 0, 3*time.Second)
	waitLog(t, r, "r1", "cannot run (not found or insecure) - disabling", 2*time.Second)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the insecure script ran")
	}
}

// static_ipaddress and static_routes are installed at start whatever the
// VRRP state (here: a backup), and removed at exit.
func TestStaticAddressesAndRoutes(t *testing.T) {
	r := newRig(t, 2)
	static := "static_ipaddress {\n    198.51.100.50/32 dev eth0\n}\nstatic_routes {\n    203.0.113.0/24 via 192.0.2.100 dev eth0\n}\n"
	cs := confs([]int{150, 100}, func(i int, c *instanceConf) { c.AdvertInt, c.Version = "0.1", 3 })
	r.start(0, "govrrpd", cs[0])
	r.waitMaster(vip4, 0, 3*time.Second)
	r.start(1, "govrrpd", static+cs[1])
	r.stable(vip4, 0, 300*time.Millisecond)
	h := r.lab.Routers[1]
	deadline := time.Now().Add(2 * time.Second)
	for {
		ok, _ := h.HasAddr(lab.MustAddr("198.51.100.50"))
		rt, _ := h.Run("ip", "route", "show", "203.0.113.0/24")
		if ok && strings.Contains(rt, "via 192.0.2.100") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backup r2: static address %v, route %q", ok, rt)
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.procs["r2"].Stop(3 * time.Second)
	if ok, _ := h.HasAddr(lab.MustAddr("198.51.100.50")); ok {
		t.Fatal("static address left after exit")
	}
	if rt, _ := h.Run("ip", "route", "show", "203.0.113.0/24"); strings.TrimSpace(rt) != "" {
		t.Fatalf("static route left after exit: %q", rt)
	}
}
