//go:build ipvskernel && linux

package ipvs

import (
	"bufio"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// inNS runs f on a thread switched into ns; sockets f opens stay there.
func inNS(t *testing.T, ns netns.NsHandle, f func() error) {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	if err := netns.Set(ns); err != nil {
		t.Fatal(err)
	}
	ferr := f()
	if err := netns.Set(orig); err != nil {
		t.Fatal(err)
	}
	if ferr != nil {
		t.Fatal(ferr)
	}
}

func newNS(t *testing.T) netns.NsHandle {
	t.Helper()
	var ns netns.NsHandle
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, _ := netns.Get()
	defer orig.Close()
	ns, err := netns.New()
	if err != nil {
		t.Fatal(err)
	}
	netns.Set(orig)
	t.Cleanup(func() { ns.Close() })
	return ns
}

// link joins two namespaces with a veth pair, addresses both ends, and
// brings them and lo up.
func link(t *testing.T, a, b netns.NsHandle, name, addrA, addrB string) {
	t.Helper()
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: name + "a", Namespace: netlink.NsFd(a)}, PeerName: name + "b", PeerNamespace: netlink.NsFd(b)}
	if err := netlink.LinkAdd(v); err != nil {
		t.Fatalf("veth %s: %v", name, err)
	}
	for _, end := range []struct {
		ns        netns.NsHandle
		dev, addr string
	}{{a, name + "a", addrA}, {b, name + "b", addrB}} {
		h, err := netlink.NewHandleAt(end.ns, unix.NETLINK_ROUTE)
		if err != nil {
			t.Fatal(err)
		}
		for _, dev := range []string{"lo", end.dev} {
			l, err := h.LinkByName(dev)
			if err == nil && dev == end.dev {
				err = h.AddrAdd(l, &netlink.Addr{IPNet: mustNet(end.addr)})
			}
			if err == nil {
				err = h.LinkSetUp(l)
			}
			if err != nil {
				t.Fatalf("%s %s: %v", dev, end.addr, err)
			}
		}
		h.Close()
	}
}

func mustNet(s string) *net.IPNet {
	p := netip.MustParsePrefix(s)
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func defaultRoute(t *testing.T, ns netns.NsHandle, gw string) {
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := h.RouteAdd(&netlink.Route{Gw: net.ParseIP(gw)}); err != nil {
		t.Fatalf("route via %s: %v", gw, err)
	}
}

// serve answers every connection with name, from inside ns.
func serve(t *testing.T, ns netns.NsHandle, addr, name string) {
	var ln net.Listener
	inNS(t, ns, func() (err error) { ln, err = net.Listen("tcp4", addr); return err })
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			fmt.Fprintln(c, name)
			c.Close()
		}
	}()
}

func ask(t *testing.T, ns netns.NsHandle, addr string) string {
	var line string
	inNS(t, ns, func() error {
		c, err := net.DialTimeout("tcp4", addr, 3*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		line, err = bufio.NewReader(c).ReadString('\n')
		return err
	})
	return line[:len(line)-1]
}

// TestKernelNAT balances real TCP connections through a NAT director the
// reconciler programs: client ns -> director ns (VIP) -> two real-server
// namespaces, all inside the VM.
func TestKernelNAT(t *testing.T) {
	cli, lb, rs1, rs2 := newNS(t), newNS(t), newNS(t), newNS(t)
	link(t, cli, lb, "c", "192.0.2.2/24", "192.0.2.1/24")
	link(t, lb, rs1, "r1", "198.51.100.1/30", "198.51.100.2/30")
	link(t, lb, rs2, "r2", "198.51.100.5/30", "198.51.100.6/30")
	defaultRoute(t, cli, "192.0.2.1")
	defaultRoute(t, rs1, "198.51.100.1")
	defaultRoute(t, rs2, "198.51.100.5")
	inNS(t, lb, func() error { return os.WriteFile("/proc/sys/net/ipv4/ip_forward", []byte("1"), 0) })
	serve(t, rs1, "198.51.100.2:8080", "rs1")
	serve(t, rs2, "198.51.100.6:8080", "rs2")

	k, err := NewKernel(fmt.Sprintf("/proc/%d/fd/%d", os.Getpid(), int(lb)))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	v := vs("192.0.2.1:80", rs("198.51.100.2:8080", 1), rs("198.51.100.6:8080", 1))
	v.Scheduler = "rr"
	r := NewReconciler(k, nil)
	if _, err := r.Load(Config{Servers: []VirtualServer{v}}); err != nil {
		t.Fatal(err)
	}
	count := func() map[string]int {
		n := map[string]int{}
		for range 20 {
			n[ask(t, cli, "192.0.2.1:80")]++
		}
		return n
	}
	if n := count(); n["rs1"] != 10 || n["rs2"] != 10 {
		t.Fatalf("rr over 20 connections: %v", n)
	}
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr}); err != nil {
		t.Fatal(err)
	}
	if n := count(); n["rs2"] != 20 {
		t.Fatalf("after rs1 failed: %v", n)
	}
	if _, err := r.Health(Health{Service: v.Key(), Real: v.Reals[0].Addr, Up: true, Weight: 3, HasWeight: true}); err != nil {
		t.Fatal(err)
	}
	v.Scheduler = "wrr"
	if rep, err := r.Load(Config{Servers: []VirtualServer{v}}); err != nil || len(rep.Ops) != 1 {
		t.Fatalf("scheduler reload: %s %v", opStrings(rep.Ops), err)
	}
	if n := count(); n["rs1"] != 15 || n["rs2"] != 5 {
		t.Fatalf("wrr 3:1 over 20 connections: %v", n)
	}
}
