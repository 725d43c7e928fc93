package confparse

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/govrrpd/govrrpd/vrrp"
)

// static_ipaddress, static_routes, static_rules and track_group, and the
// address entry grammar they share with virtual_ipaddress (each verdict
// measured with keepalived 2.2.7 -t).

// block is a root block of entries; its first entry is on line 2.
func block(kind string, entries ...string) string {
	return kind + " {\n " + strings.Join(entries, "\n ") + "\n}\n"
}

func addrs(want ...vrrp.Address) func(*Config) bool {
	return func(c *Config) bool {
		return slices.EqualFunc(c.StaticAddresses, want, func(x, y vrrp.Address) bool {
			// An entry that gives no other keyword has none allocated.
			xo, yo := x.Options(), y.Options()
			return x.Prefix == y.Prefix && (x.Opts == nil) == (y.Opts == nil) && xo.Dev == yo.Dev && xo.Label == yo.Label &&
				xo.Brd == yo.Brd && xo.Scope == yo.Scope && xo.Peer == yo.Peer && x.NoTrack == y.NoTrack &&
				xo.Preferred == yo.Preferred && slices.Equal(xo.Flags, yo.Flags) && x.UseVMAC == y.UseVMAC && xo.TrackGroup == yo.TrackGroup
		})
	}
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func TestStaticAddressEntries(t *testing.T) {
	sa := func(entries ...string) string { return block("static_ipaddress", entries...) }
	p24 := pfx("192.0.2.10/24")
	runSemRows(t, []semRow{
		{"every option", sa("192.0.2.10/24 dev eth0 brd 192.0.2.255 scope link label eth0:1 preferred_lft 30"),
			addrs(vrrp.Address{Prefix: p24, Opts: &vrrp.AddressOptions{Dev: "eth0", Brd: "192.0.2.255", Scope: "link", Label: "eth0:1", Preferred: "30"}}), nil},
		{"bare address is a host prefix", sa("192.0.2.10"), addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32")}), nil},
		{"flags", sa("2001:db8::10/64 dev eth0 home -nodad mngtmpaddr noprefixroute autojoin no_track preferred_lft forever"),
			addrs(vrrp.Address{Prefix: pfx("2001:db8::10/64"), NoTrack: true, Opts: &vrrp.AddressOptions{Dev: "eth0", Preferred: "forever", Flags: []string{"home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin"}}}), nil},
		{"brd + and -", sa("192.0.2.10/24 brd +", "192.0.2.11/24 broadcast -"),
			addrs(vrrp.Address{Prefix: p24, Opts: &vrrp.AddressOptions{Brd: "+"}}, vrrp.Address{Prefix: pfx("192.0.2.11/24"), Opts: &vrrp.AddressOptions{Brd: "-"}}), nil},
		{"brd + on a /32", sa("192.0.2.10/32 brd +"), addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32")}),
			[]want{warnAt(2, "Address prefix length 32 too long for broadcast")}},
		{"invalid brd skips the address", sa("192.0.2.10/24 brd x", "192.0.2.11"), addrs(vrrp.Address{Prefix: pfx("192.0.2.11/32")}),
			[]want{warnAt(2, "VRRP is trying to assign invalid broadcast x. skipping VIP...")}},
		{"brd on IPv6 skips the address", sa("2001:db8::1/64 brd +"), addrs(),
			[]want{warnAt(2, "VRRP is trying to assign a broadcast brd to the IPv6 address 2001:db8::1/64")}},
		{"invalid scope", sa("192.0.2.10/24 scope bogus"), addrs(vrrp.Address{Prefix: p24}),
			[]want{warnAt(2, "Invalid scope 'bogus' specified for 192.0.2.10/24 - ignoring")}},
		{"IPv6 scope and label", sa("2001:db8::1/64 scope link label x"), addrs(vrrp.Address{Prefix: pfx("2001:db8::1/64")}),
			[]want{warnAt(2, "Cannot specify scope for IPv6 addresses (2001:db8::1/64) - ignoring scope"),
				warnAt(2, "Cannot specify label for IPv6 addresses (2001:db8::1/64) - ignoring label")}},
		{"label of 15", sa("192.0.2.10/24 label abcdefghijklmno"), addrs(vrrp.Address{Prefix: p24, Opts: &vrrp.AddressOptions{Label: "abcdefghijklmno"}}), nil},
		{"label of 16 skips", sa("192.0.2.10/24 label abcdefghijklmnop"), addrs(),
			[]want{warnAt(2, "Address label abcdefghijklmnop is longer than maximum length 15 - removing address")}},
		{"peer", sa("192.0.2.10 peer 192.0.2.11"), addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32"), Opts: &vrrp.AddressOptions{Peer: netip.MustParseAddr("192.0.2.11")}}), nil},
		{"peer with a prefix", sa("192.0.2.10/24 peer 192.0.2.11"),
			addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32"), Opts: &vrrp.AddressOptions{Peer: netip.MustParseAddr("192.0.2.11")}}),
			[]want{warnAt(2, "Cannot specify address prefix when specifying peer address - ignoring")}},
		{"peer and brd", sa("192.0.2.10 brd 192.0.2.255 peer 192.0.2.11"),
			addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32"), Opts: &vrrp.AddressOptions{Peer: netip.MustParseAddr("192.0.2.11")}}),
			[]want{warnAt(2, "Cannot specify broadcast and peer addresses - ignoring broadcast address")}},
		{"peer of the other family", sa("192.0.2.10 peer 2001:db8::1"), addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32")}),
			[]want{warnAt(2, "Peer address 2001:db8::1 does not match address family")}},
		{"peer not an address", sa("192.0.2.10 peer x"), addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32")}),
			[]want{warnAt(2, "Invalid peer address x")}},
		{"second peer", sa("192.0.2.10 peer 192.0.2.11 peer 192.0.2.12"),
			addrs(vrrp.Address{Prefix: pfx("192.0.2.10/32"), Opts: &vrrp.AddressOptions{Peer: netip.MustParseAddr("192.0.2.11")}}),
			[]want{warnAt(2, "Peer 192.0.2.12 - another peer has already been specified")}},
		{"preferred_lft invalid", sa("192.0.2.10/24 preferred_lft x"), addrs(vrrp.Address{Prefix: p24}),
			[]want{warnAt(2, "preferred_lft x is invalid")}},
		{"option without value skips", sa("192.0.2.10/24 dev", "192.0.2.11/24 label"), addrs(),
			[]want{warnAt(2, "No dev parameter specified for 192.0.2.10/24"), warnAt(3, "No label parameter specified for 192.0.2.11/24")}},
		{"dev twice skips", sa("192.0.2.10/24 dev eth0 dev eth1"), addrs(),
			[]want{warnAt(2, "Cannot specify ipaddress device more than once for 192.0.2.10/24")}},
		{"missing dev skips", sa("192.0.2.10/24 dev missing1"), addrs(),
			[]want{warnAt(2, "WARNING - interface missing1 for ip address 192.0.2.10/24 doesn't exist"),
				{Fatal, 2, "Non-existent interface specified in configuration"}}},
		{"invalid address", sa("192.0.2.300/24", "2001:db8::zz"), addrs(),
			[]want{warnAt(2, "VRRP parsed invalid IP 192.0.2.300/24. skipping IP..."), warnAt(3, "VRRP parsed invalid IP 2001:db8::zz")}},
		{"unknown word", sa("192.0.2.10/24 frobnicate"), addrs(vrrp.Address{Prefix: p24}),
			[]want{warnAt(2, "Unknown configuration entry 'frobnicate' for ip address - ignoring")}},
		{"use_vmac is for VIPs", sa("192.0.2.10/24 use_vmac"), addrs(vrrp.Address{Prefix: p24}),
			[]want{warnAt(2, "Unknown configuration entry 'use_vmac' for ip address - ignoring")}},
		{"track_group without value", sa("192.0.2.10/24 track_group"), addrs(),
			[]want{warnAt(2, "No track_group parameter specified for 192.0.2.10/24")}},
	})
}

// The same grammar inside an instance: use_vmac is allowed, track_group
// is not (and its value is then one more unknown word, as in keepalived).
func TestVirtualAddressEntries(t *testing.T) {
	vips := func(body string) string { return inst("virtual_ipaddress {\n" + body + "\n}") }
	l := instBody + 1
	runSemRows(t, []semRow{
		{"use_vmac", vips("192.0.2.5/24 dev eth0 use_vmac"), in0(func(i vrrp.Instance) bool {
			return len(i.VIPs) == 2 && i.VIPs[1].UseVMAC && i.VIPs[1].Options().Dev == "eth0"
		}), nil},
		{"track_group refused", vips("192.0.2.5/24 track_group T"), in0(func(i vrrp.Instance) bool {
			return len(i.VIPs) == 2 && i.VIPs[1].Options().TrackGroup == ""
		}), []want{warnAt(l, "Unknown configuration entry 'track_group' for ip address - ignoring"),
			warnAt(l, "Unknown configuration entry 'T' for ip address - ignoring")}},
		{"label and scope", vips("192.0.2.5/24 dev eth0 label eth0:5 scope host brd -"), in0(func(i vrrp.Instance) bool {
			v := i.VIPs[1].Options()
			return v.Label == "eth0:5" && v.Scope == "host" && v.Brd == "-"
		}), nil},
		{"excluded of the other family", inst("virtual_ipaddress_excluded {\n2001:db8::5/64\n192.0.2.6\n}"),
			in0(func(i vrrp.Instance) bool {
				return len(i.Options().ExcludedVIPs) == 2 && i.Options().ExcludedVIPs[0].Prefix == pfx("2001:db8::5/64") && i.Family == vrrp.IPv4
			}), nil},
		{"excluded skips like VIPs", inst("virtual_ipaddress_excluded {\n192.0.2.6 brd x\n}"),
			in0(func(i vrrp.Instance) bool { return len(i.Options().ExcludedVIPs) == 0 }),
			[]want{warnAt(l, "VRRP is trying to assign invalid broadcast x")}},
	})
}

func TestStaticRoutesAndRules(t *testing.T) {
	routes := func(f func([]vrrp.Route) bool) func(*Config) bool {
		return func(c *Config) bool { return f(c.StaticRoutes) }
	}
	rules := func(f func([]vrrp.Rule) bool) func(*Config) bool {
		return func(c *Config) bool { return f(c.StaticRules) }
	}
	runSemRows(t, []semRow{
		{"route", block("static_routes", "198.51.100.0/24 via 192.0.2.1 dev eth0 table 5 metric 7 scope link protocol static onlink"),
			routes(func(r []vrrp.Route) bool {
				return len(r) == 1 && r[0].Dst == pfx("198.51.100.0/24") && r[0].Via.String() == "192.0.2.1" && r[0].Dev == "eth0" &&
					r[0].Table == 5 && r[0].Metric == 7 && r[0].Scope == "link" && r[0].Proto == "static" && r[0].OnLink && !r[0].NoTrack
			}), nil},
		{"src and words kept", block("static_routes", "src 192.0.2.9 198.51.100.0/24 dev eth0"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Src.String() == "192.0.2.9" && slices.Equal(r[0].Words, []string{"src", "192.0.2.9", "198.51.100.0/24", "dev", "eth0"})
		}), nil},
		{"blackhole cannot be tracked", block("static_routes", "blackhole 198.51.100.0/24"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].Type == "blackhole" && r[0].NoTrack
		}), []want{warnAt(2, "Warning - cannot track route 198.51.100.0/24 with no interface specified, not tracking")}},
		{"no_track without dev is quiet", block("static_routes", "198.51.100.0/24 via 192.0.2.1 no_track"), routes(func(r []vrrp.Route) bool {
			return len(r) == 1 && r[0].NoTrack
		}), nil},
		{"route on a missing interface is dropped", block("static_routes", "198.51.100.0/24 dev missing3", "198.51.101.0/24 dev eth0"),
			routes(func(r []vrrp.Route) bool { return len(r) == 1 && r[0].Dst == pfx("198.51.101.0/24") }),
			[]want{warnAt(2, "WARNING - interface missing3 for VROUTE nexthop doesn't exist"), {Fatal, 2, "Non-existent interface"}}},
		{"bad metric", block("static_routes", "198.51.100.0/24 dev eth0 metric x"), nil, []want{warnAt(2, "Invalid metric x")}},
		{"rules count down from 16384", block("static_rules", "from 192.0.2.1 table 5 preference 10", "to 198.51.100.0/24 lookup 6",
			"from all fwmark 3 table 7 iif eth0"), rules(func(r []vrrp.Rule) bool {
			return len(r) == 3 && r[0].Preference == 10 && r[0].From == pfx("192.0.2.1/32") && r[0].Table == 5 &&
				r[1].Preference == 16384 && r[1].To == pfx("198.51.100.0/24") && r[1].Table == 6 &&
				r[2].Preference == 16383 && r[2].FWMark == "3" && r[2].IIF == "eth0"
		}), []want{warnAt(3, "Rule has no preference specified - setting to 16384. This is probably not what you want."),
			warnAt(4, "setting to 16383")}},
		{"rule on a missing interface is dropped", block("static_rules", "from 192.0.2.1 table 5 preference 1 iif missing4"),
			rules(func(r []vrrp.Rule) bool { return len(r) == 0 }),
			[]want{warnAt(2, "WARNING - interface missing4 for rule doesn't exist"), {Fatal, 2, "Non-existent interface"}}},
		{"instance rules share the count", block("static_rules", "from 192.0.2.1 table 5") + inst("virtual_rules {\nfrom 192.0.2.2 table 5\n}"),
			func(c *Config) bool {
				return c.StaticRules[0].Preference == 16384 && c.Instances[0].Options().Rules[0].Preference == 16383
			},
			[]want{warnAt(2, "setting to 16384"), warnAt(3+instBody+1, "setting to 16383")}},
	})
}

