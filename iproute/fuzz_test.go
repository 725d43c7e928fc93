package iproute

import (
	"strings"
	"testing"
)

// Whatever the installer would accept is a consistent route: a valid
// destination of the route's family, every address of that family.
func FuzzParseRoute(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24 dev eth0", "default via 2001:db8::1 inet6", "blackhole 0/0",
		"198.51.100.0/24 nexthop via 192.0.2.1 weight 2 nexthop dev eth0", "x mtu lock 1 rtt 1s congctl lock",
		"to unreachable default table 5", "192.0.2.0/24 via inet"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, ps := ParseRoute(strings.Fields(in))
		if ps.Skip() || ps.Err() != nil {
			return
		}
		fam := func(ok bool, what string) {
			if !ok {
				t.Fatalf("%q: %s not of family %d: %+v", in, what, r.Family, r)
			}
		}
		fam(r.Dst.IsValid() && (r.Family == 4) == r.Dst.Addr().Is4(), "destination")
		fam(!r.Src.IsValid() || r.Src.Is4() == (r.Family == 4), "source")
		fam(!r.Via.IsValid() || r.Via.Is4() == (r.Family == 4), "gateway")
		for _, nh := range r.Nexthops {
			fam(!nh.Via.IsValid() || nh.Via.Is4() == (r.Family == 4), "nexthop")
			if nh.Weight < 1 || nh.Weight > 256 {
				t.Fatalf("%q: nexthop weight %d", in, nh.Weight)
			}
		}
	})
}

// Whatever the installer would accept looks a table up, jumps or acts,
// with addresses of the rule's family.
func FuzzParseRule(f *testing.F) {
	for _, s := range []string{"from 192.0.2.0/24 table 100", "not to 2001:db8::/32 goto 5", "fwmark 0x1/0x3 prohibit",
		"sport 1-2 dport 3 uidrange 4-5 ipproto tcp", "to x table 5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r, ps := ParseRule(strings.Fields(in))
		if ps.Skip() || ps.Err() != nil {
			return
		}
		for _, p := range []struct {
			ok   bool
			what string
		}{
			{!r.From.IsValid() || r.From.Addr().Is4() == (r.Family == 4), "from"},
			{!r.To.IsValid() || r.To.Addr().Is4() == (r.Family == 4), "to"},
			{r.KernelTable() >= 0 || r.Goto >= 0 || r.Action != 0, "action"},
		} {
			if !p.ok {
				t.Fatalf("%q: inconsistent %s: %+v", in, p.what, r)
			}
		}
	})
}
