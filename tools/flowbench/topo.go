package main

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// The topology, all inside the VM (see the package comment):
//
//	client 203.0.113.2 ── router 203.0.113.1 / 198.51.100.1 ──┐ bridge (switch ns)
//	  directors d1..d3 198.51.100.11..13, VIP on lo ──────────┤
//	  real servers rs1..rs3 198.51.100.21..23, VIP on lo ─────┘
const (
	vip        = "192.0.2.200"
	vipPort    = 80
	clientAddr = "203.0.113.2"
	routerCli  = "203.0.113.1"
	routerSeg  = "198.51.100.1"
)

func directorAddr(i int) string { return fmt.Sprintf("198.51.100.%d", 11+i) }
func realAddr(i int) string     { return fmt.Sprintf("198.51.100.%d", 21+i) }

// node is one namespace of the topology.
type node struct {
	name string
	ns   netns.NsHandle
}

// topo is one wired topology; close removes every namespace.
type topo struct {
	sw, client, router *node
	directors, reals   []*node
	all                []*node
}

// inNS runs f on a thread switched into ns: sockets f opens and processes
// it starts stay there.
func inNS(ns netns.NsHandle, f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return err
	}
	defer orig.Close()
	if err := netns.Set(ns); err != nil {
		return err
	}
	ferr := f()
	if err := netns.Set(orig); err != nil {
		// The thread would run everything after in the wrong namespace.
		panic(fmt.Sprintf("back to the VM's namespace: %v", err))
	}
	return ferr
}

func (t *topo) add(name string) (*node, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		return nil, err
	}
	defer orig.Close()
	ns, err := netns.New()
	if err != nil {
		return nil, fmt.Errorf("netns %s: %w", name, err)
	}
	if err := netns.Set(orig); err != nil {
		panic(fmt.Sprintf("back to the VM's namespace: %v", err))
	}
	n := &node{name: name, ns: ns}
	t.all = append(t.all, n)
	// rp_filter off: the real servers answer the client from the VIP
	// straight through the router, a path the director never sees.
	return n, n.sysctl(map[string]string{"net/ipv4/conf/all/rp_filter": "0", "net/ipv4/conf/default/rp_filter": "0"})
}

func (n *node) sysctl(kv map[string]string) error {
	return inNS(n.ns, func() error {
		for k, v := range kv {
			if err := os.WriteFile("/proc/sys/"+k, []byte(v), 0); err != nil {
				return fmt.Errorf("%s: sysctl %s=%s: %w", n.name, k, v, err)
			}
		}
		return nil
	})
}

func (n *node) handle() (*netlink.Handle, error) {
	return netlink.NewHandleAt(n.ns, unix.NETLINK_ROUTE)
}

// link joins a and b with a veth pair named after b ("b" on a's side,
// "eth0" on b's) and addresses b's end; a's end gets addrA when given.
func link(a, b *node, addrA, addrB string) error {
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: b.name, Namespace: netlink.NsFd(a.ns)},
		PeerName: "eth0", PeerNamespace: netlink.NsFd(b.ns)}
	if err := netlink.LinkAdd(v); err != nil {
		return fmt.Errorf("veth %s-%s: %w", a.name, b.name, err)
	}
	for _, end := range []struct {
		n         *node
		dev, addr string
	}{{a, b.name, addrA}, {b, "eth0", addrB}} {
		if err := end.n.up(end.dev, end.addr); err != nil {
			return err
		}
	}
	return nil
}

// up brings lo and dev up, with addr on dev when given.
func (n *node) up(dev, addr string) error {
	h, err := n.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	for _, name := range []string{"lo", dev} {
		l, err := h.LinkByName(name)
		if err == nil && name == dev && addr != "" {
			err = h.AddrAdd(l, &netlink.Addr{IPNet: ipNet(addr)})
		}
		if err == nil {
			err = h.LinkSetUp(l)
		}
		if err != nil {
			return fmt.Errorf("%s: %s %s: %w", n.name, name, addr, err)
		}
	}
	return nil
}

