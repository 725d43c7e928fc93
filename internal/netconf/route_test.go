package netconf

import (
	"fmt"
	"net/netip"
	"os"
	"reflect"
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

func TestParseRouteWords(t *testing.T) {
	base := func(m func(*routeSpec)) routeSpec {
		s := routeSpec{Type: unix.RTN_UNICAST, Scope: -1, Family: 4}
		m(&s)
		return s
	}
	tests := []struct {
		in   string
		want routeSpec
	}{
		{"192.0.2.0/24 dev eth0", base(func(s *routeSpec) { s.Dst, s.Dev = pfx("192.0.2.0/24"), "eth0" })},
		{"to 198.51.100.7 via 192.0.2.1 src 192.0.2.5 table 100 metric 5", base(func(s *routeSpec) {
			s.Dst, s.Via, s.Src, s.Table, s.Metric = pfx("198.51.100.7/32"), ip("192.0.2.1"), ip("192.0.2.5"), 100, 5
		})},
		{"default gw 192.0.2.1 dev eth0 onlink", base(func(s *routeSpec) {
			s.Dst, s.Via, s.Dev, s.OnLink = pfx("0.0.0.0/0"), ip("192.0.2.1"), "eth0", true
		})},
		{"blackhole 198.51.100.0/24", base(func(s *routeSpec) { s.Type, s.Dst = unix.RTN_BLACKHOLE, pfx("198.51.100.0/24") })},
		{"unreachable 2001:db8:1::/48", base(func(s *routeSpec) {
			s.Type, s.Dst, s.Family = unix.RTN_UNREACHABLE, pfx("2001:db8:1::/48"), 6
		})},
		{"prohibit 198.51.100.0/25 table main", base(func(s *routeSpec) {
			s.Type, s.Dst, s.Table = unix.RTN_PROHIBIT, pfx("198.51.100.0/25"), 254
		})},
		{"throw 198.51.100.128/25 table local", base(func(s *routeSpec) {
			s.Type, s.Dst, s.Table = unix.RTN_THROW, pfx("198.51.100.128/25"), 255
		})},
		{"to unreachable 198.51.100.0/24", base(func(s *routeSpec) { s.Type, s.Dst = unix.RTN_UNREACHABLE, pfx("198.51.100.0/24") })},
		{"inet6 default via 2001:db8::1 dev eth0", base(func(s *routeSpec) {
			s.Family, s.Dst, s.Via, s.Dev = 6, pfx("::/0"), ip("2001:db8::1"), "eth0"
		})},
		{"default via 2001:db8::1", base(func(s *routeSpec) { s.Family, s.Dst, s.Via = 6, pfx("::/0"), ip("2001:db8::1") })},
		{"198.51.100.0/24 scope link proto static dev eth0", base(func(s *routeSpec) {
			s.Dst, s.Scope, s.Proto, s.Dev = pfx("198.51.100.0/24"), unix.RT_SCOPE_LINK, unix.RTPROT_STATIC, "eth0"
		})},
		{"198.51.100.0/24 proto 99 scope 200 tos 0x10 realms 1/2 dev eth0", base(func(s *routeSpec) {
			s.Dst, s.Proto, s.Scope, s.Tos, s.Realm, s.Dev = pfx("198.51.100.0/24"), 99, 200, 16, 1<<16|2, "eth0"
		})},
		{"198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 2 nexthop via 192.0.2.2 dev eth1 onlink",
			base(func(s *routeSpec) {
				s.Dst = pfx("198.51.100.0/24")
				s.Nexthops = []nexthopSpec{{Via: ip("192.0.2.1"), Dev: "eth0", Weight: 2},
					{Via: ip("192.0.2.2"), Dev: "eth1", Weight: 1, OnLink: true}}
			})},
		{"198.51.100.0/24 via 192.0.2.1 or 192.0.2.2", base(func(s *routeSpec) {
			s.Dst, s.Via = pfx("198.51.100.0/24"), ip("192.0.2.1")
			s.Nexthops = []nexthopSpec{{Via: ip("192.0.2.2"), Weight: 1}}
		})},
		{"198.51.100.0/24 dev eth0 mtu lock 1400 advmss 1360 rtt 10ms rttvar 5ms rto_min lock 200 initcwnd 10 initrwnd 20 features ecn quickack 1 congctl lock cubic hoplimit 64 window 1000 reordering 3 cwnd 4 ssthresh 5 fastopen_no_cookie 1",
			base(func(s *routeSpec) {
				s.Dst, s.Dev = pfx("198.51.100.0/24"), "eth0"
				s.Metrics = routeMetrics{MTU: 1400, MTULock: true, AdvMSS: 1360, RTT: 80, RTTVar: 20, RtoMin: 200,
					RtoMinLock: true, InitCwnd: 10, InitRwnd: 20, Features: 1, QuickACK: 1, Congctl: "cubic",
					Hoplimit: 64, Window: 1000, Reordering: 3, Cwnd: 4, Ssthresh: 5, FastOpenNoCookie: 1}
			})},
		{"198.51.100.0/24 dev eth0 rtt 33 append no_track track_group G", base(func(s *routeSpec) {
			s.Dst, s.Dev, s.Metrics.RTT, s.Mode = pfx("198.51.100.0/24"), "eth0", 33, "append"
		})},
		{"::ffff:192.0.2.9 dev eth0", base(func(s *routeSpec) { s.Dst, s.Dev = pfx("192.0.2.9/32"), "eth0" })},
		{"198.51.100.77/24 dev eth0", base(func(s *routeSpec) { s.Dst, s.Dev = pfx("198.51.100.0/24"), "eth0" })},
	}
	for _, tc := range tests {
		got, err := parseRouteWords(strings.Fields(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseRouteWordsErrors(t *testing.T) {
	for _, in := range []string{
		"dev eth0",                         // no destination
		"192.0.2.0/24 via 2001:db8::1",     // family mismatch
		"192.0.2.0/24 via",                 // missing value
		"192.0.2.0/24 bogus 1",             // unknown option
		"192.0.2.0/33",                     // bad prefix
		"192.0.2.0/24 198.51.100.0/24",     // two destinations
		"192.0.2.0/24 table nosuchtable",   // unknown table
		"192.0.2.0/24 features sack",       // unknown feature
		"192.0.2.0/24 nexthop weight 0",    // weight range
		"2001:db8::/64 pref high",          // not supported: must not be dropped silently
		"192.0.2.0/24 expires 10",          // idem
		"192.0.2.0/24 metric -1",           // range
		"192.0.2.0/24 rtt 5parsecs",        // bad unit
		"192.0.2.0/24 src 192.0.2.1 src x", // bad address
	} {
		if s, err := parseRouteWords(strings.Fields(in)); err == nil {
			t.Errorf("%q: accepted as %+v", in, s)
		}
	}
}

func TestRouteToNetlink(t *testing.T) {
	idx := func(n string) (int, error) {
		if n == "missing" {
			return 0, fmt.Errorf("no %s", n)
		}
		return len(n), nil // eth0 -> 4, vrrp.51 -> 7
	}
	s, _ := parseRouteWords(strings.Fields("198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 3 nexthop via 192.0.2.2 dev vrrp.51"))
	r, err := s.toNetlink("def0", idx)
	if err != nil {
		t.Fatal(err)
	}
	if r.LinkIndex != 0 || len(r.MultiPath) != 2 || r.MultiPath[0].Hops != 2 || r.MultiPath[1].LinkIndex != 7 {
		t.Errorf("multipath: %+v %+v", r, r.MultiPath)
	}
	s, _ = parseRouteWords(strings.Fields("198.51.100.0/24"))
	if r, _ = s.toNetlink("def0", idx); r.LinkIndex != 4 || r.Scope != netlink.SCOPE_LINK || r.Protocol != unix.RTPROT_BOOT {
		t.Errorf("default device/scope/proto: %+v", r)
	}
	s, _ = parseRouteWords(strings.Fields("blackhole 198.51.100.0/24"))
	if r, _ = s.toNetlink("def0", idx); r.LinkIndex != 0 || r.Scope != netlink.SCOPE_UNIVERSE || r.Type != unix.RTN_BLACKHOLE {
		t.Errorf("blackhole: %+v", r)
	}
	s, _ = parseRouteWords(strings.Fields("198.51.100.0/24 dev missing"))
	if _, err := s.toNetlink("", idx); err == nil {
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

func TestLookupRTTables(t *testing.T) {
	f := t.TempDir() + "/rt_tables"
	os.WriteFile(f, []byte("# comment\n255\tlocal\n100 vips\n0x65 hex\n"), 0o644)
	for name, want := range map[string]int{"vips": 100, "hex": 101} {
		if n, ok := lookupRTTables(f, name); !ok || n != want {
			t.Errorf("%s: %d %v", name, n, ok)
		}
	}
	if _, ok := lookupRTTables(f, "comment"); ok {
		t.Error("comment matched")
	}
}

func FuzzParseRouteWords(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24 dev eth0", "default via 2001:db8::1 inet6", "blackhole 0/0",
		"198.51.100.0/24 nexthop via 192.0.2.1 weight 2 nexthop dev eth0", "x mtu lock 1 rtt 1s congctl lock"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := parseRouteWords(strings.Fields(in))
		if err != nil {
			return
		}
		if !s.Dst.IsValid() || (s.Family == 4) != s.Dst.Addr().Is4() {
			t.Fatalf("%q: inconsistent %+v", in, s)
		}
		if _, err := s.toNetlink("eth0", func(string) (int, error) { return 1, nil }); err != nil {
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
		{"198.51.100.10 dev a0 src 192.0.2.1 table 100 proto static", func(r netlink.Route) bool {
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
	s, err := parseRouteWords(strings.Fields(words))
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
