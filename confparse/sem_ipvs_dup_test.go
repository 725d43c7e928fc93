package confparse

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"
)

// Duplicate real servers are dropped with keepalived's warning whether the
// list is short (scanned) or long (a set past rsScanMax), and the kept
// servers stay in file order.
func TestRealServerDuplicates(t *testing.T) {
	cases := []struct {
		name  string
		addrs []int // last octet of each real server, in file order
	}{
		{"none", []int{1, 2, 3}},
		{"short", []int{1, 2, 1, 3, 2}},
		{"at the switch", append(seq(1, rsScanMax), 1, rsScanMax, rsScanMax+1)},
		{"long", append(seq(1, 3*rsScanMax), 5, 3*rsScanMax, 2*rsScanMax, 3*rsScanMax+1, 3*rsScanMax+1)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("virtual_server 192.0.2.1 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n")
			for _, o := range c.addrs {
				fmt.Fprintf(&b, " real_server 198.51.%d.%d 80 {\n weight 1\n }\n", 100+o/250, o%250)
			}
			b.WriteString("}\n")
			cfg, diags := loadString(t, b.String())
			var want []netip.AddrPort
			dups := 0
			seen := map[int]bool{}
			for _, o := range c.addrs {
				if seen[o] {
					dups++
					continue
				}
				seen[o] = true
				want = append(want, netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 51, byte(100 + o/250), byte(o % 250)}), 80))
			}
			if got := strings.Count(diags.String(), "is duplicated - removing second rs"); got != dups {
				t.Errorf("%d duplicate warnings, want %d:\n%s", got, dups, diags)
			}
			if len(cfg.VirtualServers) != 1 {
				t.Fatalf("%d virtual servers", len(cfg.VirtualServers))
			}
			reals := cfg.VirtualServers[0].Reals
			if len(reals) != len(want) {
				t.Fatalf("%d real servers kept, want %d", len(reals), len(want))
			}
			for i, r := range reals {
				if r.Addr != want[i] {
					t.Errorf("real server %d is %s, want %s", i, r.Addr, want[i])
				}
			}
		})
	}
}

func seq(lo, hi int) []int {
	var out []int
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}
