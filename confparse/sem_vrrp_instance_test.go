package confparse

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govrrpd/govrrpd/vrrp"
)

// vrrp_instance: state, priority, version and advert_int, the interface,
// source and destination addresses and unicast peers (each verdict
// measured with keepalived 2.2.7 -t). Body lines of inst() start at
// instBody; messages about the whole instance are at its line 1.

// bare is an instance with only a VRID and the given body (line 3 on).
func bare(body string) string {
	return "vrrp_instance VI_1 {\n virtual_router_id 51\n" + body + "\n}\n"
}

// inst6 is inst() with an IPv6 VIP.
func inst6(body string) string { return strings.Replace(inst(body), "192.0.2.1/24", "2001:db8::1", 1) }

func TestInstanceStateAndPriority(t *testing.T) {
	st := func(s vrrp.InitialState, prio uint8) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return i.State == s && i.Priority == prio })
	}
	runSemRows(t, []semRow{
		{"BACKUP", inst("state BACKUP"), st(vrrp.WantBackup, 100), nil},
		{"MASTER with a priority keeps it", inst("state MASTER\npriority 50"), st(vrrp.WantMaster, 50), nil},
		{"BACKUP at 255 stays BACKUP", inst("priority 255\nstate BACKUP"), st(vrrp.WantBackup, 255), nil},
		{"unknown state", inst("state bogus"), st(vrrp.WantBackup, 100),
			[]want{warnAt(instBody, "(VI_1) unknown state 'bogus', defaulting to BACKUP")}},
		{"BACKUP after MASTER", inst("state MASTER\nstate BACKUP\npriority 50"), st(vrrp.WantMaster, 50),
			[]want{warnAt(instBody+1, "(VI_1) state previously set as MASTER - ignoring BACKUP")}},
		{"priority not a number", inst("priority high"), st(vrrp.WantBackup, 100),
			[]want{warnAt(instBody, "priority: invalid number 'high'"), warnAt(instBody, "(VI_1) Priority not valid! must be between 1 & 255. Using default 100")}},
		{"bare state stops keepalived", inst("state"), nil, []want{stopAt(instBody, "`state` is missing a parameter")}},
		{"bare priority stops keepalived", inst("priority"), nil, []want{stopAt(instBody, "`priority` is missing a parameter")}},
	})
}

func TestInstanceVersionAndAdvert(t *testing.T) {
	adv := func(v uint8, d time.Duration) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return i.Version == v && i.AdvertInt == d })
	}
	runSemRows(t, []semRow{
		{"v3 10 ms", inst("version 3\nadvert_int 0.01"), adv(3, 10*time.Millisecond), nil},
		{"v3 40.95 s", inst("version 3\nadvert_int 40.95"), adv(3, 40950*time.Millisecond), nil},
		{"v3 40.96 s", inst("version 3\nadvert_int 40.96"), adv(3, 40950*time.Millisecond),
			[]want{warnAt(1, "(VI_1) VRRPv3 advertisement interval 40.96s is out of range. Must be less than 40.96s. Setting to 40.95s")}},
		{"v2 10 ms rounds up to 1 s", inst("advert_int 0.01"), adv(2, time.Second),
			[]want{warnAt(1, "(VI_1) VRRPv2 advertisement interval 0.010000s must be an integer. rounding")}},
		{"v2 2.5 s rounds to 3", inst("advert_int 2.5"), adv(2, 3*time.Second), []want{warnAt(1, "2.500000s must be an integer")}},
		{"below 10 ms", inst("version 3\nadvert_int 0.001"), adv(3, time.Second),
			[]want{warnAt(instBody+1, "advert_int: number '0.001' outside range [0.01, 255]"),
				warnAt(instBody+1, "(VI_1) Advert interval (0.001) not valid! Must be > 0 - ignoring")}},
		{"above 255 s", inst("advert_int 256"), adv(2, time.Second),
			[]want{warnAt(instBody, "outside range [0.01, 255]"), warnAt(instBody, "(VI_1) Advert interval (256) not valid!")}},
		{"not a number", inst("advert_int x"), adv(2, time.Second),
			[]want{warnAt(instBody, "advert_int: invalid time 'x'"), warnAt(instBody, "(VI_1) Advert interval (x) not valid!")}},
		{"version 3 with IPv4", inst("version 3"), adv(3, time.Second), nil},
		{"version 2 after an IPv6 VIP", inst6("version 2"), adv(3, time.Second),
			[]want{warnAt(instBody, "(VI_1) vrrp_version 2 conflicts with configured or deduced version 3; ignoring.")}},
		{"version 2 before an IPv6 VIP", bare(" interface eth0\n version 2\n virtual_ipaddress {\n 2001:db8::1\n }"),
			in0(func(i vrrp.Instance) bool { return i.Version == 3 && i.Family == vrrp.IPv6 }), nil},
		{"version x", inst("version x"), adv(2, time.Second), []want{warnAt(instBody, "version: invalid number 'x'")}},
		{"native_ipv6", bare(" interface eth0\n native_ipv6"), in0(func(i vrrp.Instance) bool {
			return i.Family == vrrp.IPv6 && i.Version == 3
		}), []want{warnAt(1, "(VI_1) No VIP specified; at least one is required")}},
		{"native_ipv6 then an IPv4 VIP", bare(" interface eth0\n native_ipv6\n virtual_ipaddress {\n 192.0.2.1\n }"),
			in0(func(i vrrp.Instance) bool { return i.Family == vrrp.IPv6 && len(i.VIPs) == 0 }),
			[]want{warnAt(6, "(VI_1): address family must match VRRP instance [192.0.2.1] - ignoring"),
				warnAt(1, "No VIP specified; at least one is required")}},
		{"native_ipv6 after an IPv4 VIP", inst("native_ipv6"), in0(func(i vrrp.Instance) bool { return i.Family == vrrp.IPv4 }),
			[]want{warnAt(instBody, "(VI_1) Cannot specify native_ipv6 with IPv4 addresses")}},
		{"no VIP in strict mode is required", strings.Replace(inst("strict_mode"), " virtual_ipaddress {\n  192.0.2.1/24\n }\n", "", 1),
			nil, []want{warnAt(1, "(VI_1) No VIP specified; at least one is required")}},
		{"bare advert_int stops keepalived", inst("advert_int"), nil, []want{stopAt(instBody, "`advert_int` is missing a parameter")}},
	})
}

