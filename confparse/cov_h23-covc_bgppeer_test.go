package confparse

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/bgp"
)

// The neighbor and announce blocks of --bgp-config, keyword by keyword.

func TestBGPNeighborKeywords(t *testing.T) {
	long := strings.Repeat("p", 80)
	runBGPRows(t, []bgpRow{
		{"defaults", bgpNb(""), nb1(func(n bgp.Neighbor) bool {
			return n.Port == bgp.DefaultPort && n.HoldTime == bgp.DefaultHoldTime && n.Keepalive == bgp.DefaultKeepalive &&
				!n.Passive && n.Multihop == 0 && n.Password == "" && !n.LocalAddress.IsValid() && n.Pos.Line() == 8
		}), nil},
		{"IPv6 neighbour", strings.Replace(bgpNb(""), "198.51.100.2", "2001:db8::2", 1), nb1(func(n bgp.Neighbor) bool {
			return n.Address == netip.MustParseAddr("2001:db8::2")
		}), nil},
		{"bad neighbour address", strings.Replace(bgpNb(""), "198.51.100.2", "peer2", 1),
			func(c *bgp.Config) bool { return len(c.Neighbors) == 1 }, []want{warnAt(8, "neighbor: invalid IP address 'peer2'")}},
		{"port zero", bgpNb("port 0"), nil, []want{warnAt(10, "port: number '0' outside range [1, 65535]")}},
		{"local_address", bgpNb("local_address 198.51.100.10"), nb1(func(n bgp.Neighbor) bool {
			return n.LocalAddress == netip.MustParseAddr("198.51.100.10")
		}), nil},
		{"passive off", bgpNb("passive off"), nb1(func(n bgp.Neighbor) bool { return !n.Passive }), nil},
		{"passive bad word", bgpNb("passive maybe"), nil,
			[]want{warnAt(10, "passive: invalid boolean 'maybe' (use on|off|true|false|yes|no)")}},
		{"password of 80", bgpNb("password " + long), nb1(func(n bgp.Neighbor) bool { return n.Password == long }), nil},
		{"password of 81", bgpNb("password " + long + "p"), nil, []want{warnAt(10, "password: one word of 1 to 80 characters")}},
		{"password of two words", bgpNb("password a b"), nil, []want{warnAt(10, "password: one word")}},
		{"password empty", bgpNb(`password ""`), nil, []want{warnAt(10, "password: one word")}},
		{"hold_time 0 keeps the session without keepalive check", bgpNb("hold_time 0\n keepalive_interval 30"),
			nb1(func(n bgp.Neighbor) bool { return n.HoldTime == 0 && n.Keepalive == 30*time.Second }), nil},
		{"hold_time 3", bgpNb("hold_time 3\n keepalive_interval 1"), nb1(func(n bgp.Neighbor) bool {
			return n.HoldTime == 3*time.Second && n.Keepalive == time.Second
		}), nil},
		{"hold_time 1", bgpNb("hold_time 1"), nil, []want{warnAt(10, "hold_time: must be 0 or at least 3 seconds (RFC 4271 4.2)")}},
		{"hold_time above 16 bits", bgpNb("hold_time 65536"), nil,
			[]want{warnAt(10, "hold_time: number '65536' outside range [0, 65535]")}},
		{"keepalive_interval above a third of 65535", bgpNb("hold_time 0\n keepalive_interval 21846"), nil,
			[]want{warnAt(11, "keepalive_interval: number '21846' outside range [0, 21845]")}},
		{"keepalive above the default hold time", bgpNb("keepalive_interval 9"), func(c *bgp.Config) bool {
			return len(c.Neighbors) == 1
		}, []want{warnAt(8, "neighbor 198.51.100.2: keepalive_interval 9s must be below hold_time 9s")}},
		{"ebgp_multihop 255", bgpNb("ebgp_multihop 255"), nb1(func(n bgp.Neighbor) bool { return n.Multihop == 255 }), nil},
		{"ebgp_multihop 0", bgpNb("ebgp_multihop 0"), nil, []want{warnAt(10, "ebgp_multihop: number '0' outside range [1, 255]")}},
		{"remote_as asdot", bgpNb("remote_as 0.1"), nb1(func(n bgp.Neighbor) bool { return n.AS == 1 }), nil},
		{"unknown keyword names the neighbour", bgpNb("next_hop_self"), nil,
			[]want{warnAt(10, "unknown keyword 'next_hop_self' in neighbor 198.51.100.2")}},
	})
}

