//go:build ipvskernel && linux

package ipvs

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/vishvananda/netns"
)

func nsPath(ns netns.NsHandle) string { return fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), int(ns)) }

// keptNS is a namespace left open until the VM powers off. Namespaces
// closed mid-run are torn down by the kernel under rtnl_lock, which the
// daemon commands take too: under the VM's emulation that stalled a
// NEW/DEL_DAEMON for more than 30 s now and then.
func keptNS(t testing.TB) netns.NsHandle {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	ns, err := netns.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := netns.Set(orig); err != nil {
		t.Fatal(err)
	}
	return ns
}

// syncPair is two namespaces joined by veth "sya" (192.0.2.11) / "syb"
// (192.0.2.12), with the sync-daemon handle of the first.
func syncPair(t *testing.T) (*SyncKernel, netns.NsHandle, netns.NsHandle) {
	t.Helper()
	a, b := keptNS(t), keptNS(t)
	link(t, a, b, "sy", "192.0.2.11/24", "192.0.2.12/24")
	k, err := NewSyncKernel(nsPath(a))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(k.Close)
	return k, a, b
}

// settled lets a daemon thread finish starting before the next command:
// under the VM's emulation a DEL_DAEMON sent within milliseconds of the
// NEW_DAEMON now and then got no answer for over 30 s (3 of 9 runs of the
// errno table); with a pause, none in 9. ipvsadm, a process per command,
// never hit it.
type settled struct{ *SyncKernel }

func (s settled) StartSyncDaemon(c SyncConfig) error {
	err := s.SyncKernel.StartSyncDaemon(c)
	time.Sleep(300 * time.Millisecond)
	return err
}

func TestKernelSyncErrnos(t *testing.T) {
	runSyncErrnoCases(t, "sya", func(t *testing.T) SyncBackend { k, _, _ := syncPair(t); return settled{k} })
}

// ipvsadmDaemon is `ipvsadm -L --daemon` inside ns ("" when ipvsadm is not
// in the VM).
func ipvsadmDaemon(t *testing.T, ns netns.NsHandle) string {
	t.Helper()
	if _, err := exec.LookPath("ipvsadm"); err != nil {
		return ""
	}
	out, err := exec.Command("nsenter", "--net="+nsPath(ns), "ipvsadm", "-L", "--daemon").CombinedOutput()
	if err != nil {
		t.Fatalf("ipvsadm -L --daemon: %v\n%s", err, out)
	}
	return string(out)
}

// TestKernelSyncDaemon starts the daemon with each option set, reads it
// back through GET_DAEMON and ipvsadm, switches it as keepalived does and
// stops it.
func TestKernelSyncDaemon(t *testing.T) {
	cases := []struct {
		name   string
		cfg    SyncConfig
		master bool // also run as master (needs an IPv4 group)
		adm    string
	}{
		{"defaults", SyncConfig{Interface: "sya", SyncID: 51, Group: DefaultSyncGroup, Port: 8848, TTL: 1}, true,
			"mcast=sya, syncid=51"},
		{"every option", SyncConfig{Interface: "sya", SyncID: 7, MaxLen: 1400, Group: netip.MustParseAddr("239.1.2.3"), Port: 9000, TTL: 3}, true,
			"mcast=sya, syncid=7, maxlen=1400, group=239.1.2.3, port=9000, ttl=3"},
		{"IPv6 group", SyncConfig{Interface: "sya", SyncID: 0, Group: netip.MustParseAddr("ff05::81"), Port: 8848, TTL: 1}, false,
			"group=ff05::81"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, a, _ := syncPair(t)
			check := func(want SyncState) {
				t.Helper()
				ds, err := k.SyncDaemons()
				if err != nil {
					t.Fatal(err)
				}
				if len(ds) != 1 || ds[0].State != want {
					t.Fatalf("GET_DAEMON: %+v, want one %s daemon", ds, want)
				}
				got, w := ds[0], tc.cfg
				w.State = want
				if w.MaxLen == 0 {
					w.MaxLen = got.MaxLen // the kernel derives it from the MTU
				}
				if got != w || got.MaxLen == 0 {
					t.Errorf("GET_DAEMON read back\n%+v\nwant\n%+v", got, w)
				}
				out := ipvsadmDaemon(t, a)
				if out != "" && (!strings.Contains(out, want.String()+" sync daemon (") || !strings.Contains(out, tc.adm)) {
					t.Errorf("ipvsadm -L --daemon lacks %s and %q:\n%s", want, tc.adm, out)
				}
				t.Logf("ipvsadm -L --daemon: %s", strings.TrimSpace(out))
			}
			s := NewSyncSwitch(k, tc.cfg)
			if err := s.Start(false); err != nil {
				t.Fatal(err)
			}
			check(SyncBackup)
			if tc.master {
				if err := s.Master(); err != nil {
					t.Fatal(err)
				}
				check(SyncMaster)
				if err := s.Backup(); err != nil {
					t.Fatal(err)
				}
				check(SyncBackup)
			}
			if err := s.Stop(); err != nil {
				t.Fatal(err)
			}
			if ds, err := k.SyncDaemons(); err != nil || len(ds) != 0 {
				t.Fatalf("after stop: %+v %v", ds, err)
			}
		})
	}
}

