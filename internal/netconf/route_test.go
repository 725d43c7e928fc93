package netconf

import (
	"fmt"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

func TestRouteToNetlink(t *testing.T) {
	idx := func(n string) (int, error) {
		if n == "missing" {
			return 0, fmt.Errorf("no %s", n)
		}
		return len(n), nil // eth0 -> 4, vrrp.51 -> 7
	}
	s, _ := readRoute(strings.Fields("198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 3 nexthop via 192.0.2.2 dev vrrp.51"))
	r, err := routeToNetlink(s, "def0", idx)
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkIndex != 0 || len(r.MultiPath) != 2 || r.MultiPath[0].Hops != 2 || r.MultiPath[1].LinkIndex != 7 {
		t.Errorf("multipath: %+v %+v", r, r.MultiPath)
	}
	s, _ = readRoute(strings.Fields("198.51.100.0/24"))
	if r, _ = routeToNetlink(s, "def0", idx); r.LinkIndex != 4 || r.Scope != netlink.SCOPE_LINK || r.Protocol != unix.RTPROT_BOOT {
		t.Errorf("default device/scope/proto: %+v", r)
	}
	s, _ = readRoute(strings.Fields("blackhole 198.51.100.0/24"))
	if r, _ = routeToNetlink(s, "def0", idx); r.LinkIndex != 0 || r.Scope != netlink.SCOPE_UNIVERSE || r.Type != unix.RTN_BLACKHOLE {
		t.Errorf("blackhole: %+v", r)
	}
	s, _ = readRoute(strings.Fields("198.51.100.0/24 dev missing"))
	if _, err := routeToNetlink(s, "", idx); err == nil {
		t.Error("missing interface accepted")
	}
}

func TestRouteSpecOfTypedFields(t *testing.T) {
	r := vrrp.Route{Type: "blackhole", Dst: pfx("198.51.100.0/24"), Table: 7, Metric: 9}
	s, err := routeSpecOf(r)
	if err != nil || s.Type != unix.RTN_BLACKHOLE || s.Table != 7 || s.Metric != 9 || s.Dst != r.Dst {
		t.Errorf("%+v %v", s, err)
	}
}

// Whatever iproute accepts, the installer can turn into a netlink request.
func FuzzRouteToNetlink(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24 dev eth0", "default via 2001:db8::1 inet6", "blackhole 0/0",
		"198.51.100.0/24 nexthop via 192.0.2.1 weight 2 nexthop dev eth0", "x mtu lock 1 rtt 1s congctl lock"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := readRoute(strings.Fields(in))
		if err != nil {
			return
		}
		if !s.Dst.IsValid() || (s.Family == 4) != s.Dst.Addr().Is4() {
			t.Fatalf("%q: inconsistent %+v", in, s)
		}
		if _, err := routeToNetlink(s, "eth0", func(string) (int, error) { return 1, nil }); err != nil {
			t.Fatalf("%q: parsed but not convertible: %v", in, err)
		}
	})
}

// --- namespace lab shared by the kernel tests of this package ---

// testNS is a named network namespace created for one test.
type testNS struct {
	name string
	h    netns.NsHandle
}

// needRoot skips kernel tests for unprivileged runs.
func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to create network namespaces")
	}
}

// inNS runs fn on an OS thread switched into ns and back.
func inNS(h netns.NsHandle, fn func() error) error {
	res := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			res <- err
			return // the locked thread dies with the goroutine
		}
		defer orig.Close()
		if err := netns.Set(h); err != nil {
			res <- err
			return
		}
		err = fn()
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		res <- err
	}()
	return <-res
}

// newTestNS creates a namespace with lo up; cleanup deletes it.
func newTestNS(t *testing.T, tag string) *testNS {
	t.Helper()
	n := &testNS{name: fmt.Sprintf("gvnc%d%s", os.Getpid(), tag)}
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := netns.Get()
		if err != nil {
			errc <- err
			return
		}
		defer orig.Close()
		h, err := netns.NewNamed(n.name)
		if err == nil {
			n.h = h
		}
		if netns.Set(orig) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	if err := <-errc; err != nil {
		t.Fatalf("create namespace %s: %v", n.name, err)
	}
	t.Cleanup(func() {
		n.h.Close()
		if err := netns.DeleteNamed(n.name); err != nil {
			t.Errorf("delete namespace %s: %v", n.name, err)
		}
	})
	n.run(t, func() error {
		lo, err := netlink.LinkByName("lo")
		if err != nil {
			return err
		}
		return netlink.LinkSetUp(lo)
	})
	return n
}

func (n *testNS) run(t *testing.T, fn func() error) {
	t.Helper()
	if err := inNS(n.h, fn); err != nil {
		t.Fatalf("in %s: %v", n.name, err)
	}
}

// vethPair links a (name an, addresses addrs) to b (name bn, addresses baddrs).
func vethPair(t *testing.T, a *testNS, an string, aaddrs []string, b *testNS, bn string, baddrs []string) {
	t.Helper()
	a.run(t, func() error {
		v := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: an}, PeerName: bn, PeerNamespace: netlink.NsFd(b.h)}
		if err := netlink.LinkAdd(v); err != nil {
			return err
		}
		return upWithAddrs(an, aaddrs)
	})
	b.run(t, func() error { return upWithAddrs(bn, baddrs) })
}