func TestBGPAnnounceKeywords(t *testing.T) {
	vs := func(a netip.AddrPort, proto string) func(*bgp.Config) bool {
		return an0(func(an bgp.Announce) bool {
			return len(an.Conditions) == 1 && an.Conditions[0].Addr == a && an.Conditions[0].Protocol == proto
		})
	}
	badVS := "virtual_server: want IP PORT [TCP|UDP|SCTP], fwmark N or group NAME [TCP|UDP|SCTP]"
	noConds := an0(func(an bgp.Announce) bool { return len(an.Conditions) == 0 })
	runBGPRows(t, []bgpRow{
		{"no block: unconditional", bgpHead + "announce 192.0.2.0/25\n", an0(func(an bgp.Announce) bool {
			return an.Prefix == netip.MustParsePrefix("192.0.2.0/25") && len(an.Conditions) == 0 && !an.HasMED && an.Pos.Line() == 8
		}), nil},
		{"no prefix", bgpHead + "announce\n", func(c *bgp.Config) bool { return len(c.Announces) == 0 },
			[]want{warnAt(8, "'announce' needs a value")}},
		{"IPv6 VIP of a virtual server", bgpAn("virtual_server 2001:db8::80 443 sctp"),
			vs(netip.MustParseAddrPort("[2001:db8::80]:443"), "SCTP"), nil},
		{"virtual server port above 16 bits", bgpAn("virtual_server 192.0.2.200 65536"), noConds, []want{warnAt(9, badVS)}},
		{"fwmark zero", bgpAn("virtual_server fwmark 0"), noConds, []want{warnAt(9, badVS)}},
		{"fwmark with a protocol", bgpAn("virtual_server fwmark 7 TCP"), noConds, []want{warnAt(9, badVS)}},
		{"group without protocol is TCP", bgpAn("virtual_server group G"), an0(func(an bgp.Announce) bool {
			return len(an.Conditions) == 1 && an.Conditions[0].Group == "G" && an.Conditions[0].Protocol == "TCP"
		}), nil},
		{"group with two protocols", bgpAn("virtual_server group G TCP UDP"), noConds, []want{warnAt(9, badVS)}},
		{"vrrp_instance without a name", bgpAn("vrrp_instance"), noConds, []want{warnAt(9, "'vrrp_instance' needs a value")}},
		{"community bounds", bgpAn("community 0:0 65535:65535"), an0(func(an bgp.Announce) bool {
			return slices.Equal(an.Communities, []uint32{0, 1<<32 - 1})
		}), nil},
		{"community without a value", bgpAn("community"), nil, []want{warnAt(9, "community needs at least one AS:VALUE")}},
		{"community without a colon", bgpAn("community 65000"), nil,
			[]want{warnAt(9, "community: invalid community '65000' (AS:VALUE, each 0-65535)")}},
		{"a bad community stops the line", bgpAn("community 1:1 1:x 2:2"), an0(func(an bgp.Announce) bool {
			return slices.Equal(an.Communities, []uint32{1<<16 | 1})
		}), []want{warnAt(9, "invalid community '1:x'")}},
		{"med bounds", bgpAn("med 4294967295"), an0(func(an bgp.Announce) bool { return an.HasMED && an.MED == 1<<32-1 }), nil},
		{"med zero is set", bgpAn("med 0"), an0(func(an bgp.Announce) bool { return an.HasMED && an.MED == 0 }), nil},
		{"med above 32 bits", bgpAn("med 4294967296"), an0(func(an bgp.Announce) bool { return !an.HasMED }),
			[]want{warnAt(9, "med: invalid number '4294967296' (0-4294967295)")}},
		{"med negative", bgpAn("med -1"), nil, []want{warnAt(9, "med: invalid number '-1'")}},
		{"as_path_prepend 16", bgpAn("as_path_prepend 16"), an0(func(an bgp.Announce) bool { return an.Prepend == 16 }), nil},
		{"as_path_prepend 17", bgpAn("as_path_prepend 17"), nil,
			[]want{warnAt(9, "as_path_prepend: number '17' outside range [0, 16]")}},
		{"a block inside announce", bgpAn("vrrp_instance VI_1 {\n }"), noConds, []want{warnAt(9, "'vrrp_instance' takes no block")}},
	})
}