// TestKernelSyncConnections: connections a master director balances show
// up in the backup director's table, across the sync link.
//
//	cli 192.0.2.2 -- 192.0.2.1 (VIP) lb1 198.51.100.1 -- 198.51.100.2 rs
//	                 lb1 203.0.113.1 (sync, master) -- 203.0.113.2 lb2 (backup)
func TestKernelSyncConnections(t *testing.T) {
	cli, lb1, lb2, rs1 := keptNS(t), keptNS(t), keptNS(t), keptNS(t)
	link(t, cli, lb1, "c", "192.0.2.2/24", "192.0.2.1/24")
	link(t, lb1, rs1, "r", "198.51.100.1/30", "198.51.100.2/30")
	link(t, lb1, lb2, "s", "198.51.100.9/30", "198.51.100.10/30")
	defaultRoute(t, cli, "192.0.2.1")
	defaultRoute(t, rs1, "198.51.100.1")
	inNS(t, lb1, func() error { return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0) })
	serve(t, rs1, "198.51.100.2:8080", "rs1")
	v := vs("192.0.2.1:80", rs("198.51.100.2:8080", 1))
	cfg := SyncConfig{SyncID: 9, Group: DefaultSyncGroup, Port: 8848, TTL: 1}
	for _, d := range []struct {
		ns     netns.NsHandle
		ifname string
		master bool
	}{{lb1, "sa", true}, {lb2, "sb", false}} {
		k, err := NewKernel(nsPath(d.ns))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(k.Close)
		if _, err := NewReconciler(k, nil).Load(Config{Servers: []VirtualServer{v}}); err != nil {
			t.Fatal(err)
		}
		sk, err := NewSyncKernel(nsPath(d.ns))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(sk.Close)
		c := cfg
		c.Interface = d.ifname
		s := NewSyncSwitch(sk, c)
		if err := s.Start(d.master); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Stop() })
	}
	for range 5 {
		if got := ask(t, cli, "192.0.2.1:80"); got != "rs1" {
			t.Fatalf("through the master director: %q", got)
		}
	}
	// The master flushes its sync buffer about every 2 s.
	client := "C0000202" // 192.0.2.2 as /proc/net/ip_vs_conn writes it
	var table string
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		inNS(t, lb2, func() (err error) {
			b, err := os.ReadFile("/proc/thread-self/net/ip_vs_conn")
			table = string(b)
			return err
		})
		if strings.Count(table, client) >= 5 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("backup director's connections:\n%s", table)
	if n := strings.Count(table, client); n < 5 {
		t.Fatalf("backup holds %d of the client's 5 connections", n)
	}
	if !strings.Contains(table, "C0000201 0050 C6336402 1F90") {
		t.Errorf("synced connections lack VIP 192.0.2.1:80 -> 198.51.100.2:8080")
	}
}
