//go:build ipvskernel && linux

// These tests need a kernel with IPVS and run as root; they are built with
// -tags ipvskernel and run inside the VM that test/kernel boots (see
// test/kernel/kernel_test.go). Each test gets a fresh network namespace, so
// a fresh IPVS table.
package ipvs

import (
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// newNSKernel opens the IPVS table of a new network namespace.
func newNSKernel(t testing.TB) (*Kernel, string) {
	t.Helper()
	ns := keptNS(t) // closed at cleanup: these tests run no sync daemon
	// With lo down the kernel refuses every destination with EINVAL (its
	// address-type check finds no local table to consult).
	nh, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	lo, err := nh.LinkByName("lo")
	if err == nil {
		err = nh.LinkSetUp(lo)
	}
	nh.Close()
	if err != nil {
		t.Fatalf("lo up: %v", err)
	}
	path := nsPath(ns)
	k, err := NewKernel(path)
	if err != nil {
		ns.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { k.Close(); ns.Close() })
	return k, path
}

func TestKernelErrnos(t *testing.T) {
	runErrnoCases(t, func(t *testing.T) Backend { k, _ := newNSKernel(t); return k })
}

// kindsTable holds every kind of service and destination the model has.
func kindsTable(t *testing.T) Table {
	tab := Table{}
	add := func(s Service, ds ...Dest) {
		if s.Netmask == 0 {
			s.Netmask = 0xffffffff
			if s.Key.Family == 6 {
				s.Netmask = 128
			}
		}
		tab[s.Key] = entry(s, ds...)
	}
	port := uint16(1000)
	for _, sched := range KernelSchedulers {
		if sched == "twos" && !schedulerLoaded("twos") {
			t.Log("ip_vs_twos not in this kernel (needs Linux 6.2); skipped")
			continue
		}
		port++
		add(Service{Key: ServiceKey{Family: 4, Protocol: TCP, Addr: netip.MustParseAddr("192.0.2.1"), Port: port}, Scheduler: sched},
			Dest{Addr: netip.MustParseAddrPort("198.51.100.1:80"), Weight: 3, Method: NAT},
			Dest{Addr: netip.MustParseAddrPort("198.51.100.2:80"), Weight: 0, Method: DR},
			Dest{Addr: netip.MustParseAddrPort("198.51.100.3:80"), Weight: 1, Method: TUN, UThreshold: 100, LThreshold: 10})
	}
	add(Service{Key: ServiceKey{Family: 4, Protocol: UDP, Addr: netip.MustParseAddr("192.0.2.2"), Port: 53}, Scheduler: "rr", Flags: FlagOnePacket},
		Dest{Addr: netip.MustParseAddrPort("198.51.100.1:53"), Weight: 1})
	add(Service{Key: ServiceKey{Family: 4, Protocol: SCTP, Addr: netip.MustParseAddr("192.0.2.3"), Port: 3868}, Scheduler: "wlc"},
		Dest{Addr: netip.MustParseAddrPort("198.51.100.1:3868"), Weight: 1})
	add(Service{Key: ServiceKey{Family: 4, Protocol: TCP, Addr: netip.MustParseAddr("192.0.2.4"), Port: 443}, Scheduler: "sh",
		Flags: FlagPersistent | FlagSched1 | FlagSched2, Timeout: 300, Netmask: nativeMask(255, 255, 255, 0)},
		Dest{Addr: netip.MustParseAddrPort("198.51.100.1:443"), Weight: 1})
	add(Service{Key: ServiceKey{Family: 4, Protocol: TCP, Addr: netip.MustParseAddr("192.0.2.4"), Port: 0}, Scheduler: "mh",
		Flags: FlagPersistent | FlagSched2, Timeout: 60},
		Dest{Addr: netip.MustParseAddrPort("198.51.100.1:0"), Weight: 1, Method: DR})
	add(Service{Key: ServiceKey{Family: 6, Protocol: TCP, Addr: netip.MustParseAddr("2001:db8::1"), Port: 80}, Scheduler: "wrr",
		Flags: FlagPersistent, Timeout: 30, Netmask: 64},
		Dest{Addr: netip.MustParseAddrPort("[2001:db8:1::1]:80"), Weight: 2},
		Dest{Addr: netip.MustParseAddrPort("[2001:db8:1::2]:80"), Weight: 2, Method: DR})
	add(Service{Key: ServiceKey{Family: 4, FWMark: 1}, Scheduler: "wlc"},
		Dest{Addr: netip.MustParseAddrPort("198.51.100.1:0"), Weight: 1, Method: DR})
	add(Service{Key: ServiceKey{Family: 6, FWMark: 1}, Scheduler: "lc"},
		Dest{Addr: netip.MustParseAddrPort("[2001:db8:1::1]:0"), Weight: 1, Method: TUN})
	return tab
}

func schedulerLoaded(name string) bool {
	_, err := os.Stat("/sys/module/ip_vs_" + name)
	return err == nil
}

func sameTable(t *testing.T, b Backend, want Table) {
	t.Helper()
	got, err := Read(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("kernel has %d services, want %d", len(got), len(want))
	}
	if ops := Diff(want, got, func(ServiceKey) bool { return true }); len(ops) != 0 {
		t.Fatalf("kernel differs from model, would need: %s", opStrings(ops))
	}
}

// TestKernelRoundTrip creates, reads back, updates and deletes every kind
// of service and destination.
func TestKernelRoundTrip(t *testing.T) {
	k, nsPath := newNSKernel(t)
	want := kindsTable(t)
	if _, err := ApplyOps(k, Diff(want, Table{}, nil)); err != nil {
		t.Fatal(err)
	}
	sameTable(t, k, want)
	crossCheckIpvsadm(t, nsPath, want)

	changed := want.Clone()
	for _, key := range changed.Keys() {
		e := changed[key]
		e.Service.Scheduler = map[bool]string{true: "rr", false: "wrr"}[e.Service.Scheduler != "rr"]
		e.Service.Flags ^= FlagPersistent
		e.Service.Timeout = map[bool]uint32{true: 120, false: 0}[e.Service.Flags&FlagPersistent != 0]
		for a, d := range e.Dests {
			d.Weight += 5
			d.Method = (d.Method + 1) % 3
			e.Dests[a] = d
		}
	}
	ops := Diff(changed, want, nil)
	if _, err := ApplyOps(k, ops); err != nil {
		t.Fatal(err)
	}
	sameTable(t, k, changed)
	del := Diff(Table{}, changed, func(ServiceKey) bool { return true })
	if _, err := ApplyOps(k, del); err != nil {
		t.Fatal(err)
	}
	sameTable(t, k, Table{})
}

func crossCheckIpvsadm(t *testing.T, nsPath string, want Table) {
	if _, err := exec.LookPath("ipvsadm"); err != nil {
		t.Log("ipvsadm not in the VM; cross-check skipped")
		return
	}
	out, err := exec.Command("nsenter", "--net="+nsPath, "ipvsadm", "-Ln").CombinedOutput()
	if err != nil {
		t.Fatalf("ipvsadm: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var svcs, dests int
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "TCP") || strings.HasPrefix(l, "UDP") || strings.HasPrefix(l, "SCTP") || strings.HasPrefix(l, "FWM"):
			svcs++
		case strings.HasPrefix(l, "  ->") && !strings.Contains(l, "RemoteAddress"):
			dests++
		}
	}
	if svcs != len(want) || dests != want.DestCount() {
		t.Fatalf("ipvsadm -Ln shows %d services, %d destinations; want %d, %d\n%s", svcs, dests, len(want), want.DestCount(), out)
	}
	for _, s := range []string{"192.0.2.4:443 sh (sh-fallback,sh-port) persistent 300 mask 255.255.255.0", "[2001:db8::1]:80 wrr persistent 30 mask 64", "Tunnel", "Route", "Masq"} {
		if !strings.Contains(string(out), s) {
			t.Errorf("ipvsadm -Ln lacks %q:\n%s", s, out)
		}
	}
}