func TestInstanceInterfaceAndAddresses(t *testing.T) {
	addr := netip.MustParseAddr
	runSemRows(t, []semRow{
		{"no interface", bare(" virtual_ipaddress {\n 192.0.2.1\n }"), in0(func(i vrrp.Instance) bool { return i.Interface == "" }),
			[]want{warnAt(1, "(VI_1) Unknown interface!")}},
		{"no interface, unicast", bare(" unicast_peer {\n 192.0.2.9\n }\n virtual_ipaddress {\n 192.0.2.1\n }"),
			in0(func(i vrrp.Instance) bool { return len(i.Options().UnicastPeers) == 1 }), []want{warnAt(1, "(VI_1) Unknown interface!")}},
		{"dont_track_primary", inst("dont_track_primary"), in0(func(i vrrp.Instance) bool { return i.DontTrackPrimary }), nil},
		{"bare interface stops keepalived", inst("interface"), nil, []want{stopAt(instBody, "`interface` is missing a parameter")}},
		{"mcast_src_ip", inst("mcast_src_ip 192.0.2.5"), in0(func(i vrrp.Instance) bool { return i.Options().McastSrc == addr("192.0.2.5") }), nil},
		{"mcast_src_ip malformed", inst("mcast_src_ip 192.0.2.300"), in0(func(i vrrp.Instance) bool { return !i.Options().McastSrc.IsValid() }),
			[]want{warnAt(instBody, "Configuration error: VRRP instance[VI_1] malformed src address[192.0.2.300]. Skipping...")}},
		{"mcast_src_ip of the other family", inst("mcast_src_ip 2001:db8::5"), in0(func(i vrrp.Instance) bool { return !i.Options().McastSrc.IsValid() }),
			[]want{warnAt(instBody, "VRRP instance[VI_1] and src address[2001:db8::5] MUST be of the same family !!! Skipping...")}},
		{"unicast_src_ip with a prefix", inst("unicast_src_ip 192.0.2.3/24\nunicast_peer {\n192.0.2.9\n}"),
			in0(func(i vrrp.Instance) bool { return i.Options().UnicastSrc == addr("192.0.2.3") }),
			[]want{infoAt(instBody, "unicast_src_ip 192.0.2.3/24: keepalived ignores '/24' here; using the address 192.0.2.3")}},
		{"unicast_src_ip first sets the family", bare(" interface eth0\n unicast_src_ip 2001:db8::5\n unicast_peer {\n 2001:db8::9\n }\n" +
			" virtual_ipaddress {\n 192.0.2.1\n }"), in0(func(i vrrp.Instance) bool {
			return i.Family == vrrp.IPv6 && i.Version == 3 && len(i.VIPs) == 0 && i.Options().UnicastSrc == addr("2001:db8::5")
		}), []want{warnAt(9, "address family must match VRRP instance [192.0.2.1]"), warnAt(1, "No VIP specified; at least one is required")}},
		{"mcast_dst_ip of the other family", inst("mcast_dst_ip ff02::19"), in0(func(i vrrp.Instance) bool { return !i.Options().McastDst.IsValid() }),
			[]want{warnAt(instBody, "(VI_1) mcast dest address ff02::19 MUST match VRRP instance family. Skipping...")}},
		{"mcast_dst_ip IPv6 link-local", inst6("mcast_dst_ip ff02::19"), in0(func(i vrrp.Instance) bool { return i.Options().McastDst == addr("ff02::19") }), nil},
		{"mcast_dst_ip IPv6 site scope", inst6("mcast_dst_ip ff05::19"), in0(func(i vrrp.Instance) bool { return !i.Options().McastDst.IsValid() }),
			[]want{warnAt(instBody, "(VI_1) mcast_dst_ip ff05::19 is not a link-local multicast address - ignoring")}},
		{"mcast_dst_ip first sets the family", bare(" interface eth0\n mcast_dst_ip ff02::19\n virtual_ipaddress {\n 192.0.2.1\n }"),
			in0(func(i vrrp.Instance) bool { return i.Family == vrrp.IPv6 && len(i.VIPs) == 0 }),
			[]want{warnAt(6, "address family must match"), warnAt(1, "at least one is required")}},
		{"VIP families", inst("virtual_ipaddress {\n192.0.2.2/24\n2001:db8::2\n}"),
			in0(func(i vrrp.Instance) bool { return len(i.VIPs) == 2 && i.VIPs[1].Prefix.Addr() == addr("192.0.2.2") }),
			[]want{warnAt(instBody+2, "(VI_1): address family must match VRRP instance [2001:db8::2] - ignoring")}},
	})
}

