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

// The read state of real servers and checkers is reused from one virtual
// server to the next; a dropped duplicate must not leave two real servers
// sharing one checker list in the next virtual server.
func TestCheckersAfterReuse(t *testing.T) {
	rs := func(ip string, ports ...int) string {
		s := " real_server " + ip + " 80 {\n"
		for _, p := range ports {
			s += fmt.Sprintf("  TCP_CHECK {\n   connect_port %d\n  }\n", p)
		}
		return s + " }\n"
	}
	head := " lb_algo rr\n lb_kind NAT\n protocol TCP\n"
	src := "virtual_server 192.0.2.1 80 {\n" + head +
		rs("198.51.100.1", 1001) + rs("198.51.100.1", 1002) + rs("198.51.100.2", 1003) + "}\n" +
		"virtual_server 192.0.2.2 80 {\n" + head +
		rs("198.51.100.1", 2001) + rs("198.51.100.2", 2002) + rs("198.51.100.3", 2003, 2004) + rs("198.51.100.4") + "}\n" +
		"virtual_server 192.0.2.3 80 {\n" + head +
		rs("198.51.100.1") + rs("198.51.100.2", 3002) + "}\n"
	cfg, diags := loadString(t, src)
	want := []string{
		"192.0.2.1:80/TCP 198.51.100.1:80 1001", "192.0.2.1:80/TCP 198.51.100.2:80 1003",
		"192.0.2.2:80/TCP 198.51.100.1:80 2001", "192.0.2.2:80/TCP 198.51.100.2:80 2002",
		"192.0.2.2:80/TCP 198.51.100.3:80 2003", "192.0.2.2:80/TCP 198.51.100.3:80 2004",
		"192.0.2.3:80/TCP 198.51.100.2:80 3002",
	}
	var got []string
	for _, c := range cfg.Checkers {
		got = append(got, fmt.Sprintf("%s %s %d", c.Target.Service, c.Target.Real, c.ConnectPort))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("checkers:\n%s\nwant:\n%s\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), diags)
	}
}

// Real-server lists share blocks of memory; each is capped so that a
// consumer appending to one virtual server's list never writes into the
// next one's.
func TestRealsCapped(t *testing.T) {
	var b strings.Builder
	for v := 1; v <= 3; v++ {
		fmt.Fprintf(&b, "virtual_server 192.0.2.%d 80 {\n lb_algo rr\n lb_kind NAT\n protocol TCP\n", v)
		for r := 1; r <= v; r++ {
			fmt.Fprintf(&b, " real_server 198.51.100.%d 80 {\n }\n", r)
		}
		b.WriteString("}\n")
	}
	cfg, diags := loadString(t, b.String())
	if len(cfg.VirtualServers) != 3 {
		t.Fatalf("%d virtual servers:\n%s", len(cfg.VirtualServers), diags)
	}
	before := cfg.VirtualServers[1].Reals[0].Addr
	for i, vs := range cfg.VirtualServers {
		if len(vs.Reals) != i+1 || cap(vs.Reals) != len(vs.Reals) {
			t.Errorf("virtual server %d: len %d cap %d", i, len(vs.Reals), cap(vs.Reals))
		}
	}
	_ = append(cfg.VirtualServers[0].Reals, cfg.VirtualServers[2].Reals[2])
	if got := cfg.VirtualServers[1].Reals[0].Addr; got != before {
		t.Errorf("appending to one list changed the next: %s, was %s", got, before)
	}
}