func kernelConfig() Config {
	var servers []VirtualServer
	for i := range 5 {
		v := vs(fmt.Sprintf("192.0.2.%d:80", 10+i), rs("198.51.100.1:80", 1), rs("198.51.100.2:80", 2))
		servers = append(servers, v)
	}
	fw := VirtualServer{FWMark: 9, Family: 6, Protocol: TCP, Scheduler: "mh", Opts: &VirtualOptions{SchedFlags: []string{"mh-port"}}, Quorum: 1,
		Forwarding: Forwarding{Method: DR}, Reals: []RealServer{rs("[2001:db8:1::1]:0", 4)}}
	return Config{Globals: Globals{Timeouts: Timeouts{TCP: 901 * time.Second, UDP: 301 * time.Second}}, Servers: append(servers, fw)}
}

// TestKernelReconcile: from empty, from a foreign-populated table, a
// reload with one change, health, and release.
func TestKernelReconcile(t *testing.T) {
	k, _ := newNSKernel(t)
	foreign := svc(key("198.51.100.200:8080"), "rr")
	stale := svc(key("192.0.2.10:80"), "lc") // one of ours, set up by hand beforehand
	for _, op := range []Op{{Kind: AddService, Service: foreign}, {Kind: AddDest, Service: foreign, Dest: dest("198.51.100.201:8080", 1)},
		{Kind: AddService, Service: stale}, {Kind: AddDest, Service: stale, Dest: dest("198.51.100.9:80", 1)}} {
		if err := k.Apply(op); err != nil {
			t.Fatal(err)
		}
	}
	r := NewReconciler(k, nil)
	cfg := kernelConfig()
	rep, err := r.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// 5 services, of which one adopted (update + del-dest): 4 adds + 1 update + 1 del + 11 add-dest + fwmark add.
	if len(rep.Ops) != 4+1+1+10+1+1 {
		t.Fatalf("initial ops (%d): %s", len(rep.Ops), opStrings(rep.Ops))
	}
	if to, err := k.GetTimeouts(); err != nil || to.TCP != 901*time.Second || to.UDP != 301*time.Second {
		t.Fatalf("timeouts %+v %v", to, err)
	}
	got, _ := Read(k, nil)
	if len(got) != 7 || weights2(got, foreign.Key) != "198.51.100.201:8080=1" || got[stale.Key].Service.Scheduler != "wrr" {
		t.Fatalf("after load: %v", got.Keys())
	}
	if rep, err := r.Load(cfg); err != nil || len(rep.Ops) != 0 {
		t.Fatalf("same config reload: %s %v", opStrings(rep.Ops), err)
	}
	cfg = kernelConfig()
	cfg.Servers[2].Reals[1].Weight = 5
	if rep, err := r.Load(cfg); err != nil || len(rep.Ops) != 1 || rep.Ops[0].Kind != UpdateDest {
		t.Fatalf("one-change reload: %s %v", opStrings(rep.Ops), err)
	}
	if _, err := r.Health(Health{Service: cfg.Servers[0].Key(), Real: cfg.Servers[0].Reals[0].Addr}); err != nil {
		t.Fatal(err)
	}
	got, _ = Read(k, nil)
	if w := weights2(got, key("192.0.2.10:80")); w != "198.51.100.2:80=2" {
		t.Fatalf("after health down: %s", w)
	}
	if _, err := r.Release(); err != nil {
		t.Fatal(err)
	}
	got, _ = Read(k, nil)
	if len(got) != 2 || weights2(got, foreign.Key) != "198.51.100.201:8080=1" || weights2(got, stale.Key) != "" {
		t.Fatalf("after release: %v %q", got.Keys(), weights2(got, stale.Key))
	}
}

