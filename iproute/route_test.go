package iproute

import (
	"net/netip"
	"os"
	"reflect"
	"strings"
	"testing"
)

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func ip(s string) netip.Addr    { return netip.MustParseAddr(s) }

// parse reads an entry the installer must accept.
func parse(t *testing.T, w []string) (Route, error) {
	t.Helper()
	r, ps := ParseRoute(w)
	return r, ps.Err()
}

func TestParseRoute(t *testing.T) {
	base := func(m func(*Route)) Route {
		s := Route{Type: RTNUnicast, Scope: -1, Family: 4}
		m(&s)
		return s
	}
	tests := []struct {
		in   string
		want Route
	}{
		{"192.0.2.0/24 dev eth0", base(func(s *Route) { s.Dst, s.Dev = pfx("192.0.2.0/24"), "eth0" })},
		{"to 198.51.100.7 via 192.0.2.1 src 192.0.2.5 table 100 metric 5", base(func(s *Route) {
			s.Dst, s.Via, s.Src, s.Table, s.Metric = pfx("198.51.100.7/32"), ip("192.0.2.1"), ip("192.0.2.5"), 100, 5
		})},
		{"default gw 192.0.2.1 dev eth0 onlink", base(func(s *Route) {
			s.Dst, s.Default, s.Via, s.Dev, s.OnLink = pfx("0.0.0.0/0"), true, ip("192.0.2.1"), "eth0", true
		})},
		{"blackhole 198.51.100.0/24", base(func(s *Route) { s.Type, s.TypeName, s.Dst = RTNBlackhole, "blackhole", pfx("198.51.100.0/24") })},
		{"unreachable 2001:db8:1::/48", base(func(s *Route) {
			s.Type, s.TypeName, s.Dst, s.Family = RTNUnreachable, "unreachable", pfx("2001:db8:1::/48"), 6
		})},
		{"prohibit 198.51.100.0/25 table main", base(func(s *Route) {
			s.Type, s.TypeName, s.Dst, s.Table = RTNProhibit, "prohibit", pfx("198.51.100.0/25"), 254
		})},
		{"throw 198.51.100.128/25 table local", base(func(s *Route) {
			s.Type, s.TypeName, s.Dst, s.Table = RTNThrow, "throw", pfx("198.51.100.128/25"), 255
		})},
		{"to unreachable 198.51.100.0/24", base(func(s *Route) { s.Type, s.TypeName, s.Dst = RTNUnreachable, "unreachable", pfx("198.51.100.0/24") })},
		{"inet6 default via 2001:db8::1 dev eth0", base(func(s *Route) {
			s.Family, s.Dst, s.Default, s.Via, s.Dev = 6, pfx("::/0"), true, ip("2001:db8::1"), "eth0"
		})},
		{"default via 2001:db8::1", base(func(s *Route) { s.Family, s.Dst, s.Default, s.Via = 6, pfx("::/0"), true, ip("2001:db8::1") })},
		{"198.51.100.0/24 scope link protocol static dev eth0", base(func(s *Route) {
			s.Dst, s.Scope, s.Proto, s.Dev = pfx("198.51.100.0/24"), ScopeLink, 4, "eth0"
			s.ScopeName, s.ProtoName = "link", "static"
		})},
		{"198.51.100.0/24 protocol 99 scope 200 tos 0x10 realms 1/2 dev eth0", base(func(s *Route) {
			s.Dst, s.Proto, s.Scope, s.Tos, s.Realm, s.Dev = pfx("198.51.100.0/24"), 99, 200, 16, 1<<16|2, "eth0"
			s.ScopeName, s.ProtoName = "200", "99"
		})},
		{"198.51.100.0/24 nexthop via 192.0.2.1 dev eth0 weight 2 nexthop via 192.0.2.2 dev eth1 onlink",
			base(func(s *Route) {
				s.Dst = pfx("198.51.100.0/24")
				s.Nexthops = []Nexthop{{Via: ip("192.0.2.1"), Dev: "eth0", Weight: 2},
					{Via: ip("192.0.2.2"), Dev: "eth1", Weight: 1, OnLink: true}}
			})},
		{"198.51.100.0/24 via 192.0.2.1 or 192.0.2.2", base(func(s *Route) {
			s.Dst, s.Via = pfx("198.51.100.0/24"), ip("192.0.2.1")
			s.Nexthops = []Nexthop{{Via: ip("192.0.2.2"), Weight: 1}}
		})},
		{"198.51.100.0/24 dev eth0 mtu lock 1400 advmss 1360 rtt 10ms rttvar 5ms rto_min lock 200 initcwnd 10 initrwnd 20 features ecn quickack 1 congctl lock cubic hoplimit 64 window 1000 reordering 3 cwnd 4 ssthresh 5 fastopen_no_cookie 1",
			base(func(s *Route) {
				s.Dst, s.Dev = pfx("198.51.100.0/24"), "eth0"
				s.Metrics = Metrics{MTU: 1400, MTULock: true, AdvMSS: 1360, RTT: 80, RTTVar: 20, RtoMin: 200,
					RtoMinLock: true, InitCwnd: 10, InitRwnd: 20, Features: 1, QuickACK: 1, Congctl: "cubic",
					Hoplimit: 64, Window: 1000, Reordering: 3, Cwnd: 4, Ssthresh: 5, FastOpenNoCookie: 1}
			})},
		{"198.51.100.0/24 dev eth0 rtt 33 append no_track track_group G", base(func(s *Route) {
			s.Dst, s.Dev, s.Metrics.RTT, s.Mode = pfx("198.51.100.0/24"), "eth0", 33, "append"
			s.NoTrack, s.TrackGroup = true, "G"
		})},
		{"::ffff:192.0.2.9 dev eth0", base(func(s *Route) { s.Dst, s.Dev = pfx("192.0.2.9/32"), "eth0" })},
		{"198.51.100.77/24 dev eth0", base(func(s *Route) { s.Dst, s.Dev = pfx("198.51.100.0/24"), "eth0" })},
	}
	for _, tc := range tests {
		got, err := parse(t, strings.Fields(tc.in))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.in, got, tc.want)
		}
	}
}

func TestParseRouteRefused(t *testing.T) {
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
		if s, ps := ParseRoute(strings.Fields(in)); ps.Err() == nil {
			t.Errorf("%q: accepted as %+v", in, s)
		}
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