func TestTrackGroups(t *testing.T) {
	tg := "track_group T {\n group {\n  VI_1 VI_9\n }\n}\n" // lines 1-5
	groupOf := func(f func(g TrackGroup, i vrrp.Instance) bool) func(*Config) bool {
		return func(c *Config) bool {
			return len(c.TrackGroups) == 1 && len(c.Instances) > 0 && f(c.TrackGroups[0], c.Instances[0])
		}
	}
	runSemRows(t, []semRow{
		{"members learn their groups", tg + inst(""), groupOf(func(g TrackGroup, i vrrp.Instance) bool {
			return slices.Equal(g.Members, []string{"VI_1"}) && slices.Equal(i.Options().TrackGroups, []string{"T"})
		}), []want{infoAt(1, "vrrp instance VI_9 specified in track group T doesn't exist - ignoring")}},
		{"defined twice", tg + tg + inst(""), groupOf(func(g TrackGroup, i vrrp.Instance) bool { return len(g.Members) == 1 }),
			[]want{warnAt(6, "track_group T already defined")}},
		{"entries name it", tg + block("static_ipaddress", "192.0.2.10/24 dev eth0 track_group T", "192.0.2.11/24 track_group T no_track") +
			block("static_routes", "198.51.100.0/24 dev eth0 track_group T", "198.51.101.0/24 via 192.0.2.1 track_group T") +
			block("static_rules", "from 192.0.2.1 table 5 preference 9 iif eth0 track_group T",
				"from 192.0.2.2 table 5 preference 8 track_group T") + inst(""),
			func(c *Config) bool {
				return c.StaticAddresses[0].Options().TrackGroup == "T" && c.StaticAddresses[1].Options().TrackGroup == "T" &&
					c.StaticRoutes[0].TrackGroup == "T" && c.StaticRoutes[1].TrackGroup == "" &&
					c.StaticRules[0].TrackGroup == "T" && c.StaticRules[1].TrackGroup == ""
			}, []want{infoAt(8, "Static address has both track_group and no_track set - not tracking"),
				warnAt(12, "Warning - cannot track route 198.51.101.0/24 with no interface specified"),
				warnAt(12, "Static route cannot have track group if no oif specified"),
				warnAt(16, "Static rule cannot have track_group if dev/iif not specified")}},
		{"named before it is defined", block("static_ipaddress", "192.0.2.10/24 track_group T") + tg + inst(""),
			func(c *Config) bool { return c.StaticAddresses[0].Options().TrackGroup == "" }, []want{warnAt(2, "track_group T not found")}},
		{"no name", "track_group {\n group {\n  VI_1\n }\n}\n", func(c *Config) bool { return len(c.TrackGroups) == 0 },
			[]want{warnAt(1, "'track_group' needs a value")}},
		{"unknown keyword", "track_group T {\n bogus\n}\n", nil, []want{warnAt(2, "unknown keyword 'bogus' in track_group T")}},
	})
}