func ipNet(s string) *net.IPNet {
	p := netip.MustParsePrefix(s)
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// setLink sets n's end of its link to the switch up or down: a director's
// death as the router sees it.
func (n *node) setLink(up bool) error {
	h, err := n.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	l, err := h.LinkByName("eth0")
	if err != nil {
		return fmt.Errorf("%s: %w", n.name, err)
	}
	if up {
		return h.LinkSetUp(l)
	}
	return h.LinkSetDown(l)
}

func (n *node) addVIP() error {
	h, err := n.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	lo, err := h.LinkByName("lo")
	if err == nil {
		err = h.AddrAdd(lo, &netlink.Addr{IPNet: ipNet(vip + "/32")})
	}
	if err != nil {
		return fmt.Errorf("%s: VIP on lo: %w", n.name, err)
	}
	return nil
}

func (n *node) defaultRoute(gw string) error {
	h, err := n.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.RouteAdd(&netlink.Route{Gw: net.ParseIP(gw)}); err != nil {
		return fmt.Errorf("%s: default via %s: %w", n.name, gw, err)
	}
	return nil
}

// routeVIP replaces the router's route to the VIP with one next hop per
// director given, in that order: what zebra installs from BGP's
// multipath, and what it installs again when one director's route is
// withdrawn.
func (t *topo) routeVIP(directors ...int) error {
	h, err := t.router.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	var hops []*netlink.NexthopInfo
	for _, i := range directors {
		hops = append(hops, &netlink.NexthopInfo{Gw: net.ParseIP(directorAddr(i))})
	}
	r := &netlink.Route{Dst: ipNet(vip + "/32"), MultiPath: hops}
	if len(hops) == 1 {
		r = &netlink.Route{Dst: r.Dst, Gw: hops[0].Gw}
	}
	if err := h.RouteReplace(r); err != nil {
		return fmt.Errorf("router: route %s via %v: %w", vip, directors, err)
	}
	return nil
}

// newTopo wires n directors and m real servers.
func newTopo(n, m int) (t *topo, err error) {
	t = &topo{}
	defer func() {
		if err != nil {
			t.close()
		}
	}()
	if t.sw, err = t.add("sw"); err != nil {
		return t, err
	}
	if t.client, err = t.add("cli"); err != nil {
		return t, err
	}
	if t.router, err = t.add("rt"); err != nil {
		return t, err
	}
	if err := link(t.router, t.client, routerCli+"/24", clientAddr+"/24"); err != nil {
		return t, err
	}
	if err := t.client.defaultRoute(routerCli); err != nil {
		return t, err
	}
	if err := t.router.sysctl(map[string]string{"net/ipv4/ip_forward": "1", "net/ipv4/fib_multipath_hash_policy": "1"}); err != nil {
		return t, err
	}
	for i := range n {
		d, err := t.add(fmt.Sprintf("d%d", i+1))
		if err != nil {
			return t, err
		}
		t.directors = append(t.directors, d)
	}
	for i := range m {
		r, err := t.add(fmt.Sprintf("rs%d", i+1))
		if err != nil {
			return t, err
		}
		t.reals = append(t.reals, r)
	}
	if err := t.wireSegment(); err != nil {
		return t, err
	}
	return t, t.setupHosts()
}

// wireSegment puts the router, the directors and the real servers on one
// bridge in the switch namespace.
func (t *topo) wireSegment() error {
	h, err := t.sw.handle()
	if err != nil {
		return err
	}
	defer h.Close()
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: "br0"}}
	if err := h.LinkAdd(br); err != nil {
		return fmt.Errorf("sw: bridge: %w", err)
	}
	if err := h.LinkSetUp(br); err != nil {
		return err
	}
	if err := t.join(h, br, t.router, routerSeg); err != nil {
		return err
	}
	for i, d := range t.directors {
		if err := t.join(h, br, d, directorAddr(i)); err != nil {
			return err
		}
	}
	for i, r := range t.reals {
		if err := t.join(h, br, r, realAddr(i)); err != nil {
			return err
		}
	}
	return nil
}

// setupHosts gives the directors and the real servers the VIP and their
// routes back through the router.
func (t *topo) setupHosts() error {
	for _, d := range t.directors {
		if err := d.addVIP(); err != nil {
			return err
		}
		if err := d.defaultRoute(routerSeg); err != nil {
			return err
		}
	}
	// Real servers of LVS-DR: the VIP on lo, never answered for in ARP.
	for _, r := range t.reals {
		if err := r.sysctl(map[string]string{"net/ipv4/conf/all/arp_ignore": "1", "net/ipv4/conf/all/arp_announce": "2"}); err != nil {
			return err
		}
		if err := r.addVIP(); err != nil {
			return err
		}
		if err := r.defaultRoute(routerSeg); err != nil {
			return err
		}
	}
	return nil
}

// join links n to the bridge: its eth0 gets addr/24, the switch's end is
// enslaved to br.
func (t *topo) join(h *netlink.Handle, br *netlink.Bridge, n *node, addr string) error {
	dev := n.name
	if n == t.router {
		dev = "seg"
	}
	peer := "eth0"
	if n == t.router {
		peer = "seg"
	}
	v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: dev, Namespace: netlink.NsFd(t.sw.ns)},
		PeerName: peer, PeerNamespace: netlink.NsFd(n.ns)}
	if err := netlink.LinkAdd(v); err != nil {
		return fmt.Errorf("veth sw-%s: %w", n.name, err)
	}
	l, err := h.LinkByName(dev)
	if err == nil {
		err = h.LinkSetMaster(l, br)
	}
	if err == nil {
		err = h.LinkSetUp(l)
	}
	if err != nil {
		return fmt.Errorf("sw: %s: %w", dev, err)
	}
	return n.up(peer, addr+"/24")
}

// close removes every namespace: the processes in them must be gone.
func (t *topo) close() error {
	var errs []error
	for _, n := range t.all {
		errs = append(errs, n.ns.Close())
	}
	return errors.Join(errs...)
}