func weights2(t Table, k ServiceKey) string {
	m := &Memory{t: t}
	return weights(m, k)
}

func TestKernelUnknownSchedulerIsError(t *testing.T) {
	k, _ := newNSKernel(t)
	err := k.Apply(Op{Kind: AddService, Service: svc(key("192.0.2.1:80"), "nosuch")})
	if !errors.Is(err, syscall.ENOENT) {
		t.Fatalf("got %v", err)
	}
}

// TestKernelLoadChanged: the kernel answers a read of one service (and
// ESRCH, taken as "none", for a missing one), and a reload through
// LoadChanged — one weight, one virtual server gone, one added — leaves
// what a full read of the table then finds nothing to change in.
func TestKernelLoadChanged(t *testing.T) {
	k, _ := newNSKernel(t)
	if _, ok, err := k.Service(key("192.0.2.99:80")); ok || err != nil {
		t.Fatalf("a missing service: %v %v", ok, err)
	}
	r := NewReconciler(k, nil)
	cfg := kernelConfig()
	if _, err := r.Load(cfg); err != nil {
		t.Fatal(err)
	}
	s, ok, err := k.Service(key("192.0.2.10:80"))
	if err != nil || !ok || s.Scheduler != "wrr" {
		t.Fatalf("read one service: %+v %v %v", s, ok, err)
	}
	next := kernelConfig()
	next.Servers[2].Reals[1].Weight = 6
	next.Servers = append(next.Servers[:4], vs("192.0.2.20:80", rs("198.51.100.3:80", 1)), next.Servers[5])
	rep, err := r.LoadChanged(next, Compare(cfg, next))
	if err != nil || len(rep.Ops) != 4 {
		t.Fatalf("incremental reload (%d): %s %v", len(rep.Ops), opStrings(rep.Ops), err)
	}
	r.ReadAll = true
	if ops, _, err := r.Plan(next); err != nil || len(ops) != 0 {
		t.Fatalf("a full reconcile after it: %s %v", opStrings(ops), err)
	}
}
