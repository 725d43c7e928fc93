package confparse

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// virtual_routes and virtual_rules inside an instance, and keepalived's
// reading of its list blocks written on one line (each verdict measured
// with keepalived 2.2.7 -t).

func TestVirtualRoutes(t *testing.T) {
	vr := func(entries ...string) string {
		return inst("virtual_routes {\n" + strings.Join(entries, "\n") + "\n}")
	}
	routes := func(f func([]vrrp.Route) bool) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return f(i.Options().Routes) })
	}
	l := instBody + 1
	runSemRows(t, []semRow{
		{"fields", vr("198.51.100.0/24 via 192.0.2.254 dev eth0 table 100 metric 5 scope global onlink"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Dst == pfx("198.51.100.0/24") && r[0].Via == netip.MustParseAddr("192.0.2.254") &&
				r[0].Dev == "eth0" && r[0].Table == 100 && r[0].Metric == 5 && r[0].Scope == "global" && r[0].OnLink
		}), nil},
		{"src before the destination", vr("src 192.0.2.1 to 198.51.101.0/24 dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Src == netip.MustParseAddr("192.0.2.1") && r[0].Dst == pfx("198.51.101.0/24")
		}), nil},
		{"multipath cannot be tracked", vr("198.51.102.0/24 nexthop via 192.0.2.253 dev eth0 weight 2 nexthop via 192.0.2.252 dev eth1"),
			routes(func(r []vrrp.Route) bool {
				return len(r) == 1 && r[0].Via == netip.MustParseAddr("192.0.2.253") && r[0].Dev == "eth0" && r[0].NoTrack
			}), []want{warnAt(l, "Warning - cannot track route 198.51.102.0/24 with no interface specified, not tracking")}},
		{"unknown word drops the route", vr("198.51.107.0/24 dev eth0 bogus 3"), routes(func(r []vrrp.Route) bool { return len(r) == 0 }),
			[]want{warnAt(l, "VRRP parsed invalid IP bogus. skipping IP..."), warnAt(l, "unknown route keyword bogus")}},
		{"unreachable", vr("unreachable 198.51.103.0/24"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Type == "unreachable" && r[0].NoTrack
		}), []want{warnAt(l, "Warning - cannot track route 198.51.103.0/24 with no interface specified, not tracking")}},
		{"throw with a dev", vr("throw 198.51.104.0/24 dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Type == "throw" && !r[0].NoTrack
		}), nil},
		{"IPv6 in an IPv4 instance", vr("2001:db8:1::/64 via 2001:db8::fe dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Dst == pfx("2001:db8:1::/64")
		}), nil},
		{"mixed families dropped", vr("198.51.105.0/24 via 2001:db8::fe dev eth0"), routes(func(r []vrrp.Route) bool { return len(r) == 0 }),
			[]want{warnAt(l, "Cannot mix IPv4 and IPv6 addresses for route")}},
		{"table not found", vr("198.51.106.0/24 dev eth0 table x"), routes(func(r []vrrp.Route) bool { return len(r) == 1 && r[0].Table == 0 }),
			[]want{warnAt(l, "Routing table x not found for route")}},
		{"prefix too long is a host route", vr("198.51.108.0/33 dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Dst == pfx("198.51.108.0/32")
		}), []want{warnAt(l, "Invalid address prefix len 33 for address 198.51.108.0/33 - using 32")}},
		{"invalid destination", vr("198.51.108.x/24 dev eth0"), routes(func(r []vrrp.Route) bool { return len(r) == 0 }),
			[]want{warnAt(l, "VRRP parsed invalid IP 198.51.108.x/24. skipping IP...")}},
		{"no_track", vr("198.51.109.0/24 via 192.0.2.1 no_track"), routes(func(r []vrrp.Route) bool { return len(r) == 1 && r[0].NoTrack }), nil},
		{"track_group is for static routes", vr("198.51.110.0/24 dev eth0 track_group T", "198.51.111.0/24 dev eth0"),
			routes(func(r []vrrp.Route) bool { return len(r) == 1 && r[0].Dst == pfx("198.51.111.0/24") }),
			[]want{warnAt(l, "VRRP parsed invalid IP track_group. skipping IP..."), warnAt(l, "unknown route keyword track_group")}},
		{"missing interface dropped", vr("198.51.112.0/24 dev missing5"), routes(func(r []vrrp.Route) bool { return len(r) == 0 }),
			[]want{warnAt(l, "WARNING - interface missing5 for VROUTE nexthop doesn't exist"), {Fatal, l, "Non-existent interface"}}},
		{"the words as written", vr("198.51.113.0/24   dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && slices.Equal(r[0].Words, []string{"198.51.113.0/24", "dev", "eth0"})
		}), nil},
	})
}