func upWithAddrs(name string, addrs []string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	for _, a := range addrs {
		na, err := netlink.ParseAddr(a)
		if err != nil {
			return err
		}
		na.Flags |= unix.IFA_F_NODAD
		if err := netlink.AddrAdd(l, na); err != nil {
			return err
		}
	}
	return netlink.LinkSetUp(l)
}

func TestRoutesInNamespace(t *testing.T) {
	needRoot(t)
	a, b := newTestNS(t, "ra"), newTestNS(t, "rb")
	vethPair(t, a, "a0", []string{"192.0.2.1/24", "2001:db8::1/64"}, b, "b0", []string{"192.0.2.2/24", "2001:db8::2/64"})
	entries := []struct {
		words string
		check func(netlink.Route) bool
	}{
		{"198.51.100.0/24 via 192.0.2.2 dev a0 metric 7", func(r netlink.Route) bool { return r.Priority == 7 && r.Gw.String() == "192.0.2.2" }},
		{"198.51.100.10 dev a0 src 192.0.2.1 table 100 protocol static", func(r netlink.Route) bool {
			return r.Table == 100 && r.Src.String() == "192.0.2.1" && r.Protocol == unix.RTPROT_STATIC
		}},
		{"blackhole 198.51.100.64/26", func(r netlink.Route) bool { return r.Type == unix.RTN_BLACKHOLE }},
		{"unreachable 198.51.100.128/26 table 101", func(r netlink.Route) bool { return r.Type == unix.RTN_UNREACHABLE && r.Table == 101 }},
		{"prohibit 198.51.100.192/26 table 101", func(r netlink.Route) bool { return r.Type == unix.RTN_PROHIBIT }},
		{"throw 203.0.113.0/24 table 101", func(r netlink.Route) bool { return r.Type == unix.RTN_THROW }},
		{"203.0.113.0/25 dev a0 mtu lock 1300 advmss 1200", func(r netlink.Route) bool { return r.MTU == 1300 && r.MTULock && r.AdvMSS == 1200 }},
		{"203.0.113.128/25 nexthop via 192.0.2.2 dev a0 weight 3 nexthop via 192.0.2.3 dev a0", func(r netlink.Route) bool {
			return len(r.MultiPath) == 2 && r.MultiPath[0].Hops == 2
		}},
		{"198.18.0.0/15 via 192.0.2.99 dev a0 onlink scope global", func(r netlink.Route) bool { return r.Flags&unix.RTNH_F_ONLINK != 0 }},
		{"2001:db8:5::/48 via 2001:db8::2 dev a0", func(r netlink.Route) bool { return r.Gw.String() == "2001:db8::2" }},
		{"unreachable 2001:db8:6::/48", func(r netlink.Route) bool { return r.Type == unix.RTN_UNREACHABLE }},
		{"default via 192.0.2.2 table 102", func(r netlink.Route) bool { return r.Table == 102 && r.LinkIndex != 0 }},
		{"default via 2001:db8::2 table 103", func(r netlink.Route) bool { return r.Table == 103 && r.Dst != nil && r.Dst.String() == "::/0" }},
	}
	a.run(t, func() error {
		for _, e := range entries {
			r := vrrp.Route{Words: strings.Fields(e.words)}
			for i := 0; i < 2; i++ { // the second add must be a no-op
				if err := AddRoute(r, "a0"); err != nil {
					return fmt.Errorf("add #%d: %w", i, err)
				}
			}
			got := findRoute(t, e.words)
			if len(got) != 1 || !e.check(got[0]) {
				return fmt.Errorf("%q: read back %+v", e.words, got)
			}
			for i := 0; i < 2; i++ {
				if err := DelRoute(r, "a0"); err != nil {
					return fmt.Errorf("del #%d: %w", i, err)
				}
			}
			if got := findRoute(t, e.words); len(got) != 0 {
				return fmt.Errorf("%q: still there after delete: %+v", e.words, got)
			}
		}
		// append twice stays one route
		r := vrrp.Route{Words: strings.Fields("198.51.100.0/24 via 192.0.2.2 dev a0 append")}
		AddRoute(r, "a0")
		if err := AddRoute(r, "a0"); err != nil {
			return err
		}
		if got := findRoute(t, "198.51.100.0/24 via 192.0.2.2 dev a0"); len(got) != 1 {
			return fmt.Errorf("append twice gave %d routes", len(got))
		}
		return DelRoute(r, "a0")
	})
}

// findRoute lists the kernel routes with the entry's destination and table.
func findRoute(t *testing.T, words string) []netlink.Route {
	s, err := readRoute(strings.Fields(words))
	if err != nil {
		t.Fatal(err)
	}
	fam := netlink.FAMILY_V4
	if s.Family == 6 {
		fam = netlink.FAMILY_V6
	}
	table := s.Table
	if table == 0 {
		table = unix.RT_TABLE_MAIN
	}
	list, err := netlink.RouteListFiltered(fam, &netlink.Route{Table: table}, netlink.RT_FILTER_TABLE)
	if err != nil {
		t.Fatal(err)
	}
	var out []netlink.Route
	for _, r := range list {
		if r.Dst == nil && s.Dst.Bits() == 0 || r.Dst != nil && r.Dst.String() == s.Dst.String() {
			out = append(out, r)
		}
	}
	return out
}