func TestInstanceUnicastPeers(t *testing.T) {
	peers := func(want ...vrrp.Peer) func(*Config) bool {
		return in0(func(i vrrp.Instance) bool { return slices.Equal(i.Options().UnicastPeers, want) })
	}
	p := func(s string, lo, hi int) vrrp.Peer {
		return vrrp.Peer{Addr: netip.MustParseAddr(s), MinTTL: lo, MaxTTL: hi}
	}
	up := func(entries ...string) string { return inst("unicast_peer {\n" + strings.Join(entries, "\n") + "\n}") }
	l := instBody + 1
	runSemRows(t, []semRow{
		{"plain and TTLs", up("192.0.2.7", "192.0.2.8 max_ttl 255 min_ttl 0"), peers(p("192.0.2.7", 0, 0), p("192.0.2.8", 0, 255)), nil},
		{"min above max", up("192.0.2.7 min_ttl 9 max_ttl 3"), peers(p("192.0.2.7", 9, 3)),
			[]want{warnAt(l, "(VI_1) min_ttl 9 > max_ttl 3 - all packets will be discarded")}},
		{"TTL out of range", up("192.0.2.7 min_ttl 256 max_ttl 4"), peers(p("192.0.2.7", 0, 4)),
			[]want{warnAt(l, "number '256' outside range [0, 255]")}},
		{"unknown option ends the options", up("192.0.2.7 ttl 3 min_ttl 4"), peers(p("192.0.2.7", 0, 0)),
			[]want{warnAt(l, "(VI_1) unknown unicast_peer option ttl")}},
		{"option without value", up("192.0.2.7 min_ttl"), peers(p("192.0.2.7", 0, 0)),
			[]want{warnAt(l, "(VI_1) min_ttl is missing a value")}},
		{"malformed", up("x", "192.0.2.7"), peers(p("192.0.2.7", 0, 0)),
			[]want{warnAt(l, "Configuration error: VRRP instance[VI_1] malformed unicast peer address[x]. Skipping...")}},
		{"other family", up("2001:db8::9"), peers(),
			[]want{warnAt(l, "VRRP instance[VI_1] and unicast peer address[2001:db8::9] MUST be of the same family !!! Skipping..."),
				warnAt(1, "(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast.")}},
		{"prefix ignored", up("192.0.2.7/24"), peers(p("192.0.2.7", 0, 0)),
			[]want{infoAt(l, "unicast_peer 192.0.2.7/24: keepalived ignores '/24' here; using the address 192.0.2.7")}},
		{"first peer sets the family", bare(" interface eth0\n unicast_peer {\n 2001:db8::9\n }\n virtual_ipaddress {\n 2001:db8::1\n }"),
			in0(func(i vrrp.Instance) bool {
				return i.Family == vrrp.IPv6 && len(i.VIPs) == 1 && len(i.Options().UnicastPeers) == 1
			}), nil},
		{"empty block", inst("unicast_peer {\n}"), peers(),
			[]want{warnAt(1, "(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. "+
				"This usage is deprecated - please update your configuration.")}},
		{"unicast_src_ip without peers", inst("unicast_src_ip 192.0.2.3"), peers(), []want{warnAt(1, "without any unicast peers")}},
		{"check_unicast_src without peers", inst("check_unicast_src"), peers(), []want{warnAt(1, "without any unicast peers")}},
		{"unicast_fault_no_peer without peers", inst("unicast_fault_no_peer"), in0(func(i vrrp.Instance) bool {
			return i.UnicastFaultNoPeer && len(i.Options().UnicastPeers) == 0
		}), nil},
		{"unicast_ttl", inst("unicast_ttl 1\nunicast_peer {\n192.0.2.7\n}"), in0(func(i vrrp.Instance) bool { return i.UnicastTTL == 1 }),
			[]want{warnAt(instBody, "'unicast_ttl 1' is not supported by govrrpd yet")}},
		{"one-line block opens anyway", inst("unicast_peer 192.0.2.7\n192.0.2.8"), peers(p("192.0.2.8", 0, 0)),
			[]want{warnAt(instBody, "Block unicast_peer has extra parameters 192.0.2.7 ...: keepalived ignores '192.0.2.7'")}},
	})
}