func TestVirtualRules(t *testing.T) {
	rl := func(entries ...string) string { return inst("virtual_rules {\n" + strings.Join(entries, "\n") + "\n}") }
	rules := func(f func([]vrrp.Rule) bool) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return f(i.Options().Rules) })
	}
	l := instBody + 1
	runSemRows(t, []semRow{
		{"fields", rl("to 198.51.100.0/24 table 101 priority 6 iif eth0 oif eth1", "from all fwmark 0x10/0xff table 102 preference 7"),
			rules(func(r []vrrp.Rule) bool {
				return len(r) == 2 && r[0].To == pfx("198.51.100.0/24") && r[0].Table == 101 && r[0].Preference == 6 &&
					r[0].IIF == "eth0" && r[0].OIF == "eth1" && r[1].FWMark == "0x10/0xff" && r[1].Preference == 7
			}), nil},
		{"IPv6 rule in an IPv4 instance", rl("from 2001:db8::/64 table 103 preference 8"), rules(func(r []vrrp.Rule) bool {
			return len(r) == 1 && r[0].From == pfx("2001:db8::/64")
		}), nil},
		{"no_track", rl("from 192.0.2.1 table 104 preference 9 no_track"), rules(func(r []vrrp.Rule) bool { return len(r) == 1 && r[0].NoTrack }), nil},
		{"invalid address dropped", rl("from 192.0.2.300 table 105 preference 10"), rules(func(r []vrrp.Rule) bool { return len(r) == 0 }),
			[]want{warnAt(l, "VRRP parsed invalid IP 192.0.2.300. skipping IP..."), warnAt(l, "Invalid rule from address 192.0.2.300")}},
		{"no action dropped", rl("from 192.0.2.1 preference 11"), rules(func(r []vrrp.Rule) bool { return len(r) == 0 }),
			[]want{warnAt(l, "No action specified for rule - ignoring")}},
		{"a type is an action", rl("from 192.0.2.1 preference 12 unreachable"), rules(func(r []vrrp.Rule) bool { return len(r) == 1 }), nil},
		{"table not found keeps the rule", rl("from 192.0.2.1 table nosuch preference 13"), rules(func(r []vrrp.Rule) bool {
			return len(r) == 1 && r[0].Table == 0
		}), []want{warnAt(l, "Routing table nosuch not found for rule")}},
		{"mixed families dropped", rl("from 192.0.2.1 to 2001:db8::1 table 5 preference 14"), rules(func(r []vrrp.Rule) bool { return len(r) == 0 }),
			[]want{warnAt(l, "rule specification has mixed IPv4 and IPv6")}},
		{"unknown option", rl("from 192.0.2.1 table 106 preference 15 bogus"), rules(func(r []vrrp.Rule) bool { return len(r) == 1 }),
			[]want{warnAt(l, "Unknown rule option bogus")}},
		{"track_group ignored", rl("from 192.0.2.1 table 5 preference 16 track_group T"), rules(func(r []vrrp.Rule) bool {
			return len(r) == 1 && r[0].TrackGroup == ""
		}), []want{warnAt(l, "Unknown rule option track_group")}},
		{"missing interface dropped", rl("from 192.0.2.1 table 5 preference 17 oif missing6"), rules(func(r []vrrp.Rule) bool { return len(r) == 0 }),
			[]want{warnAt(l, "WARNING - interface missing6 for rule doesn't exist"), {Fatal, l, "Non-existent interface"}}},
		{"dropped rules take no preference", rl("from 192.0.2.300 table 5", "from 192.0.2.1 table 5"), rules(func(r []vrrp.Rule) bool {
			return len(r) == 1 && r[0].Preference == 16384
		}), []want{warnAt(l, "VRRP parsed invalid IP 192.0.2.300"), warnAt(l, "Invalid rule from address"), warnAt(l+1, "setting to 16384")}},
	})
}

// Every list block of an instance written with words on its own line
// opens anyway: the next line becomes its entry, the instance's '}'
// closes it, and govrrpd says so at the keyword's line.
func TestInstanceListBlocksOnOneLine(t *testing.T) {
	cases := []struct {
		key, first, next string
		ok               func(vrrp.Instance) bool
	}{
		{"virtual_ipaddress", "192.0.2.9", "192.0.2.10", func(i vrrp.Instance) bool {
			return len(i.VIPs) == 2 && i.VIPs[1].Prefix == pfx("192.0.2.10/32")
		}},
		{"virtual_ipaddress_excluded", "192.0.2.9", "192.0.2.11", func(i vrrp.Instance) bool {
			return len(i.Options().ExcludedVIPs) == 1 && i.Options().ExcludedVIPs[0].Prefix == pfx("192.0.2.11/32")
		}},
		{"virtual_routes", "198.51.100.0/24", "198.51.101.0/24 dev eth0", func(i vrrp.Instance) bool {
			return len(i.Options().Routes) == 1 && i.Options().Routes[0].Dst == pfx("198.51.101.0/24")
		}},
		{"virtual_rules", "x", "from 192.0.2.1 table 5 preference 1", func(i vrrp.Instance) bool { return len(i.Options().Rules) == 1 }},
		{"track_interface", "eth9", "eth1", func(i vrrp.Instance) bool {
			return slices.Equal(i.TrackInterfaces, []vrrp.TrackInterface{{Name: "eth1"}})
		}},
		{"track_script", "x", "s", func(i vrrp.Instance) bool { return slices.Equal(i.TrackScripts, []vrrp.TrackRef{{Name: "s"}}) }},
		{"track_file", "x", "f", func(i vrrp.Instance) bool { return slices.Equal(i.Options().TrackFiles, []vrrp.TrackRef{{Name: "f"}}) }},
		{"track_process", "x", "p", func(i vrrp.Instance) bool {
			return slices.Equal(i.Options().TrackProcesses, []vrrp.TrackRef{{Name: "p"}})
		}},
		{"unicast_peer", "192.0.2.7", "192.0.2.8", func(i vrrp.Instance) bool {
			return slices.Equal(i.Options().UnicastPeers, []vrrp.Peer{{Addr: netip.MustParseAddr("192.0.2.8")}})
		}},
	}
	var rows []semRow
	for _, c := range cases {
		rows = append(rows, semRow{c.key, trackDefs + inst(c.key+" "+c.first+"\n"+c.next), in0(c.ok),
			[]want{warnAt(12+instBody, "Block "+c.key+" has extra parameters "+c.first+" ...: keepalived ignores '"+c.first+"'")}})
	}
	runSemRows(t, rows)
}
