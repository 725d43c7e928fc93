package daemon

import (
	"net"
	"net/netip"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/govrrpd/govrrpd/vrrp"
)

func ipnet(s string) *net.IPNet {
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		panic(err)
	}
	return n
}

func TestSamePrefix(t *testing.T) {
	cases := []struct {
		p    string
		n    *net.IPNet
		want bool
	}{
		{"0.0.0.0/0", nil, true}, // the kernel leaves the default route's destination out
		{"203.0.113.0/24", nil, false},
		{"203.0.113.0/24", ipnet("203.0.113.0/24"), true},
		{"203.0.113.7/24", ipnet("203.0.113.0/24"), true}, // host bits ignored
		{"203.0.113.0/25", ipnet("203.0.113.0/24"), false},
		{"2001:db8::/64", ipnet("2001:db8::/64"), true},
		{"2001:db8::/64", ipnet("2001:db8:1::/64"), false},
	}
	for _, c := range cases {
		if got := samePrefix(netip.MustParsePrefix(c.p), c.n); got != c.want {
			t.Errorf("samePrefix(%s, %v) = %v, want %v", c.p, c.n, got, c.want)
		}
	}
}

func TestSameRoute(t *testing.T) {
	w := &tgWatcher{names: map[int]string{2: "eth0", 3: "eth1"}}
	s := vrrp.Route{Dst: netip.MustParsePrefix("203.0.113.0/24"), Via: netip.MustParseAddr("192.0.2.254"), Dev: "eth0"}
	k := netlink.Route{Dst: ipnet("203.0.113.0/24"), Gw: net.ParseIP("192.0.2.254"), LinkIndex: 2, Table: unix.RT_TABLE_MAIN}
	if !w.sameRoute(s, k) {
		t.Fatal("the same route does not match")
	}
	for name, mod := range map[string]func(r *netlink.Route){
		"other table":   func(r *netlink.Route) { r.Table = 100 },
		"other device":  func(r *netlink.Route) { r.LinkIndex = 3 },
		"other gateway": func(r *netlink.Route) { r.Gw = net.ParseIP("192.0.2.253") },
		"other prefix":  func(r *netlink.Route) { r.Dst = ipnet("203.0.113.0/25") },
	} {
		r := k
		mod(&r)
		if w.sameRoute(s, r) {
			t.Errorf("%s: matched", name)
		}
	}
	s.Dev, s.Via = "", netip.Addr{}
	r := k
	r.LinkIndex, r.Gw = 3, nil
	if !w.sameRoute(s, r) {
		t.Error("an entry naming no device or gateway must match any")
	}
}

func TestRuleListed(t *testing.T) {
	have := []netlink.Rule{
		{Priority: 100, Table: 100, Src: ipnet("203.0.113.0/24")},
		{Priority: 200, Table: 200, IifName: "eth0"},
	}
	cases := []struct {
		r    vrrp.Rule
		want bool
	}{
		{vrrp.Rule{Preference: 100, Table: 100, From: netip.MustParsePrefix("203.0.113.0/24")}, true},
		{vrrp.Rule{Preference: 100, Table: 100, From: netip.MustParsePrefix("198.51.100.0/24")}, false},
		{vrrp.Rule{Preference: 100, Table: 7}, false},
		{vrrp.Rule{Preference: 200, IIF: "eth0"}, true},
		{vrrp.Rule{Preference: 200, IIF: "eth1"}, false},
		{vrrp.Rule{Preference: 300}, false},
	}
	for _, c := range cases {
		if got := ruleListed(c.r, have); got != c.want {
			t.Errorf("ruleListed(%+v) = %v, want %v", c.r, got, c.want)
		}
	}
}
